"""Wiring: settings → bank → store → grader → core → deadline watcher → front end.

The only place objects are built and connected; everything else receives what it needs.
Chat front ends are imported lazily so the console never pays for discord.py or slack-bolt.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

import structlog

from bot.settings import Settings

log = structlog.get_logger(__name__)

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.commands import Locale
    from bot.core.daily.schedule import DailyScheduler
    from bot.core.daily.service import DailyService
    from bot.core.grading import AnswerGrading, Grader
    from bot.core.interview.deadlines import DeadlineWatcher
    from bot.core.interview.ports import DeadlineSink, GradeRefiner
    from bot.core.messenger import Messenger
    from bot.core.review.schedule import ReviewSchedule
    from bot.core.service import Core
    from bot.integrations.llm_judge import LLMJudge
    from content.loader import Bank
    from storage import Store


class StartupError(Exception):
    """The bot cannot start; the message says why, for the person who runs it."""


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Structured JSON logs to `stream` (stderr by default; stdout is the console's)."""
    numeric = logging.getLevelName(level)
    stream = stream or sys.stderr
    logging.basicConfig(level=numeric, stream=stream, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )


def load_bank(settings: Settings) -> Bank:
    """The bank, or StartupError listing every `file:line: problem`."""
    from content.loader import BankError
    from content.loader import load_bank as load

    try:
        return load(settings.content_dirs)
    except BankError as exc:
        lines = "\n".join(exc.problems)
        raise StartupError(
            f"the question bank has problems; fix them and start again:\n{lines}"
        ) from exc


def build_judge(settings: Settings) -> LLMJudge | None:
    """The optional LLM judge, when LLM_JUDGE_BASE_URL and LLM_JUDGE_MODEL are both set."""
    if not (settings.llm_judge_base_url and settings.llm_judge_model):
        return None  # and httpx is never imported
    from bot.integrations.llm_judge import build_judge as build

    return build(settings.llm_judge_base_url, settings.llm_judge_model, settings.llm_judge_api_key)


def console_log_file(settings: Settings) -> Path:
    """Where the console writes its logs: beside the SQLite file, else ./data/console.log.

    The terminal is the member's: errors are logged with their tracebacks, and a traceback
    must never reach a user.
    """
    from storage.engine import async_url, sqlite_file

    try:
        database = sqlite_file(async_url(settings.database_url))
    except Exception:
        database = None
    folder = database.parent if database is not None else Path("data")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "console.log"


def build_core(
    *,
    bank: Bank,
    store: Store,
    grader: Grader,
    clock: Clock,
    messenger: Messenger,
    deadlines: DeadlineSink,
    timezone: ZoneInfo,
    default_locale: Locale = "zh-CN",
    rng: random.Random | None = None,
    platforms: frozenset[str] | None = None,
    judge: GradeRefiner | None = None,
    grading: AnswerGrading | None = None,
) -> Core:
    """The core and its services, each given its collaborators: the one place they are built
    (the bot, the tests' processes and the benchmarks all come through here). `grading`:
    answers graded elsewhere than by `grader` on the event loop (worker processes)."""
    from bot.core.caches import MemberCache
    from bot.core.grading import InlineGrading
    from bot.core.interview.expiry import Expiry
    from bot.core.interview.refine import BackgroundJudge
    from bot.core.interview.service import InterviewService
    from bot.core.interview.steps import SessionSteps
    from bot.core.review.mark import MarkService
    from bot.core.review.schedule import ReviewSchedule
    from bot.core.service import Core
    from bot.core.standings.service import StandingsService

    members = MemberCache()
    reviews = ReviewSchedule(store)
    rng = rng or random.Random()
    grading = grading or InlineGrading(grader)
    daily = _build_daily(bank, store, grading, clock, messenger, rng, platforms, reviews, timezone)
    steps = SessionSteps(
        bank=bank,
        store=store,
        clock=clock,
        deadlines=deadlines,
        reviews=reviews,
        platforms=platforms,
    )
    background = BackgroundJudge(judge=judge, steps=steps, messenger=messenger) if judge else None
    return Core(
        bank=bank,
        clock=clock,
        store=store,
        members=members,
        interviews=InterviewService(steps=steps, grading=grading, rng=rng, judge=background),
        expiry=Expiry(steps=steps, messenger=messenger, members=members),
        marks=MarkService(bank=bank, store=store, clock=clock, reviews=reviews),
        standings=StandingsService(bank=bank, store=store, timezone=timezone, reviews=reviews),
        reviews=reviews,
        judge=background,
        default_locale=default_locale,
        daily=daily,
    )


