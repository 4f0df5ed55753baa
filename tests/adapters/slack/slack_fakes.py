"""A fake Slack on loopback: the Web API, response_url endpoints and a Socket Mode server.

The bot talks to it with the real slack_sdk AsyncWebClient (through SLACK_API_URL); tests read
back what the bot asked Slack to do, in order, and can make a method fail (an API error, or a
429 with Retry-After). Requests to the bot are signed exactly as Slack signs them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

TEAM = "T0TEAM"
BOT_USER = "UBOT"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
WAIT_S = 10.0


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    error: str = "ratelimited"
    status: int = 200
    retry_after: int | None = None
    times: int = 1


def default_user(user_id: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": TEAM,
        "name": user_id.lower(),
        "tz": "Asia/Shanghai",
        "locale": "zh-CN",
        "is_admin": False,
        "is_owner": False,
        "profile": {"display_name": user_id.lower(), "real_name": user_id.lower()},
    }


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # posts to response_url
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)
    # A call this says yes to is taken (recorded, in the conversation) but not answered until
    # `release` is set: the bot can be killed after Slack accepted its post.
    stall: Callable[[str, dict[str, Any]], bool] | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _socket_ready: asyncio.Event = field(default_factory=asyncio.Event)

    # ---- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/link", self._socket)
        app.router.add_get("/_counts", self._counts)  # for a benchmark running it elsewhere
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{uuid.uuid4().hex[:8]}"

    # ---- what the bot did -------------------------------------------------------------------

    def of(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def count(self, method: str) -> int:
        return len(self.of(method))

    async def wait_for(
        self, check: Callable[[], bool], what: str = "condition", *, timeout_s: float = WAIT_S
    ) -> None:
        async with asyncio.timeout(timeout_s):
            async with self._changed:
                await self._changed.wait_for(check)

    async def wait_count(self, method: str, count: int) -> list[dict[str, Any]]:
        await self.wait_for(lambda: self.count(method) >= count, method)
        return self.of(method)

    async def wait_responses(self, count: int) -> list[dict[str, Any]]:
        await self.wait_for(lambda: len(self.responses) >= count, "response_url")
        return self.responses

    async def _record(self, method: str, params: dict[str, Any]) -> None:
        async with self._changed:
            self.calls.append(Call(method, params))
            self._changed.notify_all()

    # ---- the Web API ------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(dict(await request.post()))
        for key in ("blocks", "view"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        failure = self.failures.get(method)
        if failure is not None and failure.times > 0:
            failure.times -= 1
            await self._record(method + "!failed", params)
            headers = (
                {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
            )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        answer = self._answer(method, params)
        if method == "chat.postMessage":
            params["ts"] = answer["ts"]  # tests find a posted message by the ts it was given
        await self._record(method, params)
        if self.stall is not None and self.stall(method, params):
            await self.release.wait()
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER,
                "bot_id": "BBOT",
                "team_id": TEAM,
                "user": "bot",
            }
        if method == "chat.postMessage":
            n = next(self._ts)
            ts = f"{1700000000 + n}.{n:06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method in ("conversations.history", "conversations.replies"):
            return {"ok": True, "messages": self._conversation(params), "has_more": False}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users"))}}
        if method == "users.info":
            user_id = str(params.get("user"))
            return {"ok": True, "user": self.users.get(user_id) or default_user(user_id)}
        if method.startswith("views."):
            return {"ok": True, "view": {"id": "V" + uuid.uuid4().hex[:6]}}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        return {"ok": True, "ts": params.get("ts")}

    def _conversation(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The messages the bot posted in a channel (or one thread), newest first, as Slack
        holds them now (chat.update applied)."""
        channel, thread = params.get("channel"), params.get("ts")
        held: dict[str, dict[str, Any]] = {}
        for call in self.calls:
            p = call.params
            if p.get("channel") != channel:
                continue
            if call.method == "chat.postMessage":
                in_thread = p.get("thread_ts") == thread or p.get("ts") == thread
                if thread is None and p.get("thread_ts") or thread is not None and not in_thread:
                    continue
                held[p["ts"]] = {"type": "message", "ts": p["ts"], "text": p.get("text", "")}
                held[p["ts"]]["blocks"] = p.get("blocks") or []
            elif call.method == "chat.update" and p.get("ts") in held:
                held[p["ts"]].update(text=p.get("text", ""), blocks=p.get("blocks") or [])
        return sorted(held.values(), key=lambda m: m["ts"], reverse=True)

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        async with self._changed:
            self.responses.append(body)
            self.calls.append(Call("response_url", body))
            self._changed.notify_all()
        return web.Response(text="ok")

    async def _counts(self, request: web.Request) -> web.Response:
        return web.json_response({"responses": len(self.responses), "calls": len(self.calls)})

    # ---- Socket Mode ------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._socket_ready.set()
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._socket_acks.pop(str(data.get("envelope_id")), None)
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Deliver one envelope over Socket Mode; the bot's ack (with any payload) comes back."""
        async with asyncio.timeout(WAIT_S):
            await self._socket_ready.wait()
        envelope_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._socket_acks[envelope_id] = future
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        async with asyncio.timeout(WAIT_S):
            return await future


class SignedSlack:
    """Sends the bot what Slack sends: form-encoded or JSON bodies, signed with the secret."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET, *, connections: int = 100) -> None:
        self.url = url
        self._signer = SignatureVerifier(secret)
        # Slack opens a connection per request: a load test needs as many as it sends at once.
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections))

    async def close(self) -> None:
        await self._session.close()

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature
            or self._signer.generate_signature(timestamp=stamp, body=body),
            **(headers or {}),
        }
        async with self._session.post(self.url, data=body.encode(), headers=sent) as response:
            return response.status, await response.text()

    async def form(self, fields: dict[str, str], **kw: Any) -> tuple[int, str]:
        return await self.send(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    async def payload(self, payload: dict[str, Any], **kw: Any) -> tuple[int, str]:
        return await self.form({"payload": json.dumps(payload)}, **kw)

    async def event(self, body: dict[str, Any], **kw: Any) -> tuple[int, str]:
        return await self.send(json.dumps(body), "application/json", **kw)
