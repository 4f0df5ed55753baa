"""The one entry point front ends call: `await core.handle(actor, place, command) -> views`.

Text front ends (console, Slack) call `handle_text`, which parses with the shared grammar first.
Whatever goes wrong inside, the member gets an ErrorNotice and the log gets the traceback with
context; a traceback never reaches a user.
"""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

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
    Review,
    Skip,
    Start,
    Stats,
    Status,
    Stop,
    Topics,
)
from bot.core.context import MemberContext
from bot.core.daily.poster import DailyPoster
from bot.core.daily.service import DailyService
from bot.core.grading import Grader
from bot.core.grammar import CommandParser
from bot.core.i18n import DEFAULT_LOCALE, normalize_locale, t
from bot.core.interview.service import DeadlineSink, GradeRefiner, InterviewService
from bot.core.messenger import Messenger
from bot.core.replies import ErrorNotice, Reply
from bot.core.review.schedule import ReviewSchedule
from bot.core.standings.service import StandingsService, help_view
from content.loader import Bank
from storage import Store
from storage.models import MemberKey

log = structlog.get_logger(__name__)


class Core:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        grader: Grader,
        clock: Clock,
        messenger: Messenger,
        deadlines: DeadlineSink,
        default_locale: Locale = DEFAULT_LOCALE,
        timezone: ZoneInfo | None = None,
        rng: random.Random | None = None,
        platforms: frozenset[str] | None = None,
        judge: GradeRefiner | None = None,
    ) -> None:
        self._bank = bank
        self._store = store
        self._clock = clock
        self._default_locale = default_locale
        self.parser = CommandParser(bank.find_topic)
        self._members = MemberCache()
        reviews = ReviewSchedule(store)
        shared_rng = rng or random.Random()
        self.interviews = InterviewService(
            bank=bank,
            store=store,
            grader=grader,
            clock=clock,
            deadlines=deadlines,
            messenger=messenger,
            rng=shared_rng,
            platforms=platforms,
            members=self._members,
            judge=judge,
            reviews=reviews,
        )
        zone = timezone or ZoneInfo("Asia/Shanghai")
        self.standings = StandingsService(
            bank=bank,
            store=store,
            timezone=zone,
            reviews=reviews,
        )
        # The daily challenge: the poster is driven by the scheduler built in runtime.py.
        self.daily_poster = DailyPoster(
            bank=bank,
            store=store,
            clock=clock,
            messenger=messenger,
            rng=shared_rng,
            platforms=platforms,
        )
        self.daily = DailyService(
            bank=bank,
            store=store,
            grader=grader,
            clock=clock,
            poster=self.daily_poster,
            reviews=reviews,
            default_timezone=zone.key,
        )

    # ---- entry points ---------------------------------------------------------------------

    async def handle(self, actor: Actor, place: Place, command: Command) -> list[Reply]:
        ctx: MemberContext | None = None
        try:
            ctx = await self._context(actor, place)
            return await self._dispatch(ctx, command)
        except Exception:
            return self._failed(actor, ctx, command.kind)

    async def handle_text(
        self, actor: Actor, place: Place, text: str, *, free_text_answers: bool
    ) -> list[Reply]:
        """Parse a line of the shared grammar and handle it.

        With free_text_answers (the console), a line that starts with a command word but does
        not fit it is taken as an answer when the member has a question open.
        """
        ctx: MemberContext | None = None
        try:
            ctx = await self._context(actor, place)
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
        except Exception:
            return self._failed(actor, ctx, "text")

    async def resume(self, actor: Actor, place: Place) -> list[Reply]:
        """What to show a member who (re)opens a front end: their session, or a welcome."""
        ctx: MemberContext | None = None
        try:
            ctx = await self._context(actor, place)
            return await self.interviews.resume(ctx)
        except Exception:
            return self._failed(actor, ctx, "resume")

    async def set_locale(self, actor: Actor, locale: Locale) -> None:
        """Remember a member's language (e.g. `console --lang en`)."""
        ctx = await self._context(actor, Place())
        await self._set_language(ctx, locale)

    async def locale_of(self, actor: Actor) -> Locale:
        return (await self._context(actor, Place())).locale

    async def has_active_session(self, actor: Actor) -> bool:
        ctx = await self._context(actor, Place())
        return await self.interviews.has_active_session(ctx.member.id)

    async def aclose(self) -> None:
        """Shutdown: let judge calls under way finish briefly (their offline grades are stored)."""
        await self.interviews.aclose()
        await self.daily_poster.aclose()

    async def expire(self, attempt_id: int, offline: bool) -> None:
        """The deadline watcher's handler."""
        try:
            await self.interviews.expire(attempt_id, offline)
        except Exception:
            log.exception("core.expire_failed", attempt_id=attempt_id, offline=offline)

    # ---- internals ------------------------------------------------------------------------

    async def _context(self, actor: Actor, place: Place) -> MemberContext:
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
        return MemberContext(actor=actor, place=place, member=member, locale=locale)

    async def _dispatch(self, ctx: MemberContext, command: Command) -> list[Reply]:
        interviews = self.interviews
        match command:
            case Start():
                return await interviews.start(ctx, command)
            case Review():
                return await interviews.review(ctx, command)
            case Mark():
                return await interviews.mark(ctx, command)
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

    async def _set_language(self, ctx: MemberContext, locale: Locale) -> list[Reply]:
        views = await self.standings.set_language(ctx, locale)
        self._members.forget(ctx.member.key)
        return list(views)

    def parse_error_views(self, ctx: MemberContext, error: ParseError) -> list[Reply]:
        loc = ctx.locale
        if error.code == "unknown_topic":
            return [self.interviews.unknown_topic(ctx, str(error.params.get("name", "")))]
        if error.code in ("unknown_command", "unknown_help_topic"):
            text = t(loc, f"error.{error.code}", **error.params)
            return [ErrorNotice(locale=loc, code=error.code, text=text), help_view(loc, None)]
        params: dict[str, object] = dict(error.params)
        params.setdefault("command", error.command or "")
        text = t(loc, f"error.{error.code}", **params)
        views: list[Reply] = [ErrorNotice(locale=loc, code=error.code, text=text)]
        return views

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
        return [ErrorNotice(locale=locale, code="internal", text=t(locale, "error.internal"))]