def _build_daily(
    bank: Bank,
    store: Store,
    grading: AnswerGrading,
    clock: Clock,
    messenger: Messenger,
    rng: random.Random,
    platforms: frozenset[str] | None,
    reviews: ReviewSchedule,
    timezone: ZoneInfo,
) -> DailyService:
    """The daily challenge: its commands, and (as `.poster`) what the scheduler drives."""
    from bot.core.daily.poster import DailyPoster
    from bot.core.daily.service import DailyService

    poster = DailyPoster(
        bank=bank, store=store, clock=clock, messenger=messenger, rng=rng, platforms=platforms
    )
    return DailyService(
        bank=bank,
        store=store,
        grading=grading,
        clock=clock,
        poster=poster,
        reviews=reviews,
        default_timezone=timezone.key,
    )


@dataclass
class Services:
    settings: Settings
    bank: Bank
    store: Store
    core: Core
    watcher: DeadlineWatcher
    clock: Clock
    daily: DailyScheduler


@asynccontextmanager
async def open_services(
    settings: Settings,
    messenger: Messenger,
    *,
    platforms: frozenset[str] | None,
    clock: Clock | None = None,
    bank: Bank | None = None,
    grading_processes: int | None = None,
) -> AsyncIterator[Services]:
    """Everything the core needs, opened and closed together. Call `start_watcher` when the
    front end can deliver (the start-up sweep may have timeouts to announce).

    `grading_processes` (default: the settings') grade answers that arrive together; only
    for a bank loaded here from the settings, which the workers can load the same way."""
    from bot.core.clock import SystemClock
    from bot.core.daily.schedule import DailyScheduler
    from bot.core.grading import build_offline_grader
    from bot.core.interview.deadlines import DeadlineWatcher

    processes = settings.grading_processes if grading_processes is None else grading_processes
    if bank is not None:
        processes = 0  # a bank the workers could not load the same way
    bank = bank or load_bank(settings)
    store = await open_database(settings)
    clock = clock or SystemClock()
    watcher = DeadlineWatcher(clock)
    grader = build_offline_grader(bank)
    grading = _grading(settings, bank, grader, processes)
    judge = build_judge(settings)
    core = build_core(
        bank=bank,
        store=store,
        grader=grader,
        clock=clock,
        messenger=messenger,
        deadlines=watcher,
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        platforms=platforms,
        judge=judge,
        grading=grading,
    )
    # The daily challenge's clock: one cron job per configured channel, re-read every minute.
    daily = DailyScheduler(core.daily_poster, store, platforms)
    core.daily.on_config_change = daily.changed
    # What was built so far (modules, the bank, the grader's tables) lives as long as the
    # process: out of the cyclic collector's sight, a full collection does not pause the bot
    # for a scan of a few hundred thousand objects that can never be garbage.
    gc.freeze()
    try:
        yield Services(settings, bank, store, core, watcher, clock, daily)
    finally:
        await daily.stop()
        await watcher.stop()
        await core.aclose()
        await grading.aclose()
        if judge is not None:
            await judge.aclose()
        await store.close()


def _grading(settings: Settings, bank: Bank, grader: Grader, processes: int) -> AnswerGrading:
    """Worker processes started for answers that arrive together, or grading on the loop."""
    from bot.core.grading import GradingPool, InlineGrading

    if processes < 1:
        return InlineGrading(grader)
    pool = GradingPool(grader, bank, processes=processes, bank_dirs=settings.content_dirs)
    pool.start()
    return pool


async def open_database(settings: Settings) -> Store:
    """The store, or StartupError naming the database (without its password) and the cause."""
    from sqlalchemy.engine import make_url

    from storage import open_store

    try:
        return await open_store(settings.database_url)
    except Exception as exc:
        try:
            where = make_url(settings.database_url).render_as_string(hide_password=True)
        except Exception:
            where = "DATABASE_URL"
        log.error("startup.database_failed", database=where, error=f"{type(exc).__name__}: {exc}")
        raise StartupError(
            f"cannot open the database {where}: {type(exc).__name__}: {exc}"
        ) from exc


async def start_watcher(services: Services) -> None:
    """Start what acts on its own: the deadline watcher and the daily scheduler (each with its
    start-up sweep), once the front end can deliver."""
    await services.watcher.start(services.store.pending_deadlines, services.core.expire)
    await services.daily.start()


async def serve_beside_sweep(services: Services, serve: Coroutine[Any, Any, None]) -> None:
    """Serve members at once, with the start-up sweeps running beside it: a thousand channels'
    missed daily posts, paced at the platform's rate, must not keep the bot deaf for a minute.
    A sweep that fails stops the bot, as it did when it ran first."""
    async with asyncio.TaskGroup() as group:
        group.create_task(start_watcher(services))
        group.create_task(serve)


