"""Errors the Store raises, so callers never need to know the database driver's exceptions."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for the store's own errors."""


class ActiveSessionExists(StoreError):
    """The member already has an active session (the partial unique index said no)."""

    def __init__(self, member_id: int) -> None:
        super().__init__(f"member {member_id} already has an active session")
        self.member_id = member_id


class SessionNotActive(StoreError):
    """A question was asked in a session that is missing or already finished/stopped."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"session {session_id} is not active")
        self.session_id = session_id


class AttemptPositionTaken(StoreError):
    """Another caller already asked a question at this position of the session."""

    def __init__(self, session_id: str, position: int) -> None:
        super().__init__(f"session {session_id} already has an attempt at position {position}")
        self.session_id = session_id
        self.position = position


class StoreUnavailable(StoreError):
    """The database failed (disk full, I/O error, connection lost): nothing of this call was
    stored, and the same call may succeed once the database answers again."""
