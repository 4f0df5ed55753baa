"""Socket Mode: the same AsyncApp behind a WebSocket (a fake Socket Mode server)."""

from __future__ import annotations

import pytest
from slack_fakes import APP_TOKEN
from slack_payloads import message, slash
from slack_world import SlackWorld

from bot.adapters.slack.socket_mode import SocketModeHandler

# slack_sdk 3.39's Socket Mode client passes ssl=None to aiohttp, which aiohttp 3.13 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:ssl=None is deprecated:DeprecationWarning")


async def test_slash_command_and_dm_reply_over_socket_mode(slack: SlackWorld) -> None:
    handler = SocketModeHandler(slack.app, APP_TOKEN, web_client=slack.parts.client)
    await handler.connect_async()
    try:
        fields = slash(
            "start rag 1 5m", user="U1", channel="C1", response_url=slack.fake.response_url()
        )
        ack = await slack.fake.send_envelope("slash_commands", fields)
        assert "envelope_id" in ack
        card = await slack.wait_card(1)
        assert card["channel"] == "DU1"
        # A redelivered event is not answered twice; the first delivery is.
        dm = message("hint", user="U1", channel="DU1")
        await slack.fake.send_envelope("events_api", dm, retry_attempt=1)
        await slack.fake.send_envelope("events_api", dm)
        await slack.fake.wait_for(lambda: any("提示 1/" in p["text"] for p in slack.posts()))
        await slack.command("status")  # after both: one hint taken, not two
        card = await slack.wait_card(2)
        assert sum(p["text"].startswith("提示") for p in slack.posts()) == 1
        assert card["blocks"][2]["text"]["text"].count("💡") == 1
    finally:
        await handler.close_async()