async def run_console(
    settings: Settings, *, user: str | None, lang: str | None, exit_at_eof: bool
) -> None:
    from bot.adapters.console.app import ConsoleApp
    from bot.adapters.console.inbound import PLATFORM as CONSOLE
    from bot.adapters.console.inbound import console_actor
    from bot.adapters.console.messenger import ConsoleMessenger
    from bot.adapters.console.terminal import Terminal

    for stream in (sys.stdin, sys.stdout):
        # Chinese in and out whatever the terminal's locale says; never die on a bad byte.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    name = user or os.environ.get("USER") or os.environ.get("USERNAME") or "me"
    actor = console_actor(name)
    messenger = ConsoleMessenger(actor, Terminal(sys.stdout, interactive=sys.stdin.isatty()))
    # One member at the keyboard: never two answers at once, nothing for grading workers to do.
    async with open_services(
        settings, messenger, platforms=frozenset({CONSOLE}), grading_processes=0
    ) as services:
        if lang is not None:
            from bot.core.i18n import normalize_locale

            await services.core.set_locale(actor, normalize_locale(lang))
        messenger.hold()  # the start-up sweep's news is shown after the welcome (ConsoleApp.run)
        await start_watcher(services)
        await ConsoleApp(services.core, messenger, actor, exit_at_eof=exit_at_eof).run()


async def _run_console_defaults(settings: Settings) -> None:
    await run_console(settings, user=None, lang=None, exit_at_eof=False)


async def run_discord(settings: Settings) -> None:
    """The Discord bot: log in (registers buttons, syncs commands), then the gateway until
    stopped, with the deadline watcher and the daily scheduler starting beside it."""
    import discord

    from bot.adapters.discord import PLATFORM as DISCORD
    from bot.adapters.discord.app import build_client, use_api_base
    from bot.adapters.discord.messenger import DiscordMessenger

    if settings.discord_token is None:
        raise StartupError("DISCORD_TOKEN is not set; put the bot's token in .env")
    use_api_base(settings.discord_api_base)
    messenger = DiscordMessenger()
    async with open_services(settings, messenger, platforms=frozenset({DISCORD})) as services:
        client = build_client(
            services.core,
            services.bank,
            messenger,
            typed_answers=settings.discord_message_content,
            guild_ids=settings.discord_guild_ids,
            shard_ids=settings.discord_shard_ids,
            shard_count=settings.discord_shard_count,
            global_rate=settings.discord_global_rate,
        )
        async with client:
            try:
                await client.login(settings.discord_token.get_secret_value())
            except discord.LoginFailure as exc:
                raise StartupError("Discord refused DISCORD_TOKEN; copy it again") from exc
            # REST works once logged in: the sweep can post while the gateway connects.
            await serve_beside_sweep(services, client.connect())


async def run_slack(settings: Settings) -> None:
    """Slack: one AsyncApp, over Socket Mode (SLACK_APP_TOKEN) or HTTP (SLACK_MODE=http)."""
    from bot.adapters.slack.app import build_app, build_parts, serve_http, serve_socket_mode
    from bot.adapters.slack.people import PLATFORM as SLACK

    token = settings.slack_bot_token
    secret = settings.slack_signing_secret
    if token is None or secret is None:
        raise StartupError("Slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README)")
    if settings.slack_mode == "socket" and settings.slack_app_token is None:
        raise StartupError(
            "Socket Mode needs SLACK_APP_TOKEN (xapp-…); or run HTTP mode with --http --port N"
        )
    parts = build_parts(
        token.get_secret_value(), settings.slack_api_url, default_tz=settings.timezone
    )
    async with open_services(settings, parts.messenger, platforms=frozenset({SLACK})) as services:
        app, front = build_app(services.core, parts, signing_secret=secret.get_secret_value())
        try:
            if settings.slack_mode == "http":
                serving = serve_http(app, host=settings.slack_host, port=settings.slack_port)
            else:
                assert settings.slack_app_token is not None
                app_token = settings.slack_app_token.get_secret_value()
                serving = serve_socket_mode(app, app_token=app_token, client=parts.client)
            await serve_beside_sweep(services, serving)
        finally:
            await front.drain()


# `interview-bot run`: which coroutine runs each front end. Chat front ends are imported only
# inside their own entry, so the console never pays for discord.py or slack-bolt.
FRONT_ENDS: dict[str, Callable[[Settings], Coroutine[Any, Any, None]]] = {
    "console": _run_console_defaults,
    "discord": run_discord,
    "slack": run_slack,
}


def run_front_end(settings: Settings, front_end: str | None = None) -> None:
    """`interview-bot run [front end]`: the one named, else the configured chat front end, or
    the console with no tokens."""
    chosen = front_end or settings.front_end
    run = FRONT_ENDS.get(chosen)
    if run is None:
        raise StartupError(
            f"the {chosen} front end is not part of this build yet; "
            "unset its tokens to use the console"
        )
    asyncio.run(run(settings))


async def check_health(settings: Settings) -> str:
    """The bank loads and the database answers: what the bot needs to run."""

    bank = load_bank(settings)
    store = await open_database(settings)
    try:
        await store.pending_deadlines(limit=1)
    finally:
        await store.close()
    return f"ok: {len(bank.questions)} questions, database reachable"
