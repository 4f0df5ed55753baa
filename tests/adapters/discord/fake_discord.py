"""A fake of Discord's REST API on 127.0.0.1:0: the real discord.py talks to it over HTTP.

It answers the routes the bot uses, keeps every message and thread it was asked to create,
and records every request, so tests assert what a member would see. What Discord does that
discord.py relies on is copied exactly: `Content-Type: application/json` with no charset (else
discord.py reads the body as text), a `Via` header on 429 (else discord.py takes it for a
Cloudflare ban), and `response_message_id` in interaction callback replies.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API = "/api/v10"
APP_ID = 710000000000000001
BOT_ID = 710000000000000002
EPHEMERAL = 64


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user_payload(BOT_ID, "interview-bot", bot=True)


@dataclass
class Message:
    """A message as the fake holds it (what a member would see in the channel)."""

    id: int
    channel_id: int
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    ephemeral: bool = False
    via: str = "channel"  # channel | callback | followup
    edits: int = 0
    token: str | None = None  # the interaction it answers, if any
    loading: bool = False  # "thinking…" until the first follow-up replaces it
    deleted: bool = False

    def text(self) -> str:
        """Everything a member reads in it, as one string (for assertions)."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(p for p in parts if p)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for row in self.components for c in row.get("components", [])]

    def labels(self) -> list[str]:
        return [c.get("label", "") for row in self.components for c in row.get("components", [])]

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": BOT_USER,
            "content": self.content,
            "timestamp": "2026-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": 0,
            "flags": EPHEMERAL if self.ephemeral else 0,
        }


@dataclass
class Request:
    method: str
    path: str
    body: Any
    at: float
    status: int = 200
    done: float = 0.0  # when the answer was ready (time.monotonic)


@dataclass
class _Throttle:
    method: str
    pattern: re.Pattern[str]
    retry_after: float
    times: int


