"""The interview's commands: start, review, answer, hint, skip, stop, status, resume.

The steps these share with expiry and the judge are in `steps.py`; what a member reads is built
in `present.py`. One active session per member is the schema's rule (a partial unique index),
not this module's: two starts at once are settled by the database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import structlog

from bot.core.answer_text import clean_answer, refused
from bot.core.commands import COUNT_DEFAULT, Place, QuestionRef, Review, Start
from bot.core.context import MemberContext
from bot.core.grading import AnswerGrading
from bot.core.i18n import format_duration, format_span, join_sentences, t
from bot.core.interview import present
from bot.core.interview.refine import BackgroundJudge
from bot.core.interview.steps import SessionSteps
from bot.core.notices import error, notice
from bot.core.replies import HintCard, Notice, Reply
from bot.core.scoring import max_score_after_hints
from content.schema import Question
from storage import ActiveSessionExists, StoreUnavailable
from storage.models import SessionRecord
from storage.session_sql import NextQuestion

log = structlog.get_logger(__name__)


class InterviewService:
    def __init__(
        self,
        *,
        steps: SessionSteps,
        grading: AnswerGrading,
        rng: random.Random,
        judge: BackgroundJudge | None,
    ) -> None:
        self._steps = steps
        self._bank = steps.bank
        self._store = steps.store
        self._clock = steps.clock
        self._grading = grading
        self._rng = rng
        self._judge = judge

    async def start(self, ctx: MemberContext, command: Start) -> list[Reply]:
        topic_id, refused = await self._may_begin(ctx, command.topic)
        if refused:
            return refused
        pool = [
            q
            for q in self._bank.questions.values()
            if (topic_id is None or q.topic == topic_id)
            and (command.difficulty is None or q.difficulty == command.difficulty)
        ]
        what = present.filter_text(self._bank, ctx.locale, topic_id, command.difficulty)
        if len(pool) < command.count:
            code = "not_enough_questions" if pool else "no_questions"
            return [error(ctx.locale, code, filter=what, available=len(pool), count=command.count)]
        chosen = await self._draw(ctx, pool, command.count)
        started = notice(
            ctx.locale,
            "started",
            count=command.count,
            time=format_duration(ctx.locale, command.time_s),
            topic=present.filter_text(
                self._bank, ctx.locale, topic_id, command.difficulty, any_key="notice.any_topic"
            ),
        )
        return await self._begin(
            ctx,
            chosen,
            time_s=command.time_s,
            topic_id=topic_id,
            difficulty=command.difficulty,
            started=started,
        )

    async def review(self, ctx: MemberContext, command: Review) -> list[Reply]:
        """A session of the member's due review questions, most overdue first."""
        topic_id, refused = await self._may_begin(ctx, command.topic)
        if refused:
            return refused
        now = self._clock.now()
        due_ids, upcoming = await self._steps.reviews.schedule(
            ctx.member.id, now, keep=self._reviewable(topic_id)
        )
        if not due_ids:
            return [self._nothing_due(ctx, now, upcoming)]
        chosen = [self._bank.questions[qid] for qid in due_ids[: command.count or COUNT_DEFAULT]]
        started = notice(
            ctx.locale,
            "review_started",
            count=len(chosen),
            time=format_duration(ctx.locale, command.time_s),
        )
        return await self._begin(
            ctx, chosen, time_s=command.time_s, topic_id=topic_id, difficulty=None, started=started
        )

    async def answer(
        self, ctx: MemberContext, text: str, at: QuestionRef | None = None
    ) -> list[Reply]:
        try:
            return await self._answer(ctx, text, at)
        except StoreUnavailable as failure:
            # Said only when the grade was not stored: a grade is shown only once committed.
            log.warning("answer.not_saved", member_id=ctx.member.id, error=str(failure))
            return [error(ctx.locale, "answer_not_saved")]

    async def _answer(self, ctx: MemberContext, text: str, at: QuestionRef | None) -> list[Reply]:
        # Escape sequences and control characters are not part of an answer: never stored or
        # echoed, and an answer of nothing else is empty (refused, the question stays open).
        text = clean_answer(text)
        problem = refused(ctx.locale, text)
        if problem is not None:
            return [problem]
        opened = await self._steps.open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        if self._steps.asked_since(attempt.id, ctx.arrived):
            # Its question timed out while the answer was on its way, and the next one was
            # asked meanwhile: the member has not seen that one yet.
            return [notice(ctx.locale, "too_late")]
        grade = await self._grading.grade(question, text)
        scored = await self._steps.scored(attempt, grade.score)
        moved = await self._steps.finish(
            session,
            attempt.id,
            now,
            state="answered",
            answer=text,
            score=scored.score,
            points=scored.points,
            grade=grade.model_dump(mode="json"),
        )
        finished = moved.finished
        if finished is None:
            return [notice(ctx.locale, "too_late")]
        feedback = present.feedback(
            self._bank,
            session,
            finished,
            question,
            locale=ctx.locale,
            earlier_points=scored.earlier_points,
        )
        if self._judge is not None:
            # The offline grade is shown now; the judge's replaces it when (if) it arrives.
            feedback = feedback.model_copy(update={"judge_pending": True})
            self._judge.refine_later(ctx, session, finished, question, grade)
        return [feedback, *self._steps.moved_on(ctx, session, moved, now)]

    async def hint(self, ctx: MemberContext, at: QuestionRef | None = None) -> list[Reply]:
        opened = await self._steps.open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        available = len(question.key_points)
        if attempt.hints_used >= available:
            return [notice(ctx.locale, "no_more_hints", available=available)]
        updated = await self._store.use_hint(
            attempt.id, max_score=max_score_after_hints(attempt.hints_used + 1)
        )
        if updated is None:
            return [notice(ctx.locale, "too_late")]
        return [
            HintCard(
                locale=ctx.locale,
                session_id=session.id,
                position=updated.position,
                total=len(session.question_ids),
                number=updated.hints_used,
                available=available,
                point=question.key_points[min(updated.hints_used, available) - 1].point,
                max_score=updated.max_score,
                seconds_left=present.seconds_left(updated.deadline_at, now),
            )
        ]

    async def skip(self, ctx: MemberContext, at: QuestionRef | None = None) -> list[Reply]:
        opened = await self._steps.open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        moved = await self._steps.finish(session, attempt.id, now, state="skipped", score=0.0)
        if moved.finished is None:
            return [notice(ctx.locale, "too_late")]
        return [
            present.feedback(self._bank, session, moved.finished, question, locale=ctx.locale),
            *self._steps.moved_on(ctx, session, moved, now),
        ]

    async def stop(self, ctx: MemberContext, at: QuestionRef | None = None) -> list[Reply]:
        # The session and its open question in one read.
        opened = await self._store.open_attempt(ctx.member.id)
        if at is not None and (opened is None or opened.session.id != at.session_id):
            # Any question's Stop button stops its own session, and only while it runs.
            return [await self._steps.stale_button(ctx, at.session_id)]
        if opened is None:
            return [notice(ctx.locale, "no_session")]
        session, attempt = opened.session, opened.attempt
        now = self._clock.now()
        log.info("session.stopped", session_id=session.id, member_id=ctx.member.id)
        if attempt is not None:
            # Not scored and not counted: no "0/100 · +0" feedback for a question not answered.
            # Closing it and ending the session are one commit, which also reads the summary's
            # attempts (the store's step, not SessionSteps.finish: nothing goes to reviews).
            moved = await self._store.finish_and_move(
                attempt.id, state="stopped", now=now, then=lambda _: "stopped"
            )
            self._steps.closed(attempt.id)
            if moved.attempts is not None:
                return [
                    present.summary(
                        self._bank, session, moved.attempts, ended="stopped", locale=ctx.locale
                    )
                ]
        await self._store.end_session(session.id, state="stopped", now=now)
        return [await self._steps.summary(ctx, session, "stopped")]

    async def status(self, ctx: MemberContext) -> list[Reply]:
        opened = await self._steps.open_in_time(ctx, answered=False)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        return [
            present.question_card(
                self._bank, session, attempt, question, now=now, locale=ctx.locale
            )
        ]

    async def resume(self, ctx: MemberContext) -> list[Reply]:
        """What a front end shows when a member comes back (console start-up)."""
        session = await self._store.active_session(ctx.member.id)
        if session is None:
            name = ctx.actor.display_name or ctx.actor.user_id
            return [notice(ctx.locale, "welcome", name=name)]
        return [notice(ctx.locale, "resumed"), *await self.status(ctx)]

    @property
    def asks(self) -> int:
        """Questions this process has asked so far (see MemberContext.arrived)."""
        return self._steps.asks

    async def has_active_session(self, member_id: int) -> bool:
        return await self._store.active_session(member_id) is not None

    async def session_place(self, member_id: int) -> Place | None:
        session = await self._store.active_session(member_id)
        if session is None:
            return None
        return Place(channel_id=session.channel_id, thread_id=session.thread_id)

    async def check_button(self, ctx: MemberContext, at: QuestionRef) -> Reply | None:
        """None while `at` is this member's open question; else what a stale or foreign button
        gets. Reads only: a chat front end asks before opening an answer modal."""
        opened = await self._store.open_attempt(ctx.member.id)
        current = opened.attempt if opened is not None else None
        if current is not None and (current.session_id, current.position) == (
            at.session_id,
            at.position,
        ):
            return None
        return await self._steps.stale_button(ctx, at.session_id)

    def unknown_topic(self, ctx: MemberContext, name: str) -> Reply:
        return present.unknown_topic(self._bank, ctx.locale, name)

    # ---- beginning a session ------------------------------------------------------------

    async def _may_begin(
        self, ctx: MemberContext, topic: str | None
    ) -> tuple[str | None, list[Reply]]:
        """The topic id to draw from, or the replies that refuse to begin: a session is already
        open (one per member), or no topic has that name."""
        active = await self._store.active_session(ctx.member.id)
        if active is not None:
            return None, [await self._session_exists(ctx, active)]
        if topic is None:
            return None, []
        found = self._bank.find_topic(topic)
        if found is None:
            return None, [self.unknown_topic(ctx, topic)]
        return found.id, []

    async def _begin(
        self,
        ctx: MemberContext,
        chosen: Sequence[Question],
        *,
        time_s: int,
        topic_id: str | None,
        difficulty: int | None,
        started: Notice,
    ) -> list[Reply]:
        """Create the session (the schema allows one active per member) and ask question 1."""
        now = self._clock.now()
        first = chosen[0]
        try:
            session, attempt = await self._store.start_session(
                member_id=ctx.member.id,
                platform=ctx.actor.platform,
                workspace_id=ctx.actor.workspace_id,
                channel_id=ctx.place.channel_id,
                thread_id=ctx.place.thread_id,
                topic=topic_id,
                difficulty=difficulty,
                question_ids=[q.id for q in chosen],
                time_limit_s=time_s,
                locale=ctx.locale,
                now=now,
                first=NextQuestion(
                    first.id, first.topic, first.difficulty, now + timedelta(seconds=time_s)
                ),
            )
        except ActiveSessionExists:
            # Two starts at once: the schema let exactly one through.
            active = await self._store.active_session(ctx.member.id)
            if active is None:
                raise
            return [await self._session_exists(ctx, active)]
        assert attempt is not None  # asked with the session (`first`)
        self._steps.remember(session)
        log.info(
            "session.started",
            session_id=session.id,
            member_id=ctx.member.id,
            kind=started.code,
            count=len(chosen),
            time_s=time_s,
            topic=topic_id,
        )
        return [started, *self._steps.question_asked(ctx, session, attempt, now)]

    async def _draw(
        self, ctx: MemberContext, pool: Sequence[Question], count: int
    ) -> list[Question]:
        """`count` distinct questions, ones the member has never been asked first."""
        seen = await self._store.seen_question_ids(ctx.member.id)
        fresh = [q for q in pool if q.id not in seen]
        old = [q for q in pool if q.id in seen]
        self._rng.shuffle(fresh)
        self._rng.shuffle(old)
        return (fresh + old)[:count]

    async def _session_exists(self, ctx: MemberContext, session: SessionRecord) -> Reply:
        attempt = await self._store.current_attempt(session.id)
        position = attempt.position if attempt else session.current_index
        left = present.seconds_left(attempt.deadline_at, self._clock.now()) if attempt else 0
        return present.session_exists(self._bank, ctx.locale, session, position, left)

    def _reviewable(self, topic_id: str | None) -> Callable[[str], bool]:
        """Which scheduled question ids a review may ask: still in the bank, in the topic."""

        def keep(question_id: str) -> bool:
            question = self._bank.questions.get(question_id)
            return question is not None and (topic_id is None or question.topic == topic_id)

        return keep

    def _nothing_due(self, ctx: MemberContext, now: datetime, upcoming: datetime | None) -> Reply:
        text = t(ctx.locale, "notice.no_reviews_due")
        if upcoming is not None:
            when = format_span(ctx.locale, (upcoming - now).total_seconds())
            text = join_sentences(ctx.locale, text, t(ctx.locale, "notice.next_review", when=when))
        return Notice(locale=ctx.locale, code="no_reviews_due", text=text)
