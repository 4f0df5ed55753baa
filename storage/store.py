"""The Store: every read and write the bot makes, as short transactions on an async engine.

State changes that must happen once (finishing an attempt, ending a session, taking a hint)
are single conditional UPDATEs; the row count / RETURNING says whether this call won, so a
restart, a second process or an answer racing its own timeout can never score twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, get_args

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.engine import make_engine
from storage.errors import ActiveSessionExists, AttemptPositionTaken, SessionNotActive
from storage.migrate import upgrade_engine
from storage.models import (
    AttemptRecord,
    BoardRow,
    EndedSessionState,
    FinishedAttemptState,
    Member,
    MemberKey,
    MemberStats,
    ReviewCard,
    SelfAssessment,
    SessionRecord,
    TopicStat,
)
from storage.tables import ONE_ACTIVE_SESSION_INDEX, attempts, members, review_cards, sessions

DEFAULT_MAX_SCORE = 100.0

_FINISHED_STATES: frozenset[str] = frozenset(get_args(FinishedAttemptState))
_ENDED_STATES: frozenset[str] = frozenset(get_args(EndedSessionState))
_SELF_ASSESSMENTS: frozenset[str] = frozenset(get_args(SelfAssessment))


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _violates(error: IntegrityError, *markers: str) -> bool:
    # PostgreSQL names the index/constraint; SQLite names the columns ("UNIQUE constraint
    # failed: sessions.member_id"). Either appears in the driver's message.
    message = str(error.orig)
    return any(marker in message for marker in markers)


def _member(row: RowMapping) -> Member:
    return Member.model_validate(dict(row))


def _session(row: RowMapping) -> SessionRecord:
    return SessionRecord.model_validate(dict(row))


def _attempt(row: RowMapping) -> AttemptRecord:
    return AttemptRecord.model_validate(dict(row))


def _columns(row: RowMapping, table: sa.Table) -> dict[str, Any]:
    """One table's columns out of a row labelled `<table>_<column>`."""
    return {column.name: row[f"{table.name}_{column.name}"] for column in table.c}


