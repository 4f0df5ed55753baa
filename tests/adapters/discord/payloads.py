"""Gateway payloads as Discord sends them: INTERACTION_CREATE (slash command, autocomplete,
button, modal submit) and MESSAGE_CREATE, built for one fake server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_discord import APP_ID, FakeDiscord, Message, user_payload

GENERAL = 740000000000000001  # a text channel of the fake server
NO_THREADS = 740000000000000002  # a text channel where the bot may not open threads
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 38)  # view, send, send in threads


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    locale: str = "zh-CN"
    admin: bool = False

    def payload(self) -> dict[str, Any]:
        permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if self.admin else 0)
        return {
            "user": user_payload(self.id, self.name),
            "nick": None,
            "roles": [],
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }


def text_channel(channel_id: int, guild_id: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
    }


class Payloads:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def _base(
        self, kind: int, member: Member, channel: dict[str, Any], *, in_dm: bool = False
    ) -> dict[str, Any]:
        interaction_id = self.fake.next_id()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": f"token-{interaction_id}",
            "version": 1,
            "channel_id": channel["id"],
            "channel": channel,
            "locale": member.locale,
            "app_permissions": str((1 << 53) - 1),
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(self.fake.guild_id)},
        }
        if in_dm:
            payload["user"] = user_payload(member.id, member.name)
            payload["context"] = 1
        else:
            payload["guild_id"] = str(self.fake.guild_id)
            payload["guild_locale"] = "zh-CN"
            payload["member"] = member.payload()
            payload["context"] = 0
        return payload

    def channel(self, channel_id: int) -> dict[str, Any]:
        """The channel as an interaction names it: a known thread/DM, or a text channel."""
        known = self.fake.channels.get(channel_id)
        if known is not None:
            return {k: v for k, v in known.items() if not k.startswith("_")}
        return text_channel(channel_id, self.fake.guild_id)

    def slash(
        self,
        member: Member,
        sub: str,
        *,
        channel_id: int = GENERAL,
        in_dm: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        channel = self.channel(channel_id)
        payload = self._base(2, member, channel, in_dm=in_dm)
        payload["data"] = {
            "id": str(APP_ID + 1),
            "name": "interview",
            "type": 1,
            "options": [{"type": 1, "name": sub, "options": _options(options)}],
        }
        return payload

    def autocomplete(
        self, member: Member, sub: str, option: str, typed: str, *, channel_id: int = GENERAL
    ) -> dict[str, Any]:
        payload = self.slash(member, sub, channel_id=channel_id)
        payload["type"] = 4
        payload["data"]["options"][0]["options"] = [
            {"type": 3, "name": option, "value": typed, "focused": True}
        ]
        return payload

    def button(self, member: Member, message: Message, custom_id: str) -> dict[str, Any]:
        channel = self.channel(message.channel_id)
        payload = self._base(3, member, channel, in_dm=channel.get("type") == 1)
        payload["message"] = message.payload()
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return payload

    def modal(
        self,
        member: Member,
        custom_id: str,
        text: str,
        *,
        message: Message | None = None,
        channel_id: int = GENERAL,
    ) -> dict[str, Any]:
        channel = self.channel(message.channel_id if message else channel_id)
        payload = self._base(5, member, channel, in_dm=channel.get("type") == 1)
        if message is not None:
            payload["message"] = message.payload()
        payload["data"] = {
            "custom_id": custom_id,
            "components": [
                {"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": text}]}
            ],
        }
        return payload

    def message(
        self, member: Member, channel_id: int, content: str, *, bot: bool = False
    ) -> dict[str, Any]:
        return {
            "id": str(self.fake.next_id()),
            "channel_id": str(channel_id),
            "guild_id": str(self.fake.guild_id),
            "author": user_payload(member.id, member.name, bot=bot),
            "member": {k: v for k, v in member.payload().items() if k != "user"},
            "content": content,
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }


def _options(options: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, value in options.items():
        if value is None:
            continue
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
        out.append({"type": kind, "name": name, "value": value})
    return out
