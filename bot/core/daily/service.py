"""The daily challenge's commands: config daily/show/me, daily, a daily answer, forget-me.

Posting, revealing and retrying live in the poster; this module answers members. A daily
answer is graded by the same grader and scored by the same rules as an interview answer, and
stored as a finished one-question session, so it counts on the boards and in reviews.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from bot.core.answer_text import clean_answer, refused
from bot.core.clock import Clock
from bot.core.commands import ConfigDaily
from bot.core.context import MemberContext
from bot.core.daily import views
from bot.core.daily.config import Problem, merge
from bot.core.daily.poster import DailyPoster
from bot.core.grading import AnswerGrading
from bot.core.i18n import format_number, t
from bot.core.interview import present
from bot.core.notices import error, notice
from bot.core.replies import ErrorNotice, ForgetConfirm, Notice, Reply
from bot.core.review.schedule import ReviewSchedule
from bot.core.scoring import capped_score, points_for
from content.loader import Bank
from storage import Store
from storage.daily_answers import DailyAlreadyAnswered
from storage.daily_models import ChannelKey, DailyPostRecord

log = structlog.get_logger(__name__)


class DailyService:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        grading: AnswerGrading,
        clock: Clock,
        poster: DailyPoster,
        reviews: ReviewSchedule,
        default_timezone: str,
        on_config_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._bank = bank
        self._store = store
        self._grading = grading
        self._clock = clock
        self.poster = poster
        self._reviews = reviews
        self._default_timezone = default_timezone
        # Set by runtime.py: rebuild the scheduler's jobs at once in this process.
        self.on_config_change = on_config_change

    # ---- configuration ----------------------------------------------------------------------

    async def config_daily(self, ctx: MemberContext, command: ConfigDaily) -> list[Reply]:
        refused = self._refuse_config(ctx)
        if refused is not None:
            return [refused]
        channel = self._channel(ctx)
        assert channel is not None  # _refuse_config checked
        existing = await self._store.get_daily_config(channel)
        now = self._clock.now()
        if command.off:
            if existing is None or not existing.enabled:
                return [notice(ctx.locale, "daily_not_configured")]
            await self._store.disable_daily_config(existing.id, reason=None, now=now)
            log.info("daily.config_off", channel=channel.channel_id, member_id=ctx.member.id)
            self.on_config_change()
            return await self.config_show(ctx, text=t(ctx.locale, "notice.daily_off"))
        values = merge(
            command,
            existing,
            find_topic=self._bank.find_topic,
            default_timezone=self._default_timezone,
            locale=ctx.locale,
            member_id=ctx.member.id,
        )
        if isinstance(values, Problem):
            return [self._problem(ctx, values)]
        saved = await self._store.save_daily_config(channel, values, now=now)
        log.info(
            "daily.configured",
            channel=channel.channel_id,
            member_id=ctx.member.id,
            time=f"{saved.post_hour:02d}:{saved.post_minute:02d}",
            timezone=saved.timezone,
            days=saved.days,
        )
        self.on_config_change()
        return await self.config_show(ctx, text=t(ctx.locale, "notice.daily_saved"))

    async def config_show(self, ctx: MemberContext, *, text: str | None = None) -> list[Reply]:
        channel = self._channel(ctx)
        config = await self._store.get_daily_config(channel) if channel is not None else None
        show_name = await self._store.show_name(ctx.member.id)
        return [
            views.config_view(
                self._bank,
                config,
                channel_id=ctx.place.channel_id,
                locale=ctx.locale,
                show_name=show_name,
                now=self._clock.now(),
                text=text,
            )
        ]

    async def config_me(self, ctx: MemberContext, show_name: bool | None) -> list[Reply]:
        if show_name is None:
            show_name = await self._store.show_name(ctx.member.id)
        else:
            await self._store.set_show_name(ctx.member.id, show_name)
        key = "notice.show_name_on" if show_name else "notice.show_name_off"
        return [notice(ctx.locale, "show_name", key)]

    # ---- the question ----------------------------------------------------------------------

    async def daily(self, ctx: MemberContext) -> list[Reply]:
        post = await self._current_post(ctx)
        if isinstance(post, Notice):
            return [post]
        question = self._bank.questions.get(post.question_id)
        if question is None:
            return [notice(ctx.locale, "daily_none")]
        mine = await self._store.daily_answer_of(post.id, ctx.member.id)
        closed = post.closes_at <= self._clock.now()
        card = views.card(
            self._bank,
            post,
            question,
            locale=ctx.locale,
            closed=closed,
            your_score=mine.score if mine else None,
        )
        replies: list[Reply] = [card]
        if closed:
            replies.append(await self._reveal_of(ctx, post))
        return replies

    async def answer(self, ctx: MemberContext, post_id: int | None, raw: str) -> list[Reply]:
        text = clean_answer(raw)
        problem = refused(ctx.locale, text)
        if problem is not None:
            return [problem]
        post = await (self._post(ctx, post_id) if post_id is not None else self._current_post(ctx))
        if isinstance(post, Notice):
            return [post]
        question = self._bank.questions.get(post.question_id)
        if question is None:
            return [notice(ctx.locale, "daily_none")]
        now = self._clock.now()
        if post.closes_at <= now:
            return [
                notice(ctx.locale, "daily_closed"),
                await self._reveal_of(ctx, post),
            ]
        earlier = await self._store.daily_answer_of(post.id, ctx.member.id)
        if earlier is not None:
            return [self._already(ctx, earlier.score)]
        grade = await self._grading.grade(question, text)
        score = capped_score(grade.score, 100.0)
        earned = await self._store.earned_points(ctx.member.id, question.id, excluding=0)
        try:
            session, attempt = await self._store.save_daily_answer(
                post,
                member_id=ctx.member.id,
                locale=ctx.locale,
                answer=text,
                score=score,
                points=points_for(score, question.difficulty, earned_before=earned),
                grade=grade.model_dump(mode="json"),
                now=now,
            )
        except DailyAlreadyAnswered:
            first = await self._store.daily_answer_of(post.id, ctx.member.id)
            return [self._already(ctx, first.score if first else score)]
        log.info("daily.answered", post_id=post.id, member_id=ctx.member.id, score=score)
        self._reviews.record_later(attempt)
        self.poster.refresh_card_later(post.id)
        feedback = present.feedback(
            self._bank, session, attempt, question, locale=ctx.locale, earlier_points=earned
        )
        return [feedback.model_copy(update={"daily_post_id": post.id})]

    # ---- forget-me --------------------------------------------------------------------------

    async def forget_me(self, ctx: MemberContext, confirm: bool | None) -> list[Reply]:
        if confirm is None:
            counts = await self._store.member_data_counts(ctx.member.id)
            text = t(ctx.locale, "forget.confirm", **counts.model_dump())
            return [ForgetConfirm(locale=ctx.locale, text=text, **counts.model_dump())]
        if not confirm:
            return [notice(ctx.locale, "forget_cancelled")]
        # Review writes still queued would bring back a card after the delete.
        await self._reviews.settle()
        removed = await self._store.forget_member(ctx.member.id)
        log.info("member.forgotten", member_id=ctx.member.id, **removed.model_dump())
        return [notice(ctx.locale, "forgotten", **removed.model_dump())]

    # ---- helpers ---------------------------------------------------------------------------

    def _channel(self, ctx: MemberContext) -> ChannelKey | None:
        if ctx.place.channel_id is None:
            return None
        return ChannelKey(
            platform=ctx.actor.platform,
            workspace_id=ctx.actor.workspace_id,
            channel_id=ctx.place.channel_id,
        )

    def _refuse_config(self, ctx: MemberContext) -> ErrorNotice | None:
        if not ctx.actor.is_admin:
            return error(ctx.locale, "not_admin", "error.daily_not_admin")
        if ctx.place.channel_id is None:
            return error(ctx.locale, "config_needs_channel", "error.daily_needs_channel")
        return None

    async def _current_post(self, ctx: MemberContext) -> DailyPostRecord | Notice:
        channel = self._channel(ctx)
        post = await self._store.latest_daily_post(channel) if channel is not None else None
        if post is None or post.state != "posted":
            return notice(ctx.locale, "daily_none")
        return post

    async def _post(self, ctx: MemberContext, post_id: int) -> DailyPostRecord | Notice:
        post = await self._store.get_daily_post(post_id)
        if (
            post is None
            or post.state != "posted"
            or (post.platform, post.workspace_id) != (ctx.actor.platform, ctx.actor.workspace_id)
        ):
            return notice(ctx.locale, "button_closed")
        return post

    async def _reveal_of(self, ctx: MemberContext, post: DailyPostRecord) -> Reply:
        question = self._bank.questions.get(post.question_id)
        if question is None:  # pragma: no cover - checked by callers
            return notice(ctx.locale, "daily_none")
        answers = await self._store.daily_answers_for(post.id)
        return views.reveal(self._bank, post, question, answers, locale=ctx.locale)

    def _already(self, ctx: MemberContext, score: float) -> Notice:
        return notice(
            ctx.locale,
            "daily_already_answered",
            score=format_number(score),
        )

    def _problem(self, ctx: MemberContext, problem: Problem) -> ErrorNotice:
        params: dict[str, object] = dict(problem.params)
        if problem.code == "daily_unknown_topic":
            topics = sorted({q.topic for q in self._bank.questions.values()})
            params["topics"] = ", ".join(topics)
        return error(ctx.locale, problem.code, **params)
