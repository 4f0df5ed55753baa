"""The app manifest an admin pastes into Slack asks for what the bot uses, and no more."""

from __future__ import annotations

from pathlib import Path

import yaml

import bot.adapters.slack
from bot.adapters.slack.commands import SLASH_COMMAND

MANIFEST = Path(bot.adapters.slack.__file__).parent / "manifest.yaml"


def test_manifest_matches_what_the_bot_listens_to() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == [SLASH_COMMAND]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
        "message.channels",
        "message.groups",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "im:history", "users:read"} <= scopes
