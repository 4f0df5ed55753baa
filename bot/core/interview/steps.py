"""The steps of a session that commands, expiry and the judge share.

Every state change is one conditional update in the Store (finish an attempt only while it is
'asking'; expire only once its deadline has passed), so an answer racing its own timeout, a
restart, or a second process can never score a question twice. Nothing about a session lives
only in memory: the session cache and the set of attempts this process asked are caches the
database can rebuild.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog

from bot.core.caches import SessionCache
from bot.core.clock import Clock
from bot.core.commands import QuestionRef
from bot.core.context import MemberContext
from bot.core.interview import present
from bot.core.interview.ports import DeadlineSink
from bot.core.notices import error, notice
from bot.core.replies import Reply, Summary
from bot.core.review.schedule import ReviewSchedule
from bot.core.scoring import capped_score, points_for
from content.loader import Bank
from content.schema import Question
from storage import AttemptPositionTaken, SessionNotActive, Store
from storage.models import AttemptRecord, FinishedAttemptState, SessionRecord
from storage.session_sql import Moved, NextQuestion, Then

log = structlog.get_logger(__name__)

Opened = tuple[SessionRecord, AttemptRecord, Question]
OpenedInTime = tuple[SessionRecord, AttemptRecord, Question, datetime]


@dataclass(frozen=True)
class Scored:
    """A grader's raw score made into what is stored: capped by hints, points net of earlier."""

    score: float
    points: float
    earlier_points: float