class Store:
    """Typed access to members, interview sessions and attempts. Build it with open_store."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # A single statement is atomic on its own. On PostgreSQL, running it without
        # BEGIN/COMMIT saves two round trips on the hot paths; SQLite (pysqlite) already
        # opens a transaction only around writes, so it keeps the plain engine.
        if engine.dialect.name == "postgresql":
            self._one = engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            self._one = engine
        # SQLite has one writer. Its busy handler makes a blocked writer sleep in growing steps,
        # which under load turns into latency spikes; queueing this process's writes on a lock
        # keeps them back to back. Other processes still meet busy_timeout.
        self._writer: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def close(self) -> None:
        await self._engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ---- members -------------------------------------------------------------------------

    async def get_or_create_member(
        self, key: MemberKey, display_name: str | None = None, *, now: datetime | None = None
    ) -> Member:
        """The member for `key`, created on first sight. A new display name is remembered.

        `now` stamps created_at for a new member (defaults to the current time).
        """
        where = (
            (members.c.platform == key.platform)
            & (members.c.workspace_id == key.workspace_id)
            & (members.c.user_id == key.user_id)
        )
        async with self._write() as conn:
            row = (await conn.execute(sa.select(members).where(where))).mappings().first()
            if row is None:
                insert = (
                    self._insert(members)
                    .values(
                        platform=key.platform,
                        workspace_id=key.workspace_id,
                        user_id=key.user_id,
                        display_name=display_name,
                        created_at=_utc(now, "now") if now is not None else datetime.now(UTC),
                    )
                    # Two first messages from one person at once: the loser reads the winner's row.
                    .on_conflict_do_nothing()
                    .returning(*members.c)
                )
                row = (await conn.execute(insert)).mappings().first()
                if row is None:
                    row = (await conn.execute(sa.select(members).where(where))).mappings().one()
            if display_name is not None and row["display_name"] != display_name:
                update = (
                    sa.update(members)
                    .where(members.c.id == row["id"])
                    .values(display_name=display_name)
                    .returning(*members.c)
                )
                row = (await conn.execute(update)).mappings().one()
        return _member(row)

    async def set_member_locale(self, member_id: int, locale: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                sa.update(members).where(members.c.id == member_id).values(locale=locale)
            )

    # ---- sessions ------------------------------------------------------------------------

    async def create_session(
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
    ) -> SessionRecord:
        """Start an active session. Raises ActiveSessionExists if the member already has one."""
        insert = (
            sa.insert(sessions)
            .values(
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
                created_at=_utc(now, "now"),
                ended_at=None,
            )
            .returning(*sessions.c)
        )
        try:
            async with self._write() as conn:
                row = (await conn.execute(insert)).mappings().one()
        except IntegrityError as error:
            if _violates(error, ONE_ACTIVE_SESSION_INDEX, "sessions.member_id"):
                raise ActiveSessionExists(member_id) from error
            raise
        return _session(row)

    async def get_session(self, session_id: str) -> SessionRecord | None:
        async with self._one.connect() as conn:
            query = sa.select(sessions).where(sessions.c.id == session_id)
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _session(row)

    async def active_session(self, member_id: int) -> SessionRecord | None:
        query = sa.select(sessions).where(
            (sessions.c.member_id == member_id) & (sessions.c.state == "active")
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _session(row)

    async def active_session_and_attempt(
        self, member_id: int
    ) -> tuple[SessionRecord, AttemptRecord | None] | None:
        """The member's active session and its attempt waiting for an answer, in one query
        (every answer, hint, skip and status starts here)."""
        query = (
            sa.select(sessions, attempts)
            .join_from(
                sessions,
                attempts,
                (attempts.c.session_id == sessions.c.id) & (attempts.c.state == "asking"),
                isouter=True,
            )
            .where((sessions.c.member_id == member_id) & (sessions.c.state == "active"))
            .order_by(attempts.c.position.desc())
            .limit(1)
            .set_label_style(sa.LABEL_STYLE_TABLENAME_PLUS_COL)
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        session = SessionRecord.model_validate(_columns(row, sessions))
        if row["attempts_id"] is None:
            return session, None
        return session, AttemptRecord.model_validate(_columns(row, attempts))

    async def end_session(
        self, session_id: str, *, state: EndedSessionState, now: datetime
    ) -> bool:
        """Finish or stop an active session. True if this call ended it."""
        if state not in _ENDED_STATES:
            raise ValueError(f"a session ends as one of {sorted(_ENDED_STATES)}, not {state!r}")
        update = (
            sa.update(sessions)
            .where((sessions.c.id == session_id) & (sessions.c.state == "active"))
            .values(state=state, ended_at=_utc(now, "now"))
        )
        async with self._write() as conn:
            result = await conn.execute(update)
        return result.rowcount == 1

    # ---- attempts ------------------------------------------------------------------------

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
        advance = (
            sa.update(sessions)
            .where((sessions.c.id == session_id) & (sessions.c.state == "active"))
            .values(current_index=position)
            .returning(sessions.c.member_id)
        )
        try:
            async with self._write(self._engine) as conn:
                member_id = (await conn.execute(advance)).scalar_one_or_none()
                if member_id is None:
                    raise SessionNotActive(session_id)
                insert = (
                    sa.insert(attempts)
                    .values(
                        session_id=session_id,
                        member_id=member_id,
                        question_id=question_id,
                        topic=topic,
                        difficulty=difficulty,
                        position=position,
                        state="asking",
                        asked_at=_utc(asked_at, "asked_at"),
                        deadline_at=_utc(deadline_at, "deadline_at"),
                        max_score=DEFAULT_MAX_SCORE,
                        hints_used=0,
                        points=0.0,
                    )
                    .returning(*attempts.c)
                )
                row = (await conn.execute(insert)).mappings().one()
        except IntegrityError as error:
            if _violates(error, "uq_attempts_session_id_position", "attempts.session_id"):
                raise AttemptPositionTaken(session_id, position) from error
            raise
        return _attempt(row)

    async def current_attempt(self, session_id: str) -> AttemptRecord | None:
        """The session's attempt still waiting for an answer, if any."""
        query = (
            sa.select(attempts)
            .where((attempts.c.session_id == session_id) & (attempts.c.state == "asking"))
            .order_by(attempts.c.position.desc())
            .limit(1)
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _attempt(row)

    async def get_attempt(self, attempt_id: int) -> AttemptRecord | None:
        query = sa.select(attempts).where(attempts.c.id == attempt_id)
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _attempt(row)

    async def session_attempts(self, session_id: str) -> list[AttemptRecord]:
        query = (
            sa.select(attempts)
            .where(attempts.c.session_id == session_id)
            .order_by(attempts.c.position)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_attempt(row) for row in rows]

    async def use_hint(self, attempt_id: int, *, max_score: float) -> AttemptRecord | None:
        """Count a hint and lower the attainable score; None once the attempt is finished."""
        update = (
            sa.update(attempts)
            .where((attempts.c.id == attempt_id) & (attempts.c.state == "asking"))
            .values(hints_used=attempts.c.hints_used + 1, max_score=max_score)
            .returning(*attempts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _attempt(row)

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
        if state not in _FINISHED_STATES:
            raise ValueError(f"an attempt finishes as one of {sorted(_FINISHED_STATES)}")
        now = _utc(now, "now")
        condition = (attempts.c.id == attempt_id) & (attempts.c.state == "asking")
        if only_if_expired:
            condition = condition & (attempts.c.deadline_at <= now)
        update = (
            sa.update(attempts)
            .where(condition)
            .values(
                state=state,
                finished_at=now,
                answer=answer,
                score=score,
                points=points,
                grade=grade,
            )
            .returning(*attempts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _attempt(row)

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
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _attempt(row)

    async def earned_points(self, member_id: int, question_id: str, *, excluding: int) -> float:
        """The points this member has earned on this question in all other attempts (0: none).

        Each attempt stores what it added, so the sum is the best worth reached so far.
        """
        query = sa.select(sa.func.sum(attempts.c.points)).where(
            (attempts.c.member_id == member_id)
            & (attempts.c.question_id == question_id)
            & (attempts.c.id != excluding)
        )
        async with self._one.connect() as conn:
            best = (await conn.execute(query)).scalar_one_or_none()
        return float(best or 0.0)

    async def last_answered_attempt(self, member_id: int) -> AttemptRecord | None:
        """The member's most recently answered attempt (what "my grade was too low" is about)."""
        query = (
            sa.select(attempts)
            .where((attempts.c.member_id == member_id) & (attempts.c.state == "answered"))
            .order_by(attempts.c.finished_at.desc(), attempts.c.id.desc())
            .limit(1)
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _attempt(row)

    async def pending_deadlines(self, limit: int = 1000) -> list[tuple[int, datetime]]:
        """(attempt id, deadline) of every attempt still waiting for an answer, soonest first."""
        query = (
            sa.select(attempts.c.id, attempts.c.deadline_at)
            .where(attempts.c.state == "asking")
            .order_by(attempts.c.deadline_at, attempts.c.id)
            .limit(limit)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(row.id, row.deadline_at) for row in rows]

    async def seen_question_ids(self, member_id: int) -> set[str]:
        """Every question ever asked to this member (answered or not)."""
        query = (
            sa.select(attempts.c.question_id).where(attempts.c.member_id == member_id).distinct()
        )
        async with self._one.connect() as conn:
            return set((await conn.execute(query)).scalars().all())

    async def set_self_assessment(self, attempt_id: int, value: str) -> bool:
        """The member's view of their grade ("too_low" / "too_high"); finished attempts only."""
        # A str (it comes straight from a button), checked here and by the schema's CHECK.
        if value not in _SELF_ASSESSMENTS:
            raise ValueError(
                f"self assessment is one of {sorted(_SELF_ASSESSMENTS)}, not {value!r}"
            )
        update = (
            sa.update(attempts)
            .where((attempts.c.id == attempt_id) & (attempts.c.state != "asking"))
            .values(self_assessment=value)
        )
        async with self._write() as conn:
            result = await conn.execute(update)
        return result.rowcount == 1

    # ---- standings -----------------------------------------------------------------------

    async def leaderboard(
        self,
        *,
        platform: str,
        workspace_id: str,
        since: datetime | None,
        limit: int = 10,
    ) -> list[BoardRow]:
        """Points of finished attempts per member of one workspace, finished at or after `since`.

        Members with equal points share a rank; among them, whoever reached the total first
        (earliest last finished attempt) is listed first.
        """
        conditions = [
            members.c.platform == platform,
            members.c.workspace_id == workspace_id,
            attempts.c.finished_at.is_not(None),
        ]
        if since is not None:
            conditions.append(attempts.c.finished_at >= _utc(since, "since"))
        totals = (
            sa.select(
                attempts.c.member_id,
                sa.func.sum(attempts.c.points).label("points"),
                sa.func.count().label("attempts"),
                sa.func.max(attempts.c.finished_at).label("last_at"),
            )
            .select_from(attempts.join(members, members.c.id == attempts.c.member_id))
            .where(*conditions)
            .group_by(attempts.c.member_id)
            .subquery()
        )
        query = (
            sa.select(
                sa.func.rank().over(order_by=totals.c.points.desc()).label("rank"),
                totals.c.member_id,
                members.c.user_id,
                members.c.display_name,
                totals.c.points,
                totals.c.attempts,
            )
            .join_from(totals, members, members.c.id == totals.c.member_id)
            .order_by(totals.c.points.desc(), totals.c.last_at, totals.c.member_id)
            .limit(limit)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [BoardRow.model_validate(dict(row)) for row in rows]

    async def member_stats(self, member_id: int) -> MemberStats:
        """Totals over the member's finished attempts, and per topic, weakest topic first."""
        answered = sa.case((attempts.c.state == "answered", 1), else_=0)
        query = (
            sa.select(
                attempts.c.topic,
                sa.func.count().label("attempts"),
                sa.func.sum(answered).label("answered"),
                sa.func.sum(sa.func.coalesce(attempts.c.score, 0.0)).label("score_sum"),
                sa.func.sum(attempts.c.points).label("points"),
            )
            .where((attempts.c.member_id == member_id) & attempts.c.finished_at.is_not(None))
            .group_by(attempts.c.topic)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).all()
        total = sum(int(row.attempts) for row in rows)
        score_sum = sum(float(row.score_sum) for row in rows)
        by_topic = sorted(
            (
                TopicStat(
                    topic=row.topic,
                    attempts=int(row.attempts),
                    average_score=float(row.score_sum) / int(row.attempts),
                )
                for row in rows
            ),
            key=lambda stat: (stat.average_score, stat.topic),
        )
        return MemberStats(
            attempts=total,
            answered=sum(int(row.answered) for row in rows),
            average_score=score_sum / total if total else 0.0,
            points=sum(float(row.points) for row in rows),
            by_topic=by_topic,
        )

    # ---- review schedule -----------------------------------------------------------------

    async def get_review_card(self, member_id: int, question_id: str) -> ReviewCard | None:
        query = sa.select(review_cards).where(
            (review_cards.c.member_id == member_id) & (review_cards.c.question_id == question_id)
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return ReviewCard.model_validate(dict(row)) if row else None

    async def get_review_cards(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], ReviewCard]:
        """The cards of these (member, question) pairs that exist, in one read."""
        wanted = sorted(set(pairs))
        if not wanted:
            return {}
        query = sa.select(review_cards).where(
            sa.tuple_(review_cards.c.member_id, review_cards.c.question_id).in_(wanted)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        cards = [ReviewCard.model_validate(dict(row)) for row in rows]
        return {(card.member_id, card.question_id): card for card in cards}

    async def save_review_cards(self, cards: Sequence[ReviewCard]) -> None:
        """Insert or replace many cards in one transaction (the review queue writes in batches:
        one SQLite commit for many reviews instead of one each)."""
        if not cards:
            return
        insert = self._insert(review_cards)
        upsert = insert.on_conflict_do_update(
            index_elements=[review_cards.c.member_id, review_cards.c.question_id],
            set_={k: insert.excluded[k] for k in ("card", "due_at", "updated_at")},
        )
        rows = [
            {
                "member_id": card.member_id,
                "question_id": card.question_id,
                "card": card.card,
                "due_at": _utc(card.due_at, "due_at"),
                "updated_at": _utc(card.updated_at, "updated_at"),
            }
            for card in cards
        ]
        async with self._write() as conn:
            await conn.execute(upsert, rows)

    async def review_schedule(self, member_id: int) -> list[tuple[str, datetime]]:
        """(question id, due) of every card this member has, soonest first.

        A member has at most one card per question of the bank: a short list, filtered by the
        core (topic, questions still in the bank) rather than in SQL.
        """
        query = (
            sa.select(review_cards.c.question_id, review_cards.c.due_at)
            .where(review_cards.c.member_id == member_id)
            .order_by(review_cards.c.due_at, review_cards.c.question_id)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(row.question_id, row.due_at) for row in rows]

    async def delete_review_card(self, member_id: int, question_id: str) -> None:
        """Nothing to review any more (a corrected grade shows the question was answered well)."""
        delete = sa.delete(review_cards).where(
            (review_cards.c.member_id == member_id) & (review_cards.c.question_id == question_id)
        )
        async with self._write() as conn:
            await conn.execute(delete)

    # ---- helpers -------------------------------------------------------------------------

    @asynccontextmanager
    async def _write(self, engine: AsyncEngine | None = None) -> AsyncIterator[AsyncConnection]:
        """A write transaction; on SQLite, one of this process's at a time."""
        target = engine or self._one
        if self._writer is None:
            async with target.begin() as conn:
                yield conn
            return
        async with self._writer, target.begin() as conn:
            yield conn

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        # ON CONFLICT is dialect-specific in SQLAlchemy; both dialects spell it the same way.
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)


async def open_store(url: str) -> Store:
    """Open the database at `url`, bring its schema to the newest migration, return a Store.

    SQLite files get their parent folder created and run in WAL mode with a busy timeout.
    """
    engine = make_engine(url)
    try:
        await upgrade_engine(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine)