@dataclass
class FakeDiscord:
    guild_id: int = 720000000000000001
    requests: list[Request] = field(default_factory=list)
    messages: dict[int, Message] = field(default_factory=dict)
    channels: dict[int, dict[str, Any]] = field(default_factory=dict)
    callbacks: dict[int, dict[str, Any]] = field(default_factory=dict)  # interaction id → body
    thread_members: list[tuple[int, int]] = field(default_factory=list)
    synced: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    no_threads_in: set[int] = field(default_factory=set)  # channels where threads are refused
    no_joins_for: set[int] = field(default_factory=set)  # users who cannot be added to threads
    # Like Discord, every answer says how much of its bucket is left (a bucket: one route on
    # one channel/webhook/interaction), and going over it is a 429. Without these headers
    # discord.py sends one request per bucket at a time.
    bucket_limit: int = 50
    bucket_window_s: float = 1.0
    # Discord's global limit (50 requests a second per bot by default, more for bots Discord
    # has raised; interaction callbacks and follow-ups are exempt). None: not enforced.
    global_limit: int | None = None
    # How long Discord takes to answer a request (network and its own work); 0 on loopback.
    latency_s: float = 0.0
    _buckets: dict[str, tuple[float, int]] = field(default_factory=dict)
    _throttles: list[_Throttle] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(730000000000000001))
    _original: dict[str, int] = field(default_factory=dict)  # interaction token → message id
    _channel_of: dict[str, int] = field(default_factory=dict)  # interaction token → channel
    _source: dict[str, int] = field(default_factory=dict)  # token → the message clicked
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _sequence: int = 0
    _port: int = 0
    identified: list[dict[str, Any]] = field(default_factory=list)  # IDENTIFY payloads

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> str:
        """Serve on a free loopback port; the API base URL to give DISCORD_API_BASE."""
        self._changed = asyncio.Condition()
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._route)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._port = port
        return f"http://127.0.0.1:{port}{API}"

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what tests set up and read -----------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def expect_interaction(self, token: str, channel_id: int, message_id: int | None) -> None:
        """Where an interaction's responses and follow-ups appear (and the message clicked)."""
        self._channel_of[token] = channel_id
        if message_id is not None:
            self._source[token] = message_id

    def throttle(self, method: str, path_regex: str, *, retry_after: float, times: int = 1) -> None:
        """Answer the next `times` matching requests with 429 and Retry-After."""
        self._throttles.append(_Throttle(method, re.compile(path_regex), retry_after, times))

    def replies_to(self, token: str) -> list[Message]:
        """The interaction's own response and follow-ups (ephemeral or not)."""
        return [m for m in self.messages.values() if m.token == token and not m.deleted]

    def in_channel(self, channel_id: int) -> list[Message]:
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def threads(self) -> list[dict[str, Any]]:
        return [
            c for c in self.channels.values() if c["type"] in (11, 12) and not c.get("_deleted")
        ]

    async def wait_for(self, check: Callable[[], Any], deadline_s: float = 5.0) -> Any:
        """Until `check()` is truthy (re-checked after every request), or fail at the deadline."""
        assert self._changed is not None
        async with asyncio.timeout(deadline_s), self._changed:
            while not (result := check()):
                await self._changed.wait()
            return result

    # ---- the gateway (a websocket: HELLO, IDENTIFY → READY, then the events tests send) ----

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to the connected bot."""
        assert self._socket is not None, "no bot is connected to the gateway"
        self._sequence += 1
        await self._socket.send_json({"op": 0, "t": event, "s": self._sequence, "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for frame in socket:
            message = json.loads(frame.data)
            if message["op"] == 1:  # heartbeat
                await socket.send_json({"op": 11})
            elif message["op"] == 2:  # identify
                await self._ready(socket, message["d"])
        return socket

    async def _ready(self, socket: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        self._sequence += 1
        shard = identify.get("shard", [0, 1])
        await socket.send_json(
            {
                "op": 0,
                "t": "READY",
                "s": self._sequence,
                "d": {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": f"ws://127.0.0.1:{self._port}/gateway",
                    "shard": shard,
                    "application": {"id": str(APP_ID), "flags": 0},
                },
            }
        )
        self.identified.append(identify)
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # ---- HTTP -----------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        entry = Request(request.method, request.path[len(API) :], body, time.monotonic())
        self.requests.append(entry)
        request["entry"] = entry  # not requests[-1]: others arrive while this one waits
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        response: web.StreamResponse = await handler(request)
        entry.status = response.status
        entry.done = time.monotonic()
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
        return response

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        entry: Request = request["entry"]
        throttled = self._throttled(request.method, path)
        if throttled is not None:
            return throttled
        route, resource = _route_of(request.method, path)
        if self.global_limit is not None and not resource.startswith(INTERACTION_ROUTES):
            _, over = self._count("global", self.global_limit)
            if over is not None:
                return self._too_many(over, scope="global")
        # Buckets as Discord keys them: the route's hash (the same on every channel), counted
        # per top-level resource (one channel, one webhook + token, one interaction).
        headers, over = self._count(f"{route} {resource}", self.bucket_limit)
        if over is not None:
            return self._too_many(over)
        headers["X-RateLimit-Bucket"] = route
        for method, pattern, handler in self._table():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                response = handler(entry.body, *match.groups())
                response.headers.update(headers)
                return response
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _count(self, bucket: str, limit: int) -> tuple[dict[str, str], float | None]:
        now = time.monotonic()
        opened, used = self._buckets.get(bucket, (now, 0))
        if now - opened >= self.bucket_window_s:
            opened, used = now, 0
        reset_after = self.bucket_window_s - (now - opened)
        if used >= limit:
            return {}, reset_after
        self._buckets[bucket] = (opened, used + 1)
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(limit - used - 1),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        }
        return headers, None

    def _throttled(self, method: str, path: str) -> web.Response | None:
        for rule in self._throttles:
            if rule.times > 0 and rule.method == method and rule.pattern.search(path):
                rule.times -= 1
                return self._too_many(rule.retry_after)
        return None

    @staticmethod
    def _too_many(retry_after: float, *, scope: str = "user") -> web.Response:
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": scope == "global",
        }
        headers = {
            "Retry-After": f"{retry_after:.3f}",
            "Via": "1.1 google",  # without it discord.py takes the 429 for a Cloudflare ban
            "X-RateLimit-Scope": scope,
        }
        if scope == "global":
            headers["X-RateLimit-Global"] = "true"
        else:
            headers |= {
                "X-RateLimit-Limit": "1",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            }
        return _json(body, 429, headers)

    def _table(self) -> list[tuple[str, str, Callable[..., web.Response]]]:
        return [
            ("GET", r"/users/@me", lambda _b: _json(BOT_USER)),
            ("GET", r"/gateway/bot", lambda _b: _json(self._gateway_info())),
            ("GET", r"/oauth2/applications/@me", lambda _b: _json(_application())),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._edit_webhook),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._get_webhook),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._delete_webhook),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("GET", r"/channels/(\d+)/messages", self._list_messages),
            ("POST", r"/channels/(\d+)/threads", self._create_thread),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread_from_message),
            ("PUT", r"/channels/(\d+)/thread-members/(\d+)", self._add_member),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("PATCH", r"/channels/(\d+)", self._edit_channel),
            ("DELETE", r"/channels/(\d+)", self._delete_channel),
            ("POST", r"/users/@me/channels", self._open_dm),
        ]

    # ---- handlers -------------------------------------------------------------------------

    def _gateway_info(self) -> dict[str, Any]:
        return _gateway_info_for(self._port)

    def _sync(self, body: list[dict[str, Any]], *where: str) -> web.Response:
        key = "global" if len(where) == 1 else f"guild:{where[1]}"
        out = [
            {**c, "id": str(self.next_id()), "application_id": str(APP_ID), "version": "1"}
            for c in body
        ]
        self.synced[key] = out
        return _json(out)

    def _callback(self, body: dict[str, Any], interaction_id: str, token: str) -> web.Response:
        self.callbacks[int(interaction_id)] = body
        kind, data = body["type"], body.get("data") or {}
        message_id: int | None = None
        channel = self._channel_of.get(token, 0)
        if kind in (4, 5):  # a message now, or "thinking…" to be edited later
            message = self._store(
                channel,
                data,
                via="callback",
                ephemeral=bool(data.get("flags", 0) & EPHEMERAL),
                token=token,
            )
            message_id = message.id
            message.loading = kind == 5
            self._original[token] = message.id
        elif kind in (6, 7) and token in self._source:  # the clicked message is the original
            message_id = self._original[token] = self._source[token]
            if kind == 7 and message_id in self.messages:
                self._update(self.messages[message_id], data)
        reply: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": str(message_id or 0),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        return _json(reply)

    def _followup(self, body: dict[str, Any], _app: str, token: str) -> web.Response:
        original = self.messages.get(self._original.get(token, 0))
        if original is not None and original.loading:  # as Discord: it replaces "thinking…"
            original.loading = False
            self._update(original, body)
            original.edits -= 1  # the answer itself, not an edit of it
            return _json(original.payload())
        message = self._store(
            self._channel_of.get(token, 0),
            body,
            via="followup",
            ephemeral=bool(body.get("flags", 0) & EPHEMERAL),
            token=token,
        )
        return _json(message.payload())

    def _edit_webhook(self, body: dict[str, Any], _app: str, token: str, mid: str) -> web.Response:
        message_id = self._original.get(token) if mid == "@original" else int(mid)
        if message_id is None or message_id not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(self._update(self.messages[message_id], body).payload())

    def _get_webhook(self, _body: Any, _app: str, token: str, mid: str) -> web.Response:
        message_id = self._original.get(token) if mid == "@original" else int(mid)
        if message_id is None or message_id not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(self.messages[message_id].payload())

    def _delete_webhook(self, _body: Any, _app: str, token: str, mid: str) -> web.Response:
        message_id = self._original.get(token) if mid == "@original" else int(mid)
        if message_id is None or message_id not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        self.messages[message_id].deleted = True
        return web.Response(status=204)

    def _create_message(self, body: dict[str, Any], channel_id: str) -> web.Response:
        if int(channel_id) in self.channels and self.channels[int(channel_id)].get("_deleted"):
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(self._store(int(channel_id), body, via="channel").payload())

    def _edit_message(self, body: dict[str, Any], channel_id: str, mid: str) -> web.Response:
        message = self.messages.get(int(mid))
        if message is None or message.channel_id != int(channel_id):
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(self._update(message, body).payload())

    def _get_message(self, _body: Any, channel_id: str, mid: str) -> web.Response:
        message = self.messages.get(int(mid))
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return _json(message.payload())

    def _list_messages(self, _body: Any, channel_id: str) -> web.Response:
        """The channel's last 50 messages, newest first (as Discord, without ?limit)."""
        held = [
            m
            for m in self.messages.values()
            if m.channel_id == int(channel_id) and not m.ephemeral and not m.deleted
        ]
        held.sort(key=lambda m: m.id, reverse=True)
        return _json([m.payload() for m in held[:50]])

    def _create_thread(self, body: dict[str, Any], channel_id: str) -> web.Response:
        if int(channel_id) in self.no_threads_in:
            return _json({"message": "Missing Permissions", "code": 50013}, 403)
        return _json(self._thread(int(channel_id), body, body.get("type", 12)))

    def _thread_from_message(self, body: dict[str, Any], channel_id: str, mid: str) -> web.Response:
        if int(mid) in self.channels:
            body = {"message": "A thread has already been created for this message", "code": 160004}
            return _json(body, 400)
        return _json(self._thread(int(channel_id), body, 11, thread_id=int(mid)))

    def _add_member(self, _body: Any, thread_id: str, user_id: str) -> web.Response:
        if int(user_id) in self.no_joins_for:
            return _json({"message": "Missing Access", "code": 50001}, 403)
        self.thread_members.append((int(thread_id), int(user_id)))
        return web.Response(status=204)

    def _get_channel(self, _body: Any, channel_id: str) -> web.Response:
        channel = self.channels.get(int(channel_id))
        if channel is None or channel.get("_deleted"):
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(channel)

    def _edit_channel(self, body: dict[str, Any], channel_id: str) -> web.Response:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        for key in ("archived", "locked"):
            if key in body:
                channel["thread_metadata"][key] = body[key]
        if "name" in body:
            channel["name"] = body["name"]
        return _json(channel)

    def _delete_channel(self, _body: Any, channel_id: str) -> web.Response:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        channel["_deleted"] = True
        return _json(channel)

    def _open_dm(self, body: dict[str, Any]) -> web.Response:
        recipient = int(body["recipient_id"])
        for channel in self.channels.values():
            if channel["type"] == 1 and int(channel["recipients"][0]["id"]) == recipient:
                return _json(channel)
        channel = {
            "id": str(self.next_id()),
            "type": 1,
            "last_message_id": None,
            "recipients": [user_payload(recipient, f"user{recipient}")],
        }
        self.channels[int(channel["id"])] = channel
        return _json(channel)

    # ---- state ----------------------------------------------------------------------------

    def _store(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        via: str,
        ephemeral: bool = False,
        token: str | None = None,
    ) -> Message:
        message = Message(
            self.next_id(),
            channel_id,
            body.get("content") or "",
            body.get("embeds") or [],
            body.get("components") or [],
            ephemeral,
            via,
            token=token,
        )
        self.messages[message.id] = message
        return message

    @staticmethod
    def _update(message: Message, body: dict[str, Any]) -> Message:
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = body["embeds"] or []
        if "components" in body:
            message.components = body["components"] or []
        message.edits += 1
        return message

    def _thread(
        self, parent: int, body: dict[str, Any], kind: int, *, thread_id: int | None = None
    ) -> dict[str, Any]:
        thread = {
            "id": str(thread_id or self.next_id()),
            "type": kind,
            "guild_id": str(self.guild_id),
            "parent_id": str(parent),
            "owner_id": str(BOT_ID),
            "name": body.get("name", ""),
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "locked": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": "2026-01-01T00:00:00+00:00",
                "invitable": body.get("invitable", True),
            },
        }
        self.channels[int(thread["id"])] = thread
        return thread


INTERACTION_ROUTES = ("/interactions/", "/webhooks/")


def _route_of(method: str, path: str) -> tuple[str, str]:
    """(the route as Discord hashes it, the top-level resource it is counted on):
    `POST /channels/1/messages` → ("POST /channels/{}/messages", "/channels/1")."""
    parts = path.split("/")
    major = 4 if parts[1] in ("webhooks", "interactions") else 3
    resource = "/".join(parts[:major])
    shape = [p if i < 2 or (i >= major and not p.isdigit()) else "{}" for i, p in enumerate(parts)]
    return f"{method} {'/'.join(shape)}", resource


def _gateway_info_for(port: int) -> dict[str, Any]:
    limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    return {"url": f"ws://127.0.0.1:{port}/gateway", "shards": 1, "session_start_limit": limit}


def _application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "interview-bot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "00",
        "owner": user_payload(BOT_ID + 100, "owner"),
        "flags": 0,
        "summary": "",
        "rpc_origins": [],
        "team": None,
        "interactions_endpoint_url": None,
    }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly "application/json": aiohttp's text= would add "; charset=utf-8", which discord.py
    # does not accept as JSON.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
