"""Slack front end under load: 200 concurrent `/interview` commands over signed HTTP.

Two servers are measured side by side in one run, each in its own process, against the same
fake Slack Web API on loopback (in this process, with the load generator):
- `bot`: the real bot process, `interview-bot run slack --http --port 0` (the core, SQLite,
  users.info, replies through response_url and chat.postMessage);
- `bare`: a slack-bolt AsyncApp whose /interview listener only acks.
Rounds alternate between them. For each request `ack` is the time until the HTTP response
(Slack wants it within 3 s); the bot's work goes on after its ack, and `work_done_s` is when the
last command of a round had answered at the fake Slack.

The requests of a round are sent by a third process that does nothing else, over one connection
each, as Slack sends them: sharing an event loop with the fake Slack (which the bot calls while
it works) or queueing behind aiohttp's default 100-connection pool would time the load
generator, not the server.

Targets: bot ack p99 < 300 ms; bot throughput >= 0.8 x bare throughput.
Prints JSON. Run: python bench/slack_bench.py [--requests 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "adapters" / "slack"))

from slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SignedSlack  # noqa: E402
from slack_payloads import slash  # noqa: E402

TARGET_P99_S = 0.3
TARGET_RATIO = 0.8
BACKLOG = 1024  # as the bot's serve_http: a burst of connections is not dropped
START_S = 60.0
# What a team types, mixed: interviews start, boards, stats, help, a typo.
TEXTS = ("start 1 5m", "leaderboard week", "stats", "help", "topics", "stats", "dance")


async def run_bare(api_url: str) -> None:
    """Child process: a bolt app that only acks, on a free port it prints."""
    from bot.adapters.slack.app import EVENTS_PATH, build_client

    app = AsyncApp(client=build_client(BOT_TOKEN, api_url), signing_secret=SIGNING_SECRET)

    @app.command("/interview")
    async def ack_only(ack: Any) -> None:
        await ack()

    runner = web.AppRunner(app.web_app(path=EVENTS_PATH), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=BACKLOG).start()
    print(json.dumps({"event": "slack.http_listening", "port": runner.addresses[0][1]}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


class Server:
    """A child process serving /slack/events; its URL once it says it is listening."""

    def __init__(self, process: asyncio.subprocess.Process, stream: asyncio.StreamReader) -> None:
        self.process = process
        self._stream = stream
        self.url = ""
        self._drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, *args: str, env: dict[str, str], logs_on_stderr: bool) -> Server:
        pipe = asyncio.subprocess.PIPE
        process = await asyncio.create_subprocess_exec(
            *args, env=env, stdin=pipe, stdout=pipe, stderr=pipe if logs_on_stderr else None
        )
        stream = process.stderr if logs_on_stderr else process.stdout
        assert stream is not None
        server = cls(process, stream)
        async with asyncio.timeout(START_S):
            while not server.url:
                line = await stream.readline()
                if not line:
                    raise RuntimeError(f"{args} exited before listening")
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("event") == "slack.http_listening":
                    server.url = f"http://127.0.0.1:{record['port']}/slack/events"
        server._drain = asyncio.create_task(server._read_rest())  # a full pipe would block it
        return server

    async def _read_rest(self) -> None:
        while await self._stream.readline():
            pass

    async def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.returncode is None:
            self.process.terminate()
        await self.process.wait()
        if self._drain is not None:
            self._drain.cancel()


async def generate(url: str) -> None:
    """Child process: send the bodies read from stdin at once; print each one's latency."""
    bodies: list[dict[str, str]] = json.loads(sys.stdin.read())
    sender = SignedSlack(url, connections=len(bodies))
    latencies: list[float] = []

    async def send(body: dict[str, str]) -> None:
        started = time.perf_counter()
        status, _ = await sender.form(body)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"status {status}")

    started = time.perf_counter()
    await asyncio.gather(*(send(body) for body in bodies))
    acked = time.perf_counter() - started
    await sender.close()
    print(json.dumps({"acked_s": acked, "latencies": latencies}))


async def one_round(
    url: str, fake: FakeSlack, requests: int, round_no: int, expect_work: bool
) -> dict[str, Any]:
    bodies = [
        slash(TEXTS[i % len(TEXTS)], user=f"U{round_no}x{i}", channel="C1", response_url=fake.response_url())
        for i in range(requests)
    ]  # fmt: skip
    replies_before = len(fake.responses)
    started = time.perf_counter()
    generator = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--generate", url,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await generator.communicate(json.dumps(bodies).encode())
    if generator.returncode != 0:
        raise RuntimeError("the load generator failed")
    sent = json.loads(out)
    work_done = None
    if expect_work:
        # Every command answers through response_url at least once (start: the DM pointer).
        await fake.wait_for(lambda: len(fake.responses) - replies_before >= requests)
        work_done = time.perf_counter() - started
    latencies = sorted(sent["latencies"])
    return {
        "throughput_per_s": requests / sent["acked_s"],
        "ack_p50_s": latencies[len(latencies) // 2],
        "ack_p99_s": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "ack_max_s": latencies[-1],
        "work_done_s": work_done,
    }


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float | None:
        values = [r[key] for r in rounds if r[key] is not None]
        return round(statistics.median(values), 4) if values else None

    keys = ("throughput_per_s", "ack_p50_s", "ack_p99_s", "ack_max_s", "work_done_s")
    return {key: median(key) for key in keys}


def bot_env(fake: FakeSlack, folder: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder}/bench.db",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        SLACK_HOST="127.0.0.1",
        LOG_LEVEL="INFO",  # the "listening" line carries the port
    )
    for name in ("DISCORD_TOKEN", "SLACK_APP_TOKEN", "CONTENT_DIRS", "SLACK_MODE", "SLACK_PORT"):
        env.pop(name, None)
    return env


async def main(requests: int, rounds: int) -> dict[str, Any]:
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews the figures
    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        bot = await Server.start(
            sys.executable, "-m", "bot", "run", "slack", "--http", "--port", "0",
            env=bot_env(fake, folder), logs_on_stderr=True,
        )  # fmt: skip
        bare = await Server.start(
            sys.executable, __file__, "--bare", fake.api_url, env=dict(os.environ),
            logs_on_stderr=False,
        )  # fmt: skip
        try:
            # Warm-up: imports, auth.test, the first SQLite connections.
            await one_round(bot.url, fake, 10, 0, True)
            await one_round(bare.url, fake, 10, 0, False)
            ours, theirs = [], []
            for n in range(1, rounds + 1):
                ours.append(await one_round(bot.url, fake, requests, n, True))
                theirs.append(await one_round(bare.url, fake, requests, n, False))
        finally:
            await bot.stop()
            await bare.stop()
    await fake.close()
    bot_figures, bare_figures = summarise(ours), summarise(theirs)
    ratio = round(bot_figures["throughput_per_s"] / bare_figures["throughput_per_s"], 3)
    return {
        "requests_per_round": requests,
        "rounds": rounds,
        "cpus": os.cpu_count(),
        "loadavg_1m_before": load_before,
        "bot": bot_figures,
        "bare_bolt": bare_figures,
        "throughput_ratio": ratio,
        "targets": {"ack_p99_s": TARGET_P99_S, "throughput_ratio": TARGET_RATIO},
        "met": bot_figures["ack_p99_s"] < TARGET_P99_S and ratio >= TARGET_RATIO,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare":
        asyncio.run(run_bare(sys.argv[2]))
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        asyncio.run(generate(sys.argv[2]))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.requests, args.rounds)), indent=2))
