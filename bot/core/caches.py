"""Small in-process caches that save database round trips on the hot paths.

- MemberCache: every command starts by resolving its member. Entries live for TTL seconds, so a
  change made by another process on the same database (a language switch through Slack while
  Discord runs elsewhere) is seen within that time; changes made here drop the entry at once.
- SessionCache: a session's question list, time limit, place and owner never change after it is
  created, and that is all the cached record is used for; its state is always read fresh (or
  enforced by the store's conditional updates).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from storage.models import Member, MemberKey, SessionRecord

TTL = timedelta(seconds=60)
MAX_ENTRIES = 20_000


class MemberCache:
    def __init__(self, ttl: timedelta = TTL, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: OrderedDict[MemberKey, tuple[Member, datetime]] = OrderedDict()
        self._keys: dict[int, MemberKey] = {}  # member id -> key, for the deadline watcher

    def get(self, key: MemberKey, now: datetime) -> Member | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        member, stored_at = entry
        if now - stored_at > self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return member

    def by_id(self, member_id: int, now: datetime) -> Member | None:
        key = self._keys.get(member_id)
        return None if key is None else self.get(key, now)

    def put(self, key: MemberKey, member: Member, now: datetime) -> None:
        self._entries[key] = (member, now)
        self._entries.move_to_end(key)
        self._keys[member.id] = key
        while len(self._entries) > self._max:
            _, (old, _) = self._entries.popitem(last=False)
            self._keys.pop(old.id, None)

    def forget(self, key: MemberKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._keys.pop(entry[0].id, None)


class SessionCache:
    """Session records by id, least recently used dropped first. Only immutable fields are used."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._max = max_entries
        self._entries: OrderedDict[str, SessionRecord] = OrderedDict()

    def get(self, session_id: str) -> SessionRecord | None:
        session = self._entries.get(session_id)
        if session is not None:
            self._entries.move_to_end(session_id)
        return session

    def put(self, session: SessionRecord) -> None:
        self._entries[session.id] = session
        self._entries.move_to_end(session.id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
