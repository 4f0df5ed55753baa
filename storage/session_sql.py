"""The statements of sessions and attempts, built once, and the steps write jobs compose.

Building a statement and its cache key costs more than running it, so the hot paths' statements
are module constants with bound parameters. Parameters whose names would clash with a column's
are prefixed "b_" (an UPDATE would SET any other key that names a column).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from storage.base import DEFAULT_MAX_SCORE, attempt_record, aware_utc
from storage.errors import SessionNotActive
from storage.models import AttemptRecord, SessionRecord
from storage.prepared import Prepared
from storage.tables import attempts, sessions

# The states these statements compare with are written into the SQL, not bound: SQLite prepares
# a statement again whenever a bound value decides whether a partial index may be used (the one
# active session per member), and that re-preparing cost more than the rest of the query.
ACTIVE: sa.ColumnClause[str] = sa.literal_column("'active'")
ASKING: sa.ColumnClause[str] = sa.literal_column("'asking'")

SESSION = Prepared(sa.select(sessions).where(sessions.c.id == sa.bindparam("session_id")))
ACTIVE_SESSION = sa.select(sessions).where(
    (sessions.c.member_id == sa.bindparam("member_id")) & (sessions.c.state == ACTIVE)
)
_EARLIER = attempts.alias("earlier")
# What the member earned on the open attempt's question in their other attempts (see
# `earned_points`), read with the attempt itself: an answer needs both.
_EARNED_BEFORE = (
    sa.select(sa.func.coalesce(sa.func.sum(_EARLIER.c.points), 0.0))
    .where(
        (_EARLIER.c.member_id == attempts.c.member_id)
        & (_EARLIER.c.question_id == attempts.c.question_id)
        & (_EARLIER.c.id != attempts.c.id)
    )
    .correlate(attempts)
    .scalar_subquery()
    .label("earned_before")
)
OPEN = Prepared(
    sa.select(sessions, attempts, _EARNED_BEFORE)
    .join_from(
        sessions,
        attempts,
        (attempts.c.session_id == sessions.c.id) & (attempts.c.state == ASKING),
        isouter=True,
    )
    .where((sessions.c.member_id == sa.bindparam("member_id")) & (sessions.c.state == ACTIVE))
    .order_by(attempts.c.position.desc())
    .limit(1)
    .set_label_style(sa.LABEL_STYLE_TABLENAME_PLUS_COL)
)
END_SESSION = (
    sa.update(sessions)
    .where((sessions.c.id == sa.bindparam("b_id")) & (sessions.c.state == ACTIVE))
    .values(state=sa.bindparam("b_state"), ended_at=sa.bindparam("b_now"))
)
_ADVANCE = Prepared(
    sa.update(sessions)
    .where((sessions.c.id == sa.bindparam("b_session")) & (sessions.c.state == ACTIVE))
    .values(current_index=sa.bindparam("b_position"))
    .returning(sessions.c.member_id)
)


# A new session: every value is one the caller chose, so nothing needs to come back.
START_SESSION = Prepared(
    sa.insert(sessions).values(
        id=sa.bindparam("b_id"),
        member_id=sa.bindparam("b_member"),
        platform=sa.bindparam("b_platform"),
        workspace_id=sa.bindparam("b_workspace"),
        channel_id=sa.bindparam("b_channel"),
        thread_id=sa.bindparam("b_thread"),
        state="active",
        topic=sa.bindparam("b_topic"),
        difficulty=sa.bindparam("b_difficulty"),
        question_ids=sa.bindparam("b_question_ids"),
        time_limit_s=sa.bindparam("b_time_limit"),
        current_index=0,
        locale=sa.bindparam("b_locale"),
        created_at=sa.bindparam("b_now"),
    )
)


def start_params(session: SessionRecord) -> dict[str, Any]:
    """START_SESSION's parameters for a new session."""
    return {
        "b_id": session.id,
        "b_member": session.member_id,
        "b_platform": session.platform,
        "b_workspace": session.workspace_id,
        "b_channel": session.channel_id,
        "b_thread": session.thread_id,
        "b_topic": session.topic,
        "b_difficulty": session.difficulty,
        "b_question_ids": session.question_ids,
        "b_time_limit": session.time_limit_s,
        "b_locale": session.locale,
        "b_now": session.created_at,
    }


