"""Interview sessions: start, answer, hint, skip, stop, status, resume, and expiry.

Every state change is one conditional update in the Store (finish an attempt only while it is
'asking'; expire only once its deadline has passed), so an answer racing its own timeout, a
restart, or a second process can never score a question twice. Nothing about a session lives
only in memory: the deadline watcher's heap is a cache the database can rebuild.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from bot.core.caches import MemberCache, SessionCache
from bot.core.clock import Clock
from bot.core.commands import (
    ANSWER_MAX_CHARS,
    COUNT_DEFAULT,
    Actor,
    Mark,
    Place,
    QuestionRef,
    Review,
    Start,
)
from bot.core.context import MemberContext
from bot.core.grading import Grader, GradeResult
from bot.core.i18n import format_duration, format_span, normalize_locale, shorten, t
from bot.core.interview import present
from bot.core.messenger import Messenger
from bot.core.replies import ErrorNotice, HintCard, Notice, Reply
from bot.core.review.schedule import ReviewSchedule
from bot.core.scoring import capped_score, max_score_after_hints, points_for
from content.loader import Bank
from content.schema import Question
from storage import ActiveSessionExists, AttemptPositionTaken, SessionNotActive, Store
from storage.models import AttemptRecord, SessionRecord

log = structlog.get_logger(__name__)

# How long shutdown waits for judge calls still in flight (the judge's own total timeout is 20 s).
BACKGROUND_DRAIN_S = 5.0


class GradeRefiner(Protocol):
    """An optional second opinion (the LLM judge): None means the offline grade stands."""

    async def grade(
        self, question: Question, answer: str, offline: GradeResult | None = None
    ) -> GradeResult | None: ...


class DeadlineSink(Protocol):
    def schedule(self, attempt_id: int, deadline: datetime) -> None: ...

    def cancel(self, attempt_id: int) -> None: ...


class InterviewService:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        grader: Grader,
        clock: Clock,
        deadlines: DeadlineSink,
        messenger: Messenger,
        rng: random.Random,
        platforms: frozenset[str] | None = None,
        members: MemberCache | None = None,
        judge: GradeRefiner | None = None,
        reviews: ReviewSchedule | None = None,
    ) -> None:
        self._judge = judge
        self._reviews = reviews or ReviewSchedule(store)
        # Judge calls under way: a grade shown at once is refined when the judge answers.
        self._background: set[asyncio.Task[None]] = set()
        self._bank = bank
        self._members = members or MemberCache()
        self._sessions = SessionCache()
        # Attempts this process asked and is watching: known to be for a platform it serves.
        self._own: set[int] = set()
        self._store = store
        self._grader = grader
        self._clock = clock
        self._deadlines = deadlines
        self._messenger = messenger
        self._rng = rng
        # Sessions of other platforms belong to the process serving that platform: expiring
        # them here would score them but tell nobody.
        self._platforms = platforms

    # ---- commands -------------------------------------------------------------------------

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
        if len(pool) < command.count:
            what = self._filter_text(ctx, topic_id, command.difficulty)
            code = "not_enough_questions" if pool else "no_questions"
            text = t(
                ctx.locale, f"error.{code}", filter=what, available=len(pool), count=command.count
            )
            return [ErrorNotice(locale=ctx.locale, code=code, text=text)]
        chosen = await self._draw(ctx, pool, command.count)
        started = Notice(
            locale=ctx.locale,
            code="started",
            text=t(
                ctx.locale,
                "notice.started",
                count=command.count,
                time=format_duration(ctx.locale, command.time_s),
                topic=self._filter_text(
                    ctx, topic_id, command.difficulty, any_key="notice.any_topic"
                ),
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
        due_ids, upcoming = await self._reviews.schedule(
            ctx.member.id, now, keep=self.reviewable(topic_id)
        )
        if not due_ids:
            return [self._nothing_due(ctx, now, upcoming)]
        chosen = [self._bank.questions[qid] for qid in due_ids[: command.count or COUNT_DEFAULT]]
        started = Notice(
            locale=ctx.locale,
            code="review_started",
            text=t(
                ctx.locale,
                "notice.review_started",
                count=len(chosen),
                time=format_duration(ctx.locale, command.time_s),
            ),
        )
        return await self._begin(
            ctx, chosen, time_s=command.time_s, topic_id=topic_id, difficulty=None, started=started
        )

    async def mark(self, ctx: MemberContext, command: Mark) -> list[Reply]:
        """The member thinks an automatic grade was too low/high: keep it, re-plan the review."""
        if command.attempt_id is not None:
            attempt = await self._store.get_attempt(command.attempt_id)
        else:
            attempt = await self._store.last_answered_attempt(ctx.member.id)
        if attempt is None or attempt.member_id != ctx.member.id or attempt.state != "answered":
            text = t(ctx.locale, "notice.mark_nothing")
            return [Notice(locale=ctx.locale, code="mark_nothing", text=text)]
        await self._store.set_self_assessment(attempt.id, command.verdict)
        rerated = await self._reviews.rerate(attempt.id)
        log.info(
            "attempt.self_assessed",
            attempt_id=attempt.id,
            verdict=command.verdict,
            review=rerated.outcome,
        )
        question = self._bank.questions.get(attempt.question_id)
        name = shorten(question.question if question is not None else attempt.question_id, 40)
        left = (rerated.due - self._clock.now()).total_seconds() if rerated.due else 0.0
        if rerated.outcome == "unchanged":
            key = "notice.mark_saved"
        elif rerated.outcome == "none":
            key = "notice.mark_saved_no_review"
        elif left <= 0:
            key = "notice.mark_saved_due_now"  # an old answer: its new review date has passed
        elif command.verdict == "too_low":
            key = "notice.mark_saved_later"
        else:
            key = "notice.mark_saved_sooner"
        text = t(ctx.locale, key, question=name, when=format_span(ctx.locale, left))
        return [Notice(locale=ctx.locale, code="mark_saved", text=text)]

    def reviewable(self, topic_id: str | None) -> Callable[[str], bool]:
        """Which scheduled question ids a review may ask: still in the bank, in the topic."""

        def keep(question_id: str) -> bool:
            question = self._bank.questions.get(question_id)
            return question is not None and (topic_id is None or question.topic == topic_id)

        return keep

    async def answer(
        self, ctx: MemberContext, text: str, at: QuestionRef | None = None
    ) -> list[Reply]:
        if len(text) > ANSWER_MAX_CHARS:
            return [
                ErrorNotice(
                    locale=ctx.locale,
                    code="answer_too_long",
                    text=t(
                        ctx.locale,
                        "error.answer_too_long",
                        length=len(text),
                        limit=ANSWER_MAX_CHARS,
                    ),
                )
            ]
        if not text.strip():
            return [
                ErrorNotice(
                    locale=ctx.locale, code="missing_text", text=t(ctx.locale, "error.missing_text")
                )
            ]
        opened = await self._open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        grade = self._grader.grade(question, text)
        score = capped_score(grade.score, attempt.max_score)
        earlier = await self._store.earned_points(ctx.member.id, question.id, excluding=attempt.id)
        finished = await self._store.finish_attempt(
            attempt.id,
            state="answered",
            now=now,
            answer=text,
            score=score,
            points=points_for(score, attempt.difficulty, earned_before=earlier),
            grade=grade.model_dump(mode="json"),
        )
        if finished is None:
            return [self._too_late(ctx)]
        self._closed(attempt.id)
        self._reviews.record_later(finished)
        feedback = present.feedback(
            self._bank, session, finished, question, locale=ctx.locale, earlier_points=earlier
        )
        if self._judge is not None:
            # The offline grade is shown now; the judge's replaces it when (if) it arrives.
            feedback = feedback.model_copy(update={"judge_pending": True})
            self._in_background(self._refine(ctx, session, finished, question, grade))
        return [feedback, *await self._advance(ctx, session, finished.position, now)]

    async def hint(self, ctx: MemberContext, at: QuestionRef | None = None) -> list[Reply]:
        opened = await self._open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        available = len(question.key_points)
        if attempt.hints_used >= available:
            text = t(ctx.locale, "notice.no_more_hints", available=available)
            return [Notice(locale=ctx.locale, code="no_more_hints", text=text)]
        updated = await self._store.use_hint(
            attempt.id, max_score=max_score_after_hints(attempt.hints_used + 1)
        )
        if updated is None:
            return [self._too_late(ctx)]
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
        opened = await self._open_in_time(ctx, at=at)
        if isinstance(opened, list):
            return opened
        session, attempt, question, now = opened
        finished = await self._store.finish_attempt(
            attempt.id, state="skipped", now=now, score=0.0, points=0.0
        )
        if finished is None:
            return [self._too_late(ctx)]
        self._closed(attempt.id)
        self._reviews.record_later(finished)
        return [
            present.feedback(self._bank, session, finished, question, locale=ctx.locale),
            *await self._advance(ctx, session, finished.position, now),
        ]

    async def stop(self, ctx: MemberContext, at: QuestionRef | None = None) -> list[Reply]:
        session = await self._store.active_session(ctx.member.id)
        if at is not None and (session is None or session.id != at.session_id):
            # Any question's Stop button stops its own session, and only while it runs.
            return [await self._stale_button(ctx, at.session_id)]
        if session is None:
            return [self._no_session(ctx)]
        now = self._clock.now()
        views: list[Reply] = []
        attempt = await self._store.current_attempt(session.id)
        if attempt is not None:
            finished = await self._store.finish_attempt(attempt.id, state="stopped", now=now)
            self._closed(attempt.id)
            question = self._bank.questions.get(attempt.question_id)
            if finished is not None and question is not None:
                views.append(
                    present.feedback(self._bank, session, finished, question, locale=ctx.locale)
                )
        await self._store.end_session(session.id, state="stopped", now=now)
        log.info("session.stopped", session_id=session.id, member_id=ctx.member.id)
        attempts = await self._store.session_attempts(session.id)
        views.append(
            present.summary(self._bank, session, attempts, ended="stopped", locale=ctx.locale)
        )
        return views

    async def status(self, ctx: MemberContext) -> list[Reply]:
        opened = await self._open_in_time(ctx, answered=False)
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
            return [
                Notice(
                    locale=ctx.locale,
                    code="welcome",
                    text=t(ctx.locale, "notice.welcome", name=name),
                )
            ]
        resumed = Notice(locale=ctx.locale, code="resumed", text=t(ctx.locale, "notice.resumed"))
        return [resumed, *await self.status(ctx)]

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
        found = await self._store.active_session_and_attempt(ctx.member.id)
        current = found[1] if found is not None else None
        if current is not None and (current.session_id, current.position) == (
            at.session_id,
            at.position,
        ):
            return None
        return await self._stale_button(ctx, at.session_id)

    # ---- the LLM judge, in the background ---------------------------------------------------

    async def _refine(
        self,
        ctx: MemberContext,
        session: SessionRecord,
        attempt: AttemptRecord,
        question: Question,
        offline: GradeResult,
    ) -> None:
        """Ask the judge; if it answers, its grade replaces the offline one and is re-shown."""
        assert self._judge is not None and attempt.answer is not None
        judged = await self._judge.grade(question, attempt.answer, offline)
        if judged is None:
            return  # any failure: the offline grade stands, nothing to say
        score = capped_score(judged.score, attempt.max_score)
        earlier = await self._store.earned_points(
            attempt.member_id, attempt.question_id, excluding=attempt.id
        )
        updated = await self._store.replace_grade(
            attempt.id,
            replaces=offline.grader,
            score=score,
            points=points_for(score, attempt.difficulty, earned_before=earlier),
            grade=judged.model_dump(mode="json"),
        )
        if updated is None:
            return
        await self._reviews.rerate(updated.id)
        log.info("attempt.judged", attempt_id=attempt.id, offline=attempt.score, judged=score)
        unchanged = score == attempt.score and {p.point for p in judged.covered} == {
            p.point for p in offline.covered
        }
        if unchanged:
            return  # stored for the record; telling the member "no change" is noise
        view = present.feedback(
            self._bank, session, updated, question, locale=ctx.locale, earlier_points=earlier
        )
        await self._messenger.deliver(
            ctx.actor, ctx.place, [view.model_copy(update={"refined": True})]
        )

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("background.failed")

    async def wait_background(self) -> None:
        """Until every judge call under way has finished (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def aclose(self) -> None:
        """Shutdown: give judge calls a moment, then cancel; the offline grades are stored."""
        try:
            async with asyncio.timeout(BACKGROUND_DRAIN_S):
                await self._reviews.settle()
        except TimeoutError:
            log.warning("review.unsettled_at_shutdown")
        if not self._background:
            return
        try:
            async with asyncio.timeout(BACKGROUND_DRAIN_S):
                await self.wait_background()
        except TimeoutError:
            for task in list(self._background):
                task.cancel()
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # ---- the deadline watcher's entry point ------------------------------------------------

    async def expire(self, attempt_id: int, offline: bool) -> None:
        """Time is up for this attempt: score 0, reveal, ask the next, tell the member."""
        now = self._clock.now()
        if attempt_id in self._own:
            # Asked by this process, so for a platform it serves: close it first (one
            # conditional update), read the rest afterwards.
            expired = await self._expire_if_due(attempt_id, now)
            if expired is None:
                await self._not_expired(attempt_id)
                return
            session = await self._session(expired.session_id)
        else:
            # Found in the database (start-up, refresh): check whose it is before touching it.
            attempt = await self._store.get_attempt(attempt_id)
            if attempt is None or attempt.state != "asking":
                return
            session = await self._session(attempt.session_id)
            if session is None or (
                self._platforms is not None and session.platform not in self._platforms
            ):
                return
            expired = await self._expire_if_due(attempt_id, now)
            if expired is None:
                await self._not_expired(attempt_id)
                return
        if session is None:
            return
        member = self._members.by_id(session.member_id, now)
        if member is None:
            member = await self._store.get_member(session.member_id)
            if member is not None:
                self._members.put(member.key, member, now)
        if member is None:
            log.warning("expire.member_missing", session_id=session.id, member_id=session.member_id)
            return
        ctx = MemberContext(
            actor=Actor(
                platform=member.platform,
                workspace_id=member.workspace_id,
                user_id=member.user_id,
                display_name=member.display_name,
            ),
            place=Place(channel_id=session.channel_id, thread_id=session.thread_id),
            member=member,
            locale=normalize_locale(member.locale or session.locale),
        )
        log.info("attempt.expired", attempt_id=attempt_id, session_id=session.id, offline=offline)
        views: list[Reply] = []
        question = self._bank.questions.get(expired.question_id)
        if question is not None:
            views.append(
                present.feedback(
                    self._bank, session, expired, question, locale=ctx.locale, while_offline=offline
                )
            )
        views += await self._advance(ctx, session, expired.position, now)
        await self._messenger.deliver(ctx.actor, ctx.place, views)

    async def _expire_if_due(self, attempt_id: int, now: datetime) -> AttemptRecord | None:
        expired = await self._store.finish_attempt(
            attempt_id, state="expired", now=now, score=0.0, points=0.0, only_if_expired=True
        )
        if expired is not None:
            self._own.discard(attempt_id)
            self._reviews.record_later(expired)
        return expired

    async def _not_expired(self, attempt_id: int) -> None:
        """Finished some other way (fine), or woken before its deadline (watch it again)."""
        attempt = await self._store.get_attempt(attempt_id)
        if attempt is not None and attempt.state == "asking":
            self._deadlines.schedule(attempt.id, attempt.deadline_at)
        else:
            self._own.discard(attempt_id)

    async def _session(self, session_id: str) -> SessionRecord | None:
        session = self._sessions.get(session_id)
        if session is None:
            session = await self._store.get_session(session_id)
            if session is not None:
                self._sessions.put(session)
        return session

    def _closed(self, attempt_id: int) -> None:
        """This process finished the attempt: its deadline no longer matters."""
        self._deadlines.cancel(attempt_id)
        self._own.discard(attempt_id)

    # ---- helpers ---------------------------------------------------------------------------

    async def _open(
        self, ctx: MemberContext, at: QuestionRef | None = None
    ) -> tuple[SessionRecord, AttemptRecord, Question] | list[Reply]:
        """The member's session, its open attempt and question; or the views that say why not.

        With `at` (a button or modal), only that question will do: anything else is refused.
        """
        found = await self._store.active_session_and_attempt(ctx.member.id)
        if at is not None:
            current = found[1] if found is not None else None
            if current is None or (current.session_id, current.position) != (
                at.session_id,
                at.position,
            ):
                return [await self._stale_button(ctx, at.session_id)]
        if found is None:
            return [self._no_session(ctx)]
        session, attempt = found
        if attempt is None:
            # The last attempt finished but the next was never asked (a crash in between):
            # ask it now rather than leave the member stuck.
            attempts = await self._store.session_attempts(session.id)
            last = attempts[-1].position if attempts else 0
            return await self._advance(ctx, session, last, self._clock.now())
        question = self._bank.questions.get(attempt.question_id)
        if question is None:
            return await self._end_missing(ctx, session, self._clock.now())
        return session, attempt, question

    async def _open_in_time(
        self, ctx: MemberContext, *, answered: bool = True, at: QuestionRef | None = None
    ) -> tuple[SessionRecord, AttemptRecord, Question, datetime] | list[Reply]:
        """As `_open`, and the time now; a question whose time is up is expired here instead
        (the watcher may not have got to it yet), with the views that say so."""
        opened = await self._open(ctx, at)
        if isinstance(opened, list):
            return opened
        session, attempt, question = opened
        now = self._clock.now()
        if attempt.deadline_at <= now:
            return await self._late(ctx, session, attempt, question, now, answered=answered)
        return session, attempt, question, now

    async def _late(
        self,
        ctx: MemberContext,
        session: SessionRecord,
        attempt: AttemptRecord,
        question: Question,
        now: datetime,
        *,
        answered: bool = True,
    ) -> list[Reply]:
        """The deadline passed before the watcher got to it: expire it here, once."""
        expired = await self._expire_if_due(attempt.id, now)
        self._closed(attempt.id)
        views: list[Reply] = [self._too_late(ctx)] if answered else []
        if expired is None:
            return views or [self._too_late(ctx)]  # the watcher won; it tells the member
        views.append(present.feedback(self._bank, session, expired, question, locale=ctx.locale))
        return views + await self._advance(ctx, session, expired.position, now)

    async def _advance(
        self, ctx: MemberContext, session: SessionRecord, after: int, now: datetime
    ) -> list[Reply]:
        """Ask the question after position `after`, or finish the session with its summary."""
        if after >= len(session.question_ids):
            await self._store.end_session(session.id, state="finished", now=now)
            log.info("session.finished", session_id=session.id, member_id=session.member_id)
            attempts = await self._store.session_attempts(session.id)
            return [
                present.summary(self._bank, session, attempts, ended="finished", locale=ctx.locale)
            ]
        return await self._ask(ctx, session, after + 1, now)

    async def _ask(
        self, ctx: MemberContext, session: SessionRecord, position: int, now: datetime
    ) -> list[Reply]:
        question = self._bank.questions.get(session.question_ids[position - 1])
        if question is None:
            return await self._end_missing(ctx, session, now)
        try:
            attempt = await self._store.ask(
                session_id=session.id,
                position=position,
                question_id=question.id,
                topic=question.topic,
                difficulty=question.difficulty,
                asked_at=now,
                deadline_at=now + timedelta(seconds=session.time_limit_s),
            )
        except AttemptPositionTaken:
            # Another path (the watcher, a second process) asked it first: show that one.
            current = await self._store.current_attempt(session.id)
            if current is None:
                return []
            attempt = current
        except SessionNotActive:
            attempts = await self._store.session_attempts(session.id)
            return [
                present.summary(self._bank, session, attempts, ended="stopped", locale=ctx.locale)
            ]
        self._deadlines.schedule(attempt.id, attempt.deadline_at)
        if self._platforms is None or session.platform in self._platforms:
            self._own.add(attempt.id)
        return [
            present.question_card(
                self._bank, session, attempt, question, now=now, locale=ctx.locale
            )
        ]

    async def _end_missing(
        self, ctx: MemberContext, session: SessionRecord, now: datetime
    ) -> list[Reply]:
        log.warning("session.question_missing", session_id=session.id)
        await self._store.end_session(session.id, state="stopped", now=now)
        attempts = await self._store.session_attempts(session.id)
        notice = Notice(
            locale=ctx.locale,
            code="question_missing",
            text=t(ctx.locale, "notice.question_missing"),
        )
        return [
            notice,
            present.summary(self._bank, session, attempts, ended="stopped", locale=ctx.locale),
        ]

    async def _may_begin(
        self, ctx: MemberContext, topic: str | None
    ) -> tuple[str | None, list[Reply]]:
        """The topic id to draw from, or the views that refuse to begin: a session is already
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
        try:
            session = await self._store.create_session(
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
            )
        except ActiveSessionExists:
            # Two starts at once: the schema let exactly one through.
            active = await self._store.active_session(ctx.member.id)
            if active is None:
                raise
            return [await self._session_exists(ctx, active)]
        self._sessions.put(session)
        log.info(
            "session.started",
            session_id=session.id,
            member_id=ctx.member.id,
            kind=started.code,
            count=len(chosen),
            time_s=time_s,
            topic=topic_id,
        )
        return [started, *await self._ask(ctx, session, 1, now)]

    def _nothing_due(self, ctx: MemberContext, now: datetime, upcoming: datetime | None) -> Notice:
        text = t(ctx.locale, "notice.no_reviews_due")
        if upcoming is not None:
            when = format_span(ctx.locale, (upcoming - now).total_seconds())
            text += ("" if ctx.locale != "en" else " ") + t(
                ctx.locale, "notice.next_review", when=when
            )
        return Notice(locale=ctx.locale, code="no_reviews_due", text=text)

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

    async def _session_exists(self, ctx: MemberContext, session: SessionRecord) -> ErrorNotice:
        attempt = await self._store.current_attempt(session.id)
        now = self._clock.now()
        position = attempt.position if attempt else session.current_index
        left = present.seconds_left(attempt.deadline_at, now) if attempt else 0
        text = t(
            ctx.locale,
            "error.session_exists",
            position=position,
            total=len(session.question_ids),
            topic=self._filter_text(
                ctx, session.topic, session.difficulty, any_key="notice.any_topic"
            ),
            time=format_duration(ctx.locale, left),
        )
        return ErrorNotice(locale=ctx.locale, code="session_exists", text=text)

    def unknown_topic(self, ctx: MemberContext, name: str) -> ErrorNotice:
        names = [
            f"{topic.id}（{topic.zh}）" if ctx.locale != "en" else f"{topic.id} ({topic.en})"
            for topic in self._bank.topics.values()
            if any(q.topic == topic.id for q in self._bank.questions.values())
        ]
        sep = ", " if ctx.locale == "en" else "、"
        text = t(ctx.locale, "error.unknown_topic", name=name, topics=sep.join(names))
        return ErrorNotice(locale=ctx.locale, code="unknown_topic", text=text)

    def _filter_text(
        self,
        ctx: MemberContext,
        topic_id: str | None,
        difficulty: int | None,
        *,
        any_key: str = "error.filter_any",
    ) -> str:
        parts = []
        if topic_id is not None:
            parts.append(present.topic_name(self._bank, topic_id, ctx.locale))
        if difficulty is not None:
            parts.append(t(ctx.locale, f"difficulty.{difficulty}"))
        return " · ".join(parts) if parts else t(ctx.locale, any_key)

    async def _stale_button(self, ctx: MemberContext, session_id: str) -> Reply:
        """A button or modal of a question that is not open: someone else's, or closed."""
        session = await self._store.get_session(session_id)
        if session is not None and session.member_id != ctx.member.id:
            text = t(ctx.locale, "error.button_not_yours")
            return ErrorNotice(locale=ctx.locale, code="button_not_yours", text=text)
        text = t(ctx.locale, "notice.button_closed")
        return Notice(locale=ctx.locale, code="button_closed", text=text)

    def _no_session(self, ctx: MemberContext) -> Notice:
        return Notice(locale=ctx.locale, code="no_session", text=t(ctx.locale, "notice.no_session"))

    def _too_late(self, ctx: MemberContext) -> Notice:
        return Notice(locale=ctx.locale, code="too_late", text=t(ctx.locale, "notice.too_late"))