class SessionSteps:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        clock: Clock,
        deadlines: DeadlineSink,
        reviews: ReviewSchedule,
        platforms: frozenset[str] | None,
    ) -> None:
        self.bank = bank
        self.store = store
        self.clock = clock
        self.deadlines = deadlines
        self.reviews = reviews
        # Sessions of other platforms belong to the process serving that platform: expiring
        # them here would score them but tell nobody.
        self.platforms = platforms
        self._sessions = SessionCache()
        # Attempts this process asked and is watching (known to be for a platform it serves),
        # with their session: expiry moves on without reading the attempt first.
        self.own: dict[int, str] = {}
        # How many questions this process has asked, and when (in that count) each open one was:
        # an answer only counts for a question asked before it arrived (see `asked_since`).
        # `_note_asked` also runs on the SQLite writer thread (inside the write, before COMMIT).
        self._noting = threading.Lock()
        self.asks = 0
        self._asked_as: dict[int, int] = {}
        # Points earned before on each open attempt's question, as `open` read them.
        self._earned: dict[int, float] = {}

    async def open(self, ctx: MemberContext, at: QuestionRef | None = None) -> Opened | list[Reply]:
        """The member's session, its open attempt and question; or the replies that say why not.

        With `at` (a button or modal), only that question will do: anything else is refused.
        """
        opened = await self.store.open_attempt(ctx.member.id)
        attempt = opened.attempt if opened is not None else None
        if at is not None and (
            attempt is None
            or (attempt.session_id, attempt.position) != (at.session_id, at.position)
        ):
            return [await self.stale_button(ctx, at.session_id)]
        if opened is None:
            return [notice(ctx.locale, "no_session")]
        session = opened.session
        if attempt is None:
            # The last attempt finished but the next was never asked (a crash in between):
            # ask it now rather than leave the member stuck.
            attempts = await self.store.session_attempts(session.id)
            last = attempts[-1].position if attempts else 0
            return await self.advance(ctx, session, last, self.clock.now())
        question = self.bank.questions.get(attempt.question_id)
        if question is None:
            return await self.end_missing(ctx, session, self.clock.now())
        # Read with the attempt: scoring an answer to it needs no second read.
        self._earned[attempt.id] = opened.earned_before
        return session, attempt, question

    async def open_in_time(
        self, ctx: MemberContext, *, answered: bool = True, at: QuestionRef | None = None
    ) -> OpenedInTime | list[Reply]:
        """As `open`, and the time now; a question whose time is up is expired here instead
        (the watcher may not have got to it yet), with the replies that say so."""
        opened = await self.open(ctx, at)
        if isinstance(opened, list):
            return opened
        session, attempt, question = opened
        now = self.clock.now()
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
        answered: bool,
    ) -> list[Reply]:
        """The deadline passed before the watcher got to it: expire it here, once."""
        moved = await self.finish(
            session, attempt.id, now, state="expired", score=0.0, only_if_expired=True
        )
        self.closed(attempt.id)
        replies: list[Reply] = [notice(ctx.locale, "too_late")] if answered else []
        if moved.finished is None:
            # The watcher won; it tells the member.
            return replies or [notice(ctx.locale, "too_late")]
        replies.append(
            present.feedback(self.bank, session, moved.finished, question, locale=ctx.locale)
        )
        return replies + self.moved_on(ctx, session, moved, now)

    async def finish(
        self,
        session: SessionRecord,
        attempt_id: int,
        now: datetime,
        *,
        state: FinishedAttemptState,
        only_if_expired: bool = False,
        answer: str | None = None,
        score: float | None = None,
        points: float = 0.0,
        grade: dict[str, Any] | None = None,
    ) -> Moved:
        """Close the attempt and, in the same commit, ask the next question or end the session.

        `Moved.finished` is None if the attempt was closed already (this call lost the race).
        """

        def then(finished: AttemptRecord) -> Then:
            # Runs inside the write: only the session and the bank, nothing that awaits.
            position = finished.position + 1
            if position > len(session.question_ids):
                return "finished"
            question = self.bank.questions.get(session.question_ids[position - 1])
            if question is None:
                return "stopped"
            deadline = now + timedelta(seconds=session.time_limit_s)
            return NextQuestion(
                question.id, question.topic, question.difficulty, deadline, self._note_asked
            )

        moved = await self.store.finish_and_move(
            attempt_id,
            state=state,
            now=now,
            then=then,
            answer=answer,
            score=score,
            points=points,
            grade=grade,
            only_if_expired=only_if_expired,
        )
        if moved.finished is not None:
            self.closed(attempt_id)
            self.reviews.record_later(moved.finished)
        if moved.asked is not None:
            # At once, before anything else awaits: an answer arriving meanwhile is not for it.
            self._note_asked(moved.asked)
        return moved

    def moved_on(
        self, ctx: MemberContext, session: SessionRecord, moved: Moved, now: datetime
    ) -> list[Reply]:
        """What a member reads after `finish`: the next question, or the summary."""
        if moved.asked is not None:
            return self.question_asked(ctx, session, moved.asked, now)
        if moved.ended is None or moved.attempts is None:
            return []  # pragma: no cover - a move either asks or ends
        log.info("session." + moved.ended, session_id=session.id, member_id=session.member_id)
        summary = present.summary(
            self.bank, session, moved.attempts, ended=moved.ended, locale=ctx.locale
        )
        position = moved.finished.position + 1 if moved.finished is not None else 0
        missing = moved.ended == "stopped" and position <= len(session.question_ids)
        if missing and session.question_ids[position - 1] not in self.bank.questions:
            log.warning("session.question_missing", session_id=session.id)
            return [notice(ctx.locale, "question_missing"), summary]
        return [summary]

    async def advance(
        self, ctx: MemberContext, session: SessionRecord, after: int, now: datetime
    ) -> list[Reply]:
        """Ask the question after position `after`, or finish the session with its summary."""
        if after >= len(session.question_ids):
            await self.store.end_session(session.id, state="finished", now=now)
            log.info("session.finished", session_id=session.id, member_id=session.member_id)
            return [await self.summary(ctx, session, "finished")]
        return await self._ask(ctx, session, after + 1, now)

    async def _ask(
        self, ctx: MemberContext, session: SessionRecord, position: int, now: datetime
    ) -> list[Reply]:
        question = self.bank.questions.get(session.question_ids[position - 1])
        if question is None:
            return await self.end_missing(ctx, session, now)
        try:
            attempt = await self.store.ask(
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
            current = await self.store.current_attempt(session.id)
            if current is None:
                return []
            attempt = current
        except SessionNotActive:
            return [await self.summary(ctx, session, "stopped")]
        return self.question_asked(ctx, session, attempt, now)

    def question_asked(
        self, ctx: MemberContext, session: SessionRecord, attempt: AttemptRecord, now: datetime
    ) -> list[Reply]:
        """Watch the question's deadline and show it."""
        question = self.bank.questions.get(attempt.question_id)
        if question is None:
            return []
        self.deadlines.schedule(attempt.id, attempt.deadline_at)
        if self.platforms is None or session.platform in self.platforms:
            self.own[attempt.id] = session.id
        self._note_asked(attempt)
        return [
            present.question_card(self.bank, session, attempt, question, now=now, locale=ctx.locale)
        ]

    async def end_missing(
        self, ctx: MemberContext, session: SessionRecord, now: datetime
    ) -> list[Reply]:
        log.warning("session.question_missing", session_id=session.id)
        await self.store.end_session(session.id, state="stopped", now=now)
        return [notice(ctx.locale, "question_missing"), await self.summary(ctx, session, "stopped")]

    async def summary(
        self, ctx: MemberContext, session: SessionRecord, ended: Literal["finished", "stopped"]
    ) -> Summary:
        """Read the session's attempts and sum them up."""
        attempts = await self.store.session_attempts(session.id)
        return present.summary(self.bank, session, attempts, ended=ended, locale=ctx.locale)

    async def scored(self, attempt: AttemptRecord, raw_score: float) -> Scored:
        """What a grade is worth for this attempt (an answer now, or the judge's later)."""
        score = capped_score(raw_score, attempt.max_score)
        earlier = self._earned.pop(attempt.id, None)
        if earlier is None or attempt.state != "asking":
            earlier = await self.store.earned_points(
                attempt.member_id, attempt.question_id, excluding=attempt.id
            )
        points = points_for(score, attempt.difficulty, earned_before=earlier)
        return Scored(score=score, points=points, earlier_points=earlier)

    def closed(self, attempt_id: int) -> None:
        """This process finished the attempt: its deadline no longer matters."""
        self.deadlines.cancel(attempt_id)
        self.own.pop(attempt_id, None)
        self._asked_as.pop(attempt_id, None)
        self._earned.pop(attempt_id, None)

    def _note_asked(self, attempt: AttemptRecord) -> None:
        with self._noting:
            if attempt.id not in self._asked_as:
                self.asks += 1
                self._asked_as[attempt.id] = self.asks

    def asked_since(self, attempt_id: int, asks: int) -> bool:
        """This process asked the attempt after `asks` questions: a message that arrived
        before then (e.g. a late answer to the question that just timed out) is not for it."""
        return self._asked_as.get(attempt_id, 0) > asks

    def remember(self, session: SessionRecord) -> None:
        self._sessions.put(session)

    async def session(self, session_id: str) -> SessionRecord | None:
        session = self._sessions.get(session_id)
        if session is None:
            session = await self.store.get_session(session_id)
            if session is not None:
                self._sessions.put(session)
        return session

    async def stale_button(self, ctx: MemberContext, session_id: str) -> Reply:
        """A button or modal of a question that is not open: someone else's, or closed."""
        session = await self.store.get_session(session_id)
        if session is not None and session.member_id != ctx.member.id:
            return error(ctx.locale, "button_not_yours")
        return notice(ctx.locale, "button_closed")
