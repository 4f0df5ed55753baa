"""Who a Slack user is, from `users.info`: name, time zone, language, admin or not.

Cached briefly (five minutes): a member pressing buttons does not cost a Web API call each
time, and a workspace admin who is demoted loses `config` within minutes. A failed lookup is
never cached and never fatal: the member is then treated as a non-admin in the bot's default
time zone.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.commands import Actor

log = structlog.get_logger(__name__)

PLATFORM = "slack"
CACHE_TTL_S = 300.0
CACHE_SIZE = 5000


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str | None
    tz: tzinfo
    locale: str | None
    is_admin: bool
    is_bot: bool


class People:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        default_tz: tzinfo,
        ttl_s: float = CACHE_TTL_S,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._default_tz = default_tz
        self._ttl_s = ttl_s
        self._now = now
        self._cache: OrderedDict[str, tuple[float, Person]] = OrderedDict()

    @property
    def default_tz(self) -> tzinfo:
        return self._default_tz

    async def get(self, user_id: str) -> Person:
        cached = self._cache.get(user_id)
        if cached is not None and self._now() - cached[0] < self._ttl_s:
            self._cache.move_to_end(user_id)
            return cached[1]
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError as exc:
            log.warning("slack.users_info_failed", user_id=user_id, error=exc.response.get("error"))
            return Person(user_id, None, self._default_tz, None, False, False)
        person = self._person(user_id, response.get("user") or {})
        self._cache[user_id] = (self._now(), person)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return person

    def _person(self, user_id: str, user: dict[str, object]) -> Person:
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        assert isinstance(profile, dict)
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        return Person(
            user_id=user_id,
            name=str(name) if name else None,
            tz=self._zone(user.get("tz")),
            locale=str(user["locale"]) if user.get("locale") else None,
            is_admin=bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            ),
            is_bot=bool(user.get("is_bot")),
        )

    def _zone(self, name: object) -> tzinfo:
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return self._default_tz

    async def actor(self, team_id: str, user_id: str) -> tuple[Actor, Person]:
        person = await self.get(user_id)
        actor = Actor(
            platform=PLATFORM,
            workspace_id=team_id,
            user_id=user_id,
            display_name=person.name,
            is_admin=person.is_admin,
            locale_hint=person.locale,
        )
        return actor, person