# A plain INSERT (a dialect's INSERT … ON CONFLICT has no cache key in SQLAlchemy: it would be
# compiled again for every question). The unique key on (session, position) still says no to a
# second ask of one position; since the next question is asked in the same transaction that
# won the previous one's conditional UPDATE, only a legacy or hand-made state can meet it.
# Only the new id comes back: every other value of the new attempt is one this module sets.
_ASK = Prepared(
    sa.insert(attempts)
    .values(
        session_id=sa.bindparam("b_session"),
        member_id=sa.bindparam("b_member"),
        question_id=sa.bindparam("b_question"),
        topic=sa.bindparam("b_topic"),
        difficulty=sa.bindparam("b_difficulty"),
        position=sa.bindparam("b_position"),
        state="asking",
        asked_at=sa.bindparam("b_asked"),
        deadline_at=sa.bindparam("b_deadline"),
        max_score=DEFAULT_MAX_SCORE,
        hints_used=0,
        points=0.0,
    )
    .returning(attempts.c.id)
)
ATTEMPT = sa.select(attempts).where(attempts.c.id == sa.bindparam("attempt_id"))
CURRENT_ATTEMPT = (
    sa.select(attempts)
    .where((attempts.c.session_id == sa.bindparam("session_id")) & (attempts.c.state == ASKING))
    .order_by(attempts.c.position.desc())
    .limit(1)
)
SESSION_ATTEMPTS = (
    sa.select(attempts)
    .where(attempts.c.session_id == sa.bindparam("session_id"))
    .order_by(attempts.c.position)
)
_FINISH_VALUES: dict[str, Any] = {
    "state": sa.bindparam("b_state"),
    "finished_at": sa.bindparam("b_now"),
    "answer": sa.bindparam("b_answer"),
    "score": sa.bindparam("b_score"),
    "points": sa.bindparam("b_points"),
    "grade": sa.bindparam("b_grade"),
}
_ASKING = (attempts.c.id == sa.bindparam("b_id")) & (attempts.c.state == ASKING)
# Closing returns the row without the answer and grade it was just given (see `closed_record`):
# reading back a grade's JSON costs more than the rest of the row.
_CLOSED = [c for c in attempts.c if c.name not in ("answer", "grade")]
FINISH_ATTEMPT = Prepared(
    sa.update(attempts).where(_ASKING).values(**_FINISH_VALUES).returning(*_CLOSED)
)
EXPIRE_ATTEMPT = Prepared(
    sa.update(attempts)
    .where(_ASKING & (attempts.c.deadline_at <= sa.bindparam("b_now")))
    .values(**_FINISH_VALUES)
    .returning(*_CLOSED)
)
EARNED = sa.select(sa.func.sum(attempts.c.points)).where(
    (attempts.c.member_id == sa.bindparam("member_id"))
    & (attempts.c.question_id == sa.bindparam("question_id"))
    & (attempts.c.id != sa.bindparam("excluding"))
)


def closed_record(row: Mapping[str, Any], params: dict[str, Any]) -> AttemptRecord:
    """The attempt FINISH_ATTEMPT / EXPIRE_ATTEMPT closed: its row, and the answer and grade
    that `params` gave it."""
    return AttemptRecord.model_validate(
        {**row, "answer": params["b_answer"], "grade": params["b_grade"]}
    )


def ask_in(
    conn: sa.Connection, session_id: str, position: int, question: NextQuestion, now: datetime
) -> AttemptRecord:
    """Within a write job: move the session to `position` and ask `question` there at `now`.

    Raises SessionNotActive if the session is missing or over; IntegrityError if that
    position was asked already (the unique key on session and position).
    """
    # Only its own parameters: an UPDATE would SET any other key that names a column.
    advance = {"b_session": session_id, "b_position": position}
    advanced = _ADVANCE.rows(conn, advance)
    if not advanced:
        raise SessionNotActive(session_id)
    member_id = advanced[0][0]
    deadline_at = aware_utc(question.deadline_at, "deadline_at")
    values = {
        **advance,
        "b_member": member_id,
        "b_question": question.question_id,
        "b_topic": question.topic,
        "b_difficulty": question.difficulty,
        "b_asked": now,
        "b_deadline": deadline_at,
    }
    attempt_id = _ASK.rows(conn, values)[0][0]
    return AttemptRecord(
        id=attempt_id,
        session_id=session_id,
        member_id=member_id,
        question_id=question.question_id,
        topic=question.topic,
        difficulty=question.difficulty,
        position=position,
        state="asking",
        asked_at=aware_utc(now, "now"),
        deadline_at=deadline_at,
        finished_at=None,
        answer=None,
        score=None,
        max_score=DEFAULT_MAX_SCORE,
        hints_used=0,
        points=0.0,
        grade=None,
        self_assessment=None,
    )


@dataclass(frozen=True)
class OpenAttempt:
    """A member's active session, its open attempt, and what they earned on it before."""

    session: SessionRecord
    attempt: AttemptRecord | None
    earned_before: float


@dataclass(frozen=True)
class NextQuestion:
    """The question to ask after a finished attempt."""

    question_id: str
    topic: str
    difficulty: int
    deadline_at: datetime
    # Called inside the transaction, before its COMMIT makes the question visible to readers.
    on_asked: Callable[[AttemptRecord], None] | None = None


# What follows a finished attempt: the next question, or the session ends ("finished": it was
# the last; "stopped": its next question is no longer in the bank).
Then = NextQuestion | Literal["finished", "stopped"]


@dataclass(frozen=True)
class Moved:
    """What `finish_and_move` did, all in one transaction."""

    finished: AttemptRecord | None  # None: the attempt was closed already (this call lost)
    asked: AttemptRecord | None = None  # the next question's attempt
    ended: Literal["finished", "stopped"] | None = None  # the session ended with this
    attempts: list[AttemptRecord] | None = None  # the session's attempts once it ended


def move_on(conn: sa.Connection, finished: AttemptRecord, then: Then, now: datetime) -> Moved:
    """Within a write job: ask the next question or end the session."""
    session_id = finished.session_id
    if isinstance(then, NextQuestion):
        try:
            asked = ask_in(conn, session_id, finished.position + 1, then, now)
            if then.on_asked is not None:
                then.on_asked(asked)
            return Moved(finished, asked=asked)
        except SessionNotActive:
            ended: Literal["finished", "stopped"] = "stopped"  # stopped meanwhile
    else:
        conn.execute(END_SESSION, {"b_id": session_id, "b_state": then, "b_now": now})
        ended = then
    rows = conn.execute(SESSION_ATTEMPTS, {"session_id": session_id}).mappings()
    return Moved(finished, ended=ended, attempts=[attempt_record(row) for row in rows])
