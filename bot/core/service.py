"""The one entry point front ends call: `await core.handle(actor, place, command) -> replies`.

Text front ends (console, Slack) call `handle_text`, which parses with the shared grammar first.
Whatever goes wrong inside, the member gets an ErrorNotice and the log gets the traceback with
context; a traceback never reaches a user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from bot.core.caches import MemberCache
from bot.core.clock import Clock
from bot.core.commands import (
    Actor,
    Answer,
    Command,
    ConfigDaily,
    ConfigMe,
    ConfigShow,
    Daily,
    DailyAnswer,
    ForgetMe,
    Help,
    Hint,
    Lang,
    Leaderboard,
    Locale,
    Mark,
    ParseError,
    Place,
    QuestionRef,
    Review,
    Skip,
    Start,
    Stats,
    Status,
    Stop,
    Topics,
)
from bot.core.context import MemberContext
from bot.core.daily.service import DailyService
from bot.core.grammar import CommandParser
from bot.core.i18n import normalize_locale
from bot.core.interview.expiry import Expiry
from bot.core.interview.refine import BackgroundJudge
from bot.core.interview.service import InterviewService
from bot.core.notices import error
from bot.core.replies import Reply
from bot.core.review.mark import MarkService
from bot.core.review.schedule import ReviewSchedule
from bot.core.standings.service import StandingsService, help_view
from content.loader import Bank
from storage import Store, StoreUnavailable
from storage.models import MemberKey

log = structlog.get_logger(__name__)


async def _ready(replies: list[Reply]) -> list[Reply]:
    return replies


# How long shutdown waits for queued review writes.
SHUTDOWN_DRAIN_S = 5.0


class Core:
    """Routes each command to the service that owns it; built by `bot.runtime.build_core`."""

    def __init__(
        self,
        *,
        bank: Bank,
        clock: Clock,
        store: Store,
        members: MemberCache,
        interviews: InterviewService,
        expiry: Expiry,
        marks: MarkService,
        standings: StandingsService,
        reviews: ReviewSchedule,
        judge: BackgroundJudge | None,
        default_locale: Locale,
        daily: DailyService,
    ) -> None:
        self._store = store
        self._clock = clock
        self._default_locale = default_locale
        self.parser = CommandParser(bank.find_topic)
        self._members = members
        self.interviews = interviews
        self._expiry = expiry
        self._marks = marks
        self.standings = standings
        self._reviews = reviews
        self.judge = judge
        self.daily = daily
        # Driven by the scheduler built in runtime.py (and by tests directly).
        self.daily_poster = daily.poster

    # ---- entry points ---------------------------------------------------------------------

    async def handle(self, actor: Actor, place: Place, command: Command) -> list[Reply]:
        return await self._guarded(
            actor, place, command.kind, lambda ctx: self._dispatch(ctx, command)
        )

    async def handle_text(
        self, actor: Actor, place: Place, text: str, *, free_text_answers: bool
    ) -> list[Reply]:
        """Parse a line of the shared grammar and handle it.

        With free_text_answers (the console), a line that starts with a command word but does
        not fit it is taken as an answer when the member has a question open.
        """
        return await self._guarded(
            actor, place, "text", lambda ctx: self._text(ctx, text, free_text_answers)
        )

    async def resume(self, actor: Actor, place: Place) -> list[Reply]:
        """What to show a member who (re)opens a front end: their session, or a welcome."""
        return await self._guarded(actor, place, "resume", self.interviews.resume)

    async def set_locale(self, actor: Actor, locale: Locale) -> None:
        """Remember a member's language (e.g. `console --lang en`)."""
        ctx = await self._context(actor, Place())
        await self._set_language(ctx, locale)

    async def locale_of(self, actor: Actor) -> Locale:
        return (await self._context(actor, Place())).locale

    async def has_active_session(self, actor: Actor) -> bool:
        ctx = await self._context(actor, Place())
        return await self.interviews.has_active_session(ctx.member.id)

    async def workspace_of(
        self, *, session_id: str | None = None, attempt_id: int | None = None
    ) -> str | None:
        """The workspace a session (or an attempt's session) belongs to: a button pressed in a
        DM, where the platform names no workspace, still acts for the member who owns it."""
        if session_id is None and attempt_id is not None:
            attempt = await self._store.get_attempt(attempt_id)
            session_id = attempt.session_id if attempt is not None else None
        session = await self._store.get_session(session_id) if session_id else None
        return session.workspace_id if session is not None else None

    async def explain(self, actor: Actor, place: Place, parsed: ParseError) -> list[Reply]:
        """A front end with typed options (Discord) found a value out of range: the same
        localized message the text grammar gives."""
        return await self._guarded(
            actor, place, "explain", lambda ctx: _ready(self.parse_error_views(ctx, parsed))
        )

    async def session_place(self, actor: Actor) -> Place | None:
        """Where the member's open interview lives (the channel and thread it started in), or
        None: chat front ends post its questions there whichever channel a command came from."""
        ctx = await self._context(actor, Place())
        return await self.interviews.session_place(ctx.member.id)

    async def check_button(self, actor: Actor, at: QuestionRef) -> Reply | None:
        """None while `at` is the actor's open question, else the "closed" / "not yours" reply;
        changes nothing (an answer modal is opened only for an open question)."""
        ctx = await self._context(actor, Place())
        return await self.interviews.check_button(ctx, at)

    async def aclose(self) -> None:
        """Shutdown: queued review writes land, judge calls under way finish briefly (their
        offline grades are stored)."""
        try:
            async with asyncio.timeout(SHUTDOWN_DRAIN_S):
                await self._reviews.settle()
        except TimeoutError:
            log.warning("review.unsettled_at_shutdown")
        if self.judge is not None:
            await self.judge.aclose()
        await self.daily_poster.aclose()

    async def wait_background(self) -> None:
        """Until every judge call under way has finished (tests)."""
        if self.judge is not None:
            await self.judge.wait()

    async def expire(self, attempt_id: int, offline: bool) -> None:
        """The deadline watcher's handler."""
        try:
            await self._expiry.expire(attempt_id, offline)
        except Exception:
            log.exception("core.expire_failed", attempt_id=attempt_id, offline=offline)

    # ---- internals ------------------------------------------------------------------------

    async def _guarded(
        self,
        actor: Actor,
        place: Place,
        what: str,
        work: Callable[[MemberContext], Awaitable[list[Reply]]],
    ) -> list[Reply]:
        """Run `work` for the member; whatever goes wrong, they get an ErrorNotice, not a trace."""
        ctx: MemberContext | None = None
        arrived = self.interviews.asks
        try:
            ctx = await self._context(actor, place, arrived)
            return await work(ctx)
        except StoreUnavailable as failure:
            # Nothing of this command was stored; the same command will work once the database
            # answers again (no restart needed).
            log.warning("core.store_unavailable", command=what, error=str(failure))
            return [error(ctx.locale if ctx else self._default_locale, "store_unavailable")]
        except Exception:
            return self._failed(actor, ctx, what)

    async def _text(self, ctx: MemberContext, text: str, free_text_answers: bool) -> list[Reply]:
        parsed = self.parser.parse(text, free_text_answers=free_text_answers)
        if isinstance(parsed, ParseError):
            if (
                free_text_answers
                and parsed.could_be_answer
                and await self.interviews.has_active_session(ctx.member.id)
            ):
                return await self._dispatch(ctx, Answer(text=text.strip()))
            return self.parse_error_views(ctx, parsed)
        return await self._dispatch(ctx, parsed)

    async def _context(self, actor: Actor, place: Place, arrived: int = 0) -> MemberContext:
        key = MemberKey(
            platform=actor.platform, workspace_id=actor.workspace_id, user_id=actor.user_id
        )
        now = self._clock.now()
        member = self._members.get(key, now)
        if member is None or (
            actor.display_name is not None and actor.display_name != member.display_name
        ):
            member = await self._store.get_or_create_member(key, actor.display_name)
            self._members.put(key, member, now)
        locale = normalize_locale(member.locale or actor.locale_hint, self._default_locale)
        return MemberContext(
            actor=actor, place=place, member=member, locale=locale, arrived=arrived
        )

    async def _dispatch(self, ctx: MemberContext, command: Command) -> list[Reply]:
        interviews = self.interviews
        match command:
            case Start():
                return await interviews.start(ctx, command)
            case Review():
                return await interviews.review(ctx, command)
            case Mark():
                return await self._marks.mark(ctx, command)
            case Answer(text=text, at=at):
                return await interviews.answer(ctx, text, at)
            case Hint(at=at):
                return await interviews.hint(ctx, at)
            case Skip(at=at):
                return await interviews.skip(ctx, at)
            case Stop(at=at):
                return await interviews.stop(ctx, at)
            case Status():
                return await interviews.status(ctx)
            case Topics():
                return [self.standings.topics(ctx.locale)]
            case Leaderboard(period=period):
                return list(await self.standings.leaderboard(ctx, period, self._clock.now()))
            case Stats(user_id=str() as user_id, display_name=name) if user_id != ctx.actor.user_id:
                return list(await self._stats_of(ctx, user_id, name))
            case Stats():
                return list(await self.standings.stats(ctx, self._clock.now()))
            case Lang(locale=locale):
                return list(await self._set_language(ctx, locale))
            case ConfigDaily():
                return await self.daily.config_daily(ctx, command)
            case ConfigShow():
                return await self.daily.config_show(ctx)
            case ConfigMe(show_name=show_name):
                return await self.daily.config_me(ctx, show_name)
            case Daily():
                return await self.daily.daily(ctx)
            case DailyAnswer(post_id=post_id, text=text):
                return await self.daily.answer(ctx, post_id, text)
            case ForgetMe(confirm=confirm):
                replies = await self.daily.forget_me(ctx, confirm)
                if confirm:
                    self._members.forget(ctx.member.key)
                return replies
            case Help(command=name):
                return [help_view(ctx.locale, name)]
        raise TypeError(f"unhandled command {command!r}")  # pragma: no cover - exhaustive

    async def _stats_of(self, ctx: MemberContext, user_id: str, name: str | None) -> list[Reply]:
        """Another member's attempts and averages (not their review schedule), in the asker's
        language."""
        key = MemberKey(
            platform=ctx.actor.platform, workspace_id=ctx.actor.workspace_id, user_id=user_id
        )
        member = await self._store.get_or_create_member(key, name)
        other = MemberContext(actor=ctx.actor, place=ctx.place, member=member, locale=ctx.locale)
        views = await self.standings.stats(other, self._clock.now())
        label = name or member.display_name or user_id
        return [
            v.model_copy(update={"reviews_due": 0, "next_review_in_s": None, "of_member": label})
            for v in views
        ]

    async def _set_language(self, ctx: MemberContext, locale: Locale) -> list[Reply]:
        views = await self.standings.set_language(ctx, locale)
        self._members.forget(ctx.member.key)
        return list(views)

    def parse_error_views(self, ctx: MemberContext, parsed: ParseError) -> list[Reply]:
        loc = ctx.locale
        if parsed.code == "unknown_topic":
            return [self.interviews.unknown_topic(ctx, str(parsed.params.get("name", "")))]
        if parsed.code in ("unknown_command", "unknown_help_topic"):
            return [error(loc, parsed.code, **parsed.params), help_view(loc, None)]
        params: dict[str, object] = dict(parsed.params)
        params.setdefault("command", parsed.command or "")
        return [error(loc, parsed.code, **params)]

    def _failed(self, actor: Actor, ctx: MemberContext | None, what: str) -> list[Reply]:
        # Context, never content: no answer text, no tokens.
        log.exception(
            "core.command_failed",
            command=what,
            platform=actor.platform,
            workspace_id=actor.workspace_id,
            user_id=actor.user_id,
        )
        locale = ctx.locale if ctx is not None else self._default_locale
        return [error(locale, "internal")]
