"""Interview sessions and their attempts: every state change is one conditional UPDATE.

The row count / RETURNING says whether this call won, so a restart, a second process or an
answer racing its own timeout can never score twice.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storage.base import (
    ENDED_STATES,
    FINISHED_STATES,
    SELF_ASSESSMENTS,
    StoreBase,
    attempt_record,
    aware_utc,
    first_row,
    session_record,
    table_columns,
    violates,
)
from storage.board_sql import count_attempt, recount_attempt
from storage.errors import ActiveSessionExists, AttemptPositionTaken
from storage.models import (
    AttemptRecord,
    EndedSessionState,
    FinishedAttemptState,
    SessionRecord,
)
from storage.prepared import Prepared
from storage.session_sql import (
    ACTIVE_SESSION,
    ATTEMPT,
    CURRENT_ATTEMPT,
    EARNED,
    END_SESSION,
    EXPIRE_ATTEMPT,
    FINISH_ATTEMPT,
    OPEN,
    SESSION,
    SESSION_ATTEMPTS,
    START_SESSION,
    Moved,
    NextQuestion,
    OpenAttempt,
    Then,
    ask_in,
    closed_record,
    move_on,
    start_params,
)
from storage.tables import ONE_ACTIVE_SESSION_INDEX, attempts, sessions


def _closing(
    attempt_id: int,
    state: FinishedAttemptState,
    now: datetime,
    answer: str | None,
    score: float | None,
    points: float,
    grade: dict[str, Any] | None,
    only_if_expired: bool,
) -> tuple[Prepared, dict[str, Any]]:
    """The conditional UPDATE that closes an attempt still 'asking', and its parameters."""
    if state not in FINISHED_STATES:
        raise ValueError(f"an attempt finishes as one of {sorted(FINISHED_STATES)}")
    params = {
        "b_id": attempt_id,
        "b_state": state,
        "b_now": aware_utc(now, "now"),
        "b_answer": answer,
        "b_score": score,
        "b_points": points,
        "b_grade": grade,
    }
    return (EXPIRE_ATTEMPT if only_if_expired else FINISH_ATTEMPT), params


class SessionStore(StoreBase):
    """Sessions and attempts."""

    async def start_session(
        self,
        *,
        member_id: int,
        platform: str,
        workspace_id: str,
        channel_id: str | None,
        thread_id: str | None,
        topic: str | None,
        difficulty: int | None,
        question_ids: list[str],
        time_limit_s: int,
        locale: str,
        now: datetime,
        first: NextQuestion | None = None,
    ) -> tuple[SessionRecord, AttemptRecord | None]:
        """Start an active session and, given `first`, ask its first question in the same
        commit: a session is never left without a question, whenever the process dies.

        Raises ActiveSessionExists if the member already has an active session.
        """
        now = aware_utc(now, "now")
        session = SessionRecord(
            id=uuid.uuid4().hex,
            member_id=member_id,
            platform=platform,
            workspace_id=workspace_id,
            channel_id=channel_id,
            thread_id=thread_id,
            state="active",
            topic=topic,
            difficulty=difficulty,
            question_ids=list(question_ids),
            time_limit_s=time_limit_s,
            current_index=0,
            locale=locale,
            created_at=now,
            ended_at=None,
        )

        def job(conn: sa.Connection) -> tuple[SessionRecord, AttemptRecord | None]:
            START_SESSION.rows(conn, start_params(session))
            if first is None:
                return session, None
            attempt = ask_in(conn, session.id, 1, first, now)
            return session.model_copy(update={"current_index": 1}), attempt

        try:
            return await self._run.write(job, quick=True)
        except IntegrityError as error:
            if violates(error, ONE_ACTIVE_SESSION_INDEX, "sessions.member_id"):
                raise ActiveSessionExists(member_id) from error
            raise

    async def get_session(self, session_id: str) -> SessionRecord | None:
        def job(conn: sa.Connection) -> SessionRecord | None:
            rows = SESSION.mappings(conn, {"session_id": session_id})
            return session_record(rows[0]) if rows else None

        return await self._run.read(job, quick=True)

    async def active_session(self, member_id: int) -> SessionRecord | None:
        return await self._run.read(
            first_row(ACTIVE_SESSION, session_record, member_id=member_id), quick=True
        )

    async def open_attempt(self, member_id: int) -> OpenAttempt | None:
        """The member's active session, its attempt waiting for an answer, and the points the
        member earned on that question before, in one query (every answer, hint, skip and
        status starts here)."""

        def job(conn: sa.Connection) -> OpenAttempt | None:
            found = OPEN.mappings(conn, {"member_id": member_id})
            if not found:
                return None
            row = found[0]
            session = SessionRecord.model_validate(table_columns(row, sessions))
            if row["attempts_id"] is None:
                return OpenAttempt(session, None, 0.0)
            attempt = AttemptRecord.model_validate(table_columns(row, attempts))
            return OpenAttempt(session, attempt, float(row["earned_before"] or 0.0))

        return await self._run.read(job, quick=True)

    async def end_session(
        self, session_id: str, *, state: EndedSessionState, now: datetime
    ) -> bool:
        """Finish or stop an active session. True if this call ended it."""
        if state not in ENDED_STATES:
            raise ValueError(f"a session ends as one of {sorted(ENDED_STATES)}, not {state!r}")
        params = {"b_id": session_id, "b_state": state, "b_now": aware_utc(now, "now")}

        def job(conn: sa.Connection) -> bool:
            return conn.execute(END_SESSION, params).rowcount == 1

        return await self._run.write(job, quick=True)

    async def ask(
        self,
        *,
        session_id: str,
        position: int,
        question_id: str,
        topic: str,
        difficulty: int,
        asked_at: datetime,
        deadline_at: datetime,
    ) -> AttemptRecord:
        """Record that the question at `position` was asked; it becomes the current attempt.

        Raises SessionNotActive if the session is missing or over, and AttemptPositionTaken if
        that position was already asked (e.g. by another process).
        """
        question = NextQuestion(question_id, topic, difficulty, deadline_at)
        asked_at = aware_utc(asked_at, "asked_at")

        def job(conn: sa.Connection) -> AttemptRecord:
            return ask_in(conn, session_id, position, question, asked_at)

        try:
            return await self._run.write(job, quick=True)
        except IntegrityError as error:
            if violates(error, "uq_attempts_session_id_position", "attempts.session_id"):
                raise AttemptPositionTaken(session_id, position) from error
            raise

    async def current_attempt(self, session_id: str) -> AttemptRecord | None:
        """The session's attempt still waiting for an answer, if any."""
        return await self._run.read(
            first_row(CURRENT_ATTEMPT, attempt_record, session_id=session_id), quick=True
        )

    async def get_attempt(self, attempt_id: int) -> AttemptRecord | None:
        return await self._run.read(
            first_row(ATTEMPT, attempt_record, attempt_id=attempt_id), quick=True
        )

    async def session_attempts(self, session_id: str) -> list[AttemptRecord]:
        def job(conn: sa.Connection) -> list[AttemptRecord]:
            rows = conn.execute(SESSION_ATTEMPTS, {"session_id": session_id}).mappings()
            return [attempt_record(row) for row in rows]

        return await self._run.read(job, quick=True)

    async def use_hint(self, attempt_id: int, *, max_score: float) -> AttemptRecord | None:
        """Count a hint and lower the attainable score; None once the attempt is finished."""
        update = (
            sa.update(attempts)
            .where((attempts.c.id == attempt_id) & (attempts.c.state == "asking"))
            .values(hints_used=attempts.c.hints_used + 1, max_score=max_score)
            .returning(*attempts.c)
        )
        return await self._run.write(first_row(update, attempt_record), quick=True)

    async def finish_attempt(
        self,
        attempt_id: int,
        *,
        state: FinishedAttemptState,
        now: datetime,
        answer: str | None = None,
        score: float | None = None,
        points: float = 0.0,
        grade: dict[str, Any] | None = None,
        only_if_expired: bool = False,
    ) -> AttemptRecord | None:
        """Close an attempt that is still 'asking'. Returns the record if THIS call closed it,
        None if it was already closed (or, with only_if_expired, its deadline is still ahead).
        """
        update, params = _closing(
            attempt_id, state, now, answer, score, points, grade, only_if_expired
        )

        def job(conn: sa.Connection) -> AttemptRecord | None:
            rows = update.mappings(conn, params)
            if not rows:
                return None
            finished = closed_record(rows[0], params)
            count_attempt(conn, finished)
            return finished

        return await self._run.write(job, quick=True)

    async def finish_and_move(
        self,
        attempt_id: int,
        *,
        state: FinishedAttemptState,
        now: datetime,
        then: Callable[[AttemptRecord], Then],
        answer: str | None = None,
        score: float | None = None,
        points: float = 0.0,
        grade: dict[str, Any] | None = None,
        only_if_expired: bool = False,
    ) -> Moved:
        """Close an attempt still 'asking' and, in the same transaction, ask the next question
        (`then(finished)` says which) or end the session: one commit per answer or timeout.

        As `finish_attempt`, `Moved.finished` is None if this call did not close it.
        """
        update, params = _closing(
            attempt_id, state, now, answer, score, points, grade, only_if_expired
        )

        def job(conn: sa.Connection) -> Moved:
            rows = update.mappings(conn, params)
            if not rows:
                return Moved(None)
            finished = closed_record(rows[0], params)
            count_attempt(conn, finished)
            return move_on(conn, finished, then(finished), params["b_now"])

        return await self._run.write(job, quick=True)

    async def replace_grade(
        self,
        attempt_id: int,
        *,
        replaces: str,
        score: float,
        points: float,
        grade: dict[str, Any],
    ) -> AttemptRecord | None:
        """A second opinion (the LLM judge) replaces an answered attempt's grade, once.

        Only while the stored grade is still the one by `replaces` (the offline grader's name)
        and the member has not marked it: a late or repeated refinement never overwrites a newer
        grade, and a self-assessment always refers to the grade it was made about.
        """
        condition = (
            (attempts.c.id == attempt_id)
            & (attempts.c.state == "answered")
            & (attempts.c.grade["grader"].as_string() == replaces)
            # The member has already said what they think of the grade they were shown: their
            # view stays attached to that grade.
            & attempts.c.self_assessment.is_(None)
        )
        update = (
            sa.update(attempts)
            .where(condition)
            .values(score=score, points=points, grade=grade)
            .returning(*attempts.c)
        )
        before = sa.select(attempts.c.points).where(attempts.c.id == attempt_id)

        def job(conn: sa.Connection) -> AttemptRecord | None:
            # Only the UPDATE that wins changes the points, so what it replaced is read here.
            points_before = conn.execute(before).scalar_one_or_none()
            row = conn.execute(update).mappings().first()
            if row is None or points_before is None:
                return None
            replaced = attempt_record(row)
            recount_attempt(conn, replaced, float(points_before))
            return replaced

        return await self._run.write(job, quick=True)

    async def earned_points(self, member_id: int, question_id: str, *, excluding: int) -> float:
        """The points this member has earned on this question in all other attempts (0: none).

        Each attempt stores what it added, so the sum is the best worth reached so far.
        """
        params = {"member_id": member_id, "question_id": question_id, "excluding": excluding}

        def job(conn: sa.Connection) -> float:
            return float(conn.execute(EARNED, params).scalar_one_or_none() or 0.0)

        return await self._run.read(job, quick=True)

    async def last_answered_attempt(self, member_id: int) -> AttemptRecord | None:
        """The member's most recently answered attempt (what "my grade was too low" is about)."""
        query = (
            sa.select(attempts)
            .where((attempts.c.member_id == member_id) & (attempts.c.state == "answered"))
            .order_by(attempts.c.finished_at.desc(), attempts.c.id.desc())
            .limit(1)
        )
        return await self._run.read(first_row(query, attempt_record), quick=True)

    async def pending_deadlines(self, limit: int = 1000) -> list[tuple[int, datetime]]:
        """(attempt id, deadline) of every attempt still waiting for an answer, soonest first."""
        query = (
            sa.select(attempts.c.id, attempts.c.deadline_at)
            .where(attempts.c.state == "asking")
            .order_by(attempts.c.deadline_at, attempts.c.id)
            .limit(limit)
        )

        def job(conn: sa.Connection) -> list[tuple[int, datetime]]:
            return [(row.id, row.deadline_at) for row in conn.execute(query)]

        return await self._run.read(job)

    async def seen_question_ids(self, member_id: int) -> set[str]:
        """Every question ever asked to this member (answered or not)."""
        query = (
            sa.select(attempts.c.question_id).where(attempts.c.member_id == member_id).distinct()
        )

        def job(conn: sa.Connection) -> set[str]:
            return set(conn.execute(query).scalars().all())

        return await self._run.read(job)

    async def set_self_assessment(self, attempt_id: int, value: str) -> bool:
        """The member's view of their grade ("too_low" / "too_high"); finished attempts only."""
        # A str (it comes straight from a button), checked here and by the schema's CHECK.
        if value not in SELF_ASSESSMENTS:
            raise ValueError(f"self assessment is one of {sorted(SELF_ASSESSMENTS)}, not {value!r}")
        update = (
            sa.update(attempts)
            .where((attempts.c.id == attempt_id) & (attempts.c.state != "asking"))
            .values(self_assessment=value)
        )

        def job(conn: sa.Connection) -> bool:
            return conn.execute(update).rowcount == 1

        return await self._run.write(job, quick=True)
