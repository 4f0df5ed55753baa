"""Socket Mode for the one AsyncApp, telling redeliveries apart as HTTP mode does.

Over HTTP Slack marks a redelivered event with `X-Slack-Retry-Num`; over Socket Mode the
envelope says `retry_attempt`. slack-bolt 1.27's handler drops that, so this one passes it on
as the same header, and the message listener ignores redeliveries the same way in both modes.
"""

from __future__ import annotations

from time import time

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest


class SocketModeHandler(AsyncSocketModeHandler):
    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time()
        headers: dict[str, str] = {}
        if req.retry_attempt:
            headers = {
                "x-slack-retry-num": str(req.retry_attempt),
                "x-slack-retry-reason": req.retry_reason or "",
            }
        request = AsyncBoltRequest(body=req.payload, headers=headers, mode="socket_mode")  # type: ignore[arg-type]
        response = await self.app.async_dispatch(request)
        await send_async_response(client, req, response, start)
