"""The Store contract, run against SQLite and PostgreSQL alike (see conftest.db_url)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storage import (
    ActiveSessionExists,
    AttemptPositionTaken,
    SessionNotActive,
    Store,
    open_store,
    upgrade_database,
)
from storage.models import (
    AttemptRecord,
    FinishedAttemptState,
    MemberKey,
    ReviewCard,
    SessionRecord,
)
from storage.tables import metadata

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=5)


def key(user: str = "u1", workspace: str = "w1", platform: str = "discord") -> MemberKey:
    return MemberKey(platform=platform, workspace_id=workspace, user_id=user)


async def new_member(store: Store, user: str = "u1", workspace: str = "w1", **kw: str) -> int:
    member = await store.get_or_create_member(key(user, workspace, **kw), display_name=user)
    return member.id


async def start(
    store: Store,
    member_id: int,
    *,
    now: datetime = T0,
    workspace: str = "w1",
    question_ids: list[str] | None = None,
) -> SessionRecord:
    session, _ = await store.start_session(
        member_id=member_id,
        platform="discord",
        workspace_id=workspace,
        channel_id="c1",
        thread_id="t1",
        topic="rag",
        difficulty=2,
        question_ids=question_ids or ["q1", "q2", "q3"],
        time_limit_s=int(LIMIT.total_seconds()),
        locale="zh-CN",
        now=now,
    )
    return session


async def ask(
    store: Store,
    session_id: str,
    position: int,
    *,
    question_id: str | None = None,
    topic: str = "rag",
    at: datetime = T0,
) -> AttemptRecord:
    return await store.ask(
        session_id=session_id,
        position=position,
        question_id=question_id or f"q{position + 1}",
        topic=topic,
        difficulty=2,
        asked_at=at,
        deadline_at=at + LIMIT,
    )


async def reload(store: Store, attempt_id: int) -> AttemptRecord:
    attempt = await store.get_attempt(attempt_id)
    assert attempt is not None
    return attempt


@dataclass(frozen=True)
class Done:
    """One finished question of a past session."""

    question_id: str
    topic: str
    at: datetime
    points: float = 0.0
    score: float | None = None
    state: FinishedAttemptState = "answered"


async def play(store: Store, member_id: int, done: list[Done], workspace: str = "w1") -> str:
    """A whole session: ask each question, finish it at its time, end the session."""
    session = await start(
        store, member_id, now=done[0].at - timedelta(minutes=1), workspace=workspace
    )
    for position, item in enumerate(done):
        attempt = await ask(
            store, session.id, position, question_id=item.question_id, topic=item.topic, at=item.at
        )
        finished = await store.finish_attempt(
            attempt.id,
            state=item.state,
            now=item.at,
            answer="…" if item.state == "answered" else None,
            score=item.score,
            points=item.points,
        )
        assert finished is not None
    assert await store.end_session(session.id, state="finished", now=done[-1].at)
    return session.id


# ---- members ---------------------------------------------------------------------------------


async def test_member_is_created_once_and_found_again(store: Store) -> None:
    first = await store.get_or_create_member(key(), display_name="Ann", now=T0)
    again = await store.get_or_create_member(key())
    renamed = await store.get_or_create_member(key(), display_name="Ann Lee")

    assert first.id == again.id == renamed.id
    assert (first.display_name, again.display_name, renamed.display_name) == (
        "Ann",
        "Ann",
        "Ann Lee",
    )
    assert first.created_at == T0
    assert first.locale is None


async def test_a_member_is_found_by_id_with_their_language(store: Store) -> None:
    ann = await store.get_or_create_member(key(), display_name="Ann", now=T0)
    await store.set_member_locale(ann.id, "en")

    found = await store.get_member(ann.id)

    assert found is not None
    assert (found.id, found.key, found.display_name, found.locale) == (ann.id, key(), "Ann", "en")
    assert await store.get_member(ann.id + 1000) is None


async def test_same_user_id_in_another_workspace_or_platform_is_another_member(
    store: Store,
) -> None:
    here = await store.get_or_create_member(key("u1", "w1", "discord"))
    other_workspace = await store.get_or_create_member(key("u1", "w2", "discord"))
    other_platform = await store.get_or_create_member(key("u1", "w1", "slack"))

    assert len({here.id, other_workspace.id, other_platform.id}) == 3


async def test_simultaneous_first_messages_create_one_member(store: Store) -> None:
    results = await asyncio.gather(*(store.get_or_create_member(key("new")) for _ in range(8)))

    assert len({member.id for member in results}) == 1


async def test_member_locale_is_remembered(store: Store) -> None:
    member_id = await new_member(store)

    await store.set_member_locale(member_id, "en")

    assert (await store.get_or_create_member(key())).locale == "en"


# ---- sessions --------------------------------------------------------------------------------


async def test_a_member_has_at_most_one_active_session(store: Store) -> None:
    member_id = await new_member(store)
    first = await start(store, member_id)

    with pytest.raises(ActiveSessionExists):
        await start(store, member_id)

    assert (await store.active_session(member_id)) == first


async def test_a_new_session_may_start_after_the_last_one_ended(store: Store) -> None:
    member_id = await new_member(store)
    first = await start(store, member_id)
    assert await store.end_session(first.id, state="stopped", now=T0 + timedelta(minutes=1))

    second = await start(store, member_id, now=T0 + timedelta(minutes=2))

    assert second.id != first.id
    assert (await store.active_session(member_id)) == second


async def test_the_same_person_in_another_workspace_may_have_a_session_at_once(
    store: Store,
) -> None:
    here = await new_member(store, "u1", "w1")
    there = await new_member(store, "u1", "w2")

    await start(store, here, workspace="w1")
    await start(store, there, workspace="w2")

    assert (await store.active_session(here)) is not None
    assert (await store.active_session(there)) is not None


async def test_two_simultaneous_starts_leave_one_active_session(store: Store) -> None:
    member_id = await new_member(store)

    results = await asyncio.gather(
        *(start(store, member_id) for _ in range(4)), return_exceptions=True
    )

    started = [r for r in results if isinstance(r, SessionRecord)]
    refused = [r for r in results if isinstance(r, ActiveSessionExists)]
    assert (len(started), len(refused)) == (1, 3)
    assert (await store.active_session(member_id)) == started[0]


async def test_new_session_is_stored_as_given(store: Store) -> None:
    member_id = await new_member(store)
    created = await start(store, member_id, question_ids=["b", "a", "c"])

    loaded = await store.get_session(created.id)

    assert loaded == created
    assert loaded.question_ids == ["b", "a", "c"]
    assert (loaded.state, loaded.current_index, loaded.ended_at) == ("active", 0, None)
    assert (loaded.channel_id, loaded.thread_id, loaded.locale) == ("c1", "t1", "zh-CN")
    assert await store.get_session("0" * 32) is None


async def test_ending_a_session_happens_once(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    end = T0 + timedelta(minutes=3)

    assert await store.end_session(session.id, state="finished", now=end) is True
    assert await store.end_session(session.id, state="stopped", now=end + LIMIT) is False

    loaded = await store.get_session(session.id)
    assert loaded is not None
    assert (loaded.state, loaded.ended_at) == ("finished", end)
    assert await store.active_session(member_id) is None


async def test_a_session_for_an_unknown_member_is_refused(store: Store) -> None:
    with pytest.raises(IntegrityError):
        await start(store, member_id=999_999)


# ---- asking and answering --------------------------------------------------------------------


async def test_asked_question_is_the_current_attempt_until_finished(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)

    first = await ask(store, session.id, 0)
    assert await store.current_attempt(session.id) == first
    assert (first.state, first.member_id, first.deadline_at) == ("asking", member_id, T0 + LIMIT)
    assert (first.hints_used, first.points, first.score, first.finished_at) == (0, 0.0, None, None)

    await store.finish_attempt(first.id, state="skipped", now=T0 + timedelta(seconds=30))
    assert await store.current_attempt(session.id) is None

    second = await ask(store, session.id, 1, at=T0 + timedelta(minutes=1))
    assert await store.current_attempt(session.id) == second
    reloaded = await store.get_session(session.id)
    assert reloaded is not None and reloaded.current_index == 1
    assert [a.position for a in await store.session_attempts(session.id)] == [0, 1]
    assert await store.get_attempt(second.id) == second
    assert await store.get_attempt(999_999) is None


async def test_a_position_is_asked_only_once(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    await ask(store, session.id, 0)

    with pytest.raises(AttemptPositionTaken):
        await ask(store, session.id, 0)

    assert len(await store.session_attempts(session.id)) == 1


async def test_no_question_is_asked_in_an_ended_session(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    await store.end_session(session.id, state="stopped", now=T0)

    with pytest.raises(SessionNotActive):
        await ask(store, session.id, 0)

    assert await store.session_attempts(session.id) == []


async def test_an_answer_is_scored_once(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)
    grade = {"score": 80.0, "grader": "offline", "version": "1", "covered": [{"point": "x"}]}
    at = T0 + timedelta(minutes=2)

    won = await store.finish_attempt(
        attempt.id, state="answered", now=at, answer="KV cache", score=80.0, points=8.0, grade=grade
    )
    again = await store.finish_attempt(
        attempt.id, state="answered", now=at, answer="other", score=100.0, points=10.0
    )

    assert won is not None and again is None
    assert (won.state, won.finished_at, won.answer, won.score, won.points, won.grade) == (
        "answered",
        at,
        "KV cache",
        80.0,
        8.0,
        grade,
    )
    assert await store.get_attempt(attempt.id) == won


async def test_expiry_waits_for_the_deadline(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)

    early = await store.finish_attempt(
        attempt.id, state="expired", now=T0 + LIMIT - timedelta(seconds=1), only_if_expired=True
    )
    assert early is None
    assert (await reload(store, attempt.id)).state == "asking"

    on_time = await store.finish_attempt(
        attempt.id, state="expired", now=T0 + LIMIT, only_if_expired=True
    )
    assert on_time is not None and on_time.state == "expired"


async def test_answer_racing_its_timeout_has_exactly_one_winner(db_url: str) -> None:
    # Two Store instances: like two bot processes (or a restart) sharing one database.
    first, second = await open_store(db_url), await open_store(db_url)
    try:
        member_id = await new_member(first)
        for round_ in range(6):
            at = T0 + timedelta(hours=round_)
            session = await start(first, member_id, now=at)
            attempt = await ask(first, session.id, 0, at=at)
            late = at + LIMIT  # the answer arrives just as time runs out

            answered, expired = await asyncio.gather(
                first.finish_attempt(
                    attempt.id, state="answered", now=late, answer="a", score=90.0, points=9.0
                ),
                second.finish_attempt(attempt.id, state="expired", now=late, only_if_expired=True),
            )

            winners = [r for r in (answered, expired) if r is not None]
            assert len(winners) == 1
            assert await first.get_attempt(attempt.id) == winners[0]
            await first.end_session(session.id, state="finished", now=late)
    finally:
        await first.close()
        await second.close()


async def test_hints_count_only_while_the_question_is_open(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)
    assert attempt.max_score == 100.0

    once = await store.use_hint(attempt.id, max_score=80.0)
    twice = await store.use_hint(attempt.id, max_score=60.0)
    assert once is not None and twice is not None
    assert (once.hints_used, once.max_score) == (1, 80.0)
    assert (twice.hints_used, twice.max_score) == (2, 60.0)

    await store.finish_attempt(attempt.id, state="answered", now=T0, score=50.0)
    assert await store.use_hint(attempt.id, max_score=40.0) is None
    assert (await reload(store, attempt.id)).hints_used == 2


async def test_pending_deadlines_list_open_questions_soonest_first(store: Store) -> None:
    ids = {}
    for user, minutes in (("late", 30), ("soon", 1), ("mid", 10), ("done", 0)):
        member_id = await new_member(store, user)
        session = await start(store, member_id)
        ids[user] = (await ask(store, session.id, 0, at=T0 + timedelta(minutes=minutes))).id
    await store.finish_attempt(ids["done"], state="answered", now=T0, score=10.0)

    pending = await store.pending_deadlines()

    assert pending == [
        (ids["soon"], T0 + timedelta(minutes=1) + LIMIT),
        (ids["mid"], T0 + timedelta(minutes=10) + LIMIT),
        (ids["late"], T0 + timedelta(minutes=30) + LIMIT),
    ]
    assert await store.pending_deadlines(limit=1) == pending[:1]


async def test_seen_questions_include_every_question_asked_to_the_member(store: Store) -> None:
    member_id = await new_member(store)
    other = await new_member(store, "u2")
    await play(store, member_id, [Done("q-a", "rag", T0), Done("q-b", "rag", T0, state="skipped")])
    session = await start(store, member_id, now=T0 + timedelta(hours=1))
    await ask(store, session.id, 0, question_id="q-c", at=T0 + timedelta(hours=1))
    await play(store, other, [Done("q-z", "rag", T0)])

    assert await store.seen_question_ids(member_id) == {"q-a", "q-b", "q-c"}
    assert await store.seen_question_ids(await new_member(store, "u3")) == set()


async def test_self_assessment_is_kept_for_finished_attempts_only(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)

    assert await store.set_self_assessment(attempt.id, "too_low") is False
    await store.finish_attempt(attempt.id, state="answered", now=T0, score=20.0)
    assert await store.set_self_assessment(attempt.id, "too_low") is True
    assert (await reload(store, attempt.id)).self_assessment == "too_low"
    with pytest.raises(ValueError):
        await store.set_self_assessment(attempt.id, "meh")


# ---- standings -------------------------------------------------------------------------------


async def test_leaderboard_ranks_points_and_shares_ranks_on_ties(store: Store) -> None:
    ann = await new_member(store, "ann")
    bob = await new_member(store, "bob")
    cat = await new_member(store, "cat")
    await play(
        store,
        ann,
        [
            Done("q1", "rag", T0 + timedelta(minutes=1), 10.0),
            Done("q2", "rag", T0 + timedelta(minutes=3), 5.0),
        ],
    )
    await play(store, bob, [Done("q1", "rag", T0 + timedelta(minutes=2), 15.0)])
    await play(
        store, cat, [Done("q1", "rag", T0, 7.0), Done("q2", "rag", T0, 0.0, state="expired")]
    )

    board = await store.leaderboard(platform="discord", workspace_id="w1", since=None)

    assert [(r.rank, r.user_id, r.points, r.attempts) for r in board] == [
        (1, "bob", 15.0, 1),  # same points as ann, reached them first
        (1, "ann", 15.0, 2),
        (3, "cat", 7.0, 2),
    ]
    assert board[0].display_name == "bob" and board[0].member_id == bob
    top = await store.leaderboard(platform="discord", workspace_id="w1", since=None, limit=2)
    assert [r.user_id for r in top] == ["bob", "ann"]


async def test_leaderboard_counts_only_the_period(store: Store) -> None:
    old_hand = await new_member(store, "old")
    newcomer = await new_member(store, "new")
    await play(store, old_hand, [Done("q1", "rag", T0 - timedelta(days=8), 100.0)])
    await play(store, old_hand, [Done("q2", "rag", T0 - timedelta(days=1), 1.0)])
    await play(store, newcomer, [Done("q1", "rag", T0, 5.0)])
    week_start = T0 - timedelta(days=7)

    week = await store.leaderboard(platform="discord", workspace_id="w1", since=week_start)
    all_time = await store.leaderboard(platform="discord", workspace_id="w1", since=None)
    future = await store.leaderboard(
        platform="discord", workspace_id="w1", since=T0 + timedelta(days=1)
    )

    assert [(r.user_id, r.points, r.attempts) for r in week] == [("new", 5.0, 1), ("old", 1.0, 1)]
    assert [(r.user_id, r.points) for r in all_time] == [("old", 101.0), ("new", 5.0)]
    assert future == []


async def test_leaderboard_shows_only_its_own_workspace(store: Store) -> None:
    here = await new_member(store, "here", "w1")
    elsewhere = await new_member(store, "there", "w2")
    slack_twin = await new_member(store, "twin", "w1", platform="slack")
    await play(store, here, [Done("q1", "rag", T0, 1.0)])
    await play(store, elsewhere, [Done("q1", "rag", T0, 50.0)], workspace="w2")
    await play(store, slack_twin, [Done("q1", "rag", T0, 70.0)])

    board = await store.leaderboard(platform="discord", workspace_id="w1", since=None)

    assert [r.user_id for r in board] == ["here"]
    assert await store.leaderboard(platform="discord", workspace_id="nobody", since=None) == []


async def test_unanswered_question_does_not_count_until_finished(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    await ask(store, session.id, 0)

    assert await store.leaderboard(platform="discord", workspace_id="w1", since=None) == []
    stats = await store.member_stats(member_id)
    assert (stats.attempts, stats.answered, stats.average_score, stats.by_topic) == (0, 0, 0.0, [])


async def test_member_stats_by_topic_weakest_first(store: Store) -> None:
    member_id = await new_member(store)
    other = await new_member(store, "u2")
    await play(
        store,
        member_id,
        [
            Done("r1", "rag", T0, 8.0, 80.0),
            Done("r2", "rag", T0, 6.0, 60.0),
            Done("p1", "prompting", T0, 9.0, 90.0),
            Done("p2", "prompting", T0, state="skipped"),
            Done("a1", "agents", T0, state="expired"),
        ],
    )
    session = await start(store, member_id, now=T0 + timedelta(hours=1))
    await ask(store, session.id, 0, topic="eval", at=T0 + timedelta(hours=1))  # still open
    await play(store, other, [Done("a1", "agents", T0, 10.0, 100.0)])

    stats = await store.member_stats(member_id)

    assert (stats.attempts, stats.answered, stats.points) == (5, 3, 23.0)
    assert stats.average_score == pytest.approx((80 + 60 + 90) / 5)
    assert [(t.topic, t.attempts, t.average_score) for t in stats.by_topic] == [
        ("agents", 1, 0.0),
        ("prompting", 2, 45.0),
        ("rag", 2, 70.0),
    ]


# ---- time, durability, migrations ------------------------------------------------------------


async def test_times_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2025, 3, 3, 17, 0, 0, 123456, tzinfo=shanghai)  # = T0 + 123456 µs
    member = await store.get_or_create_member(key(), now=local)
    session = await start(store, member.id, now=local)
    attempt = await ask(store, session.id, 0, at=local)

    loaded_session = await store.get_session(session.id)
    loaded_attempt = await store.get_attempt(attempt.id)
    assert loaded_session is not None and loaded_attempt is not None
    stamps = [
        member.created_at,
        session.created_at,
        loaded_session.created_at,
        loaded_attempt.asked_at,
        (await store.pending_deadlines())[0][1] - LIMIT,
    ]
    for stamp in stamps:
        assert stamp == T0 + timedelta(microseconds=123456)
        assert stamp.utcoffset() == timedelta(0)


async def test_naive_times_are_refused(store: Store) -> None:
    member_id = await new_member(store)

    with pytest.raises(ValueError):
        await start(store, member_id, now=datetime(2025, 3, 3, 9, 0))

    assert await store.active_session(member_id) is None


async def test_everything_survives_closing_and_reopening(db_url: str) -> None:
    store = await open_store(db_url)
    member_id = await new_member(store)
    await play(store, member_id, [Done("q1", "rag", T0, 7.0, 70.0)])
    session = await start(store, member_id, now=T0 + timedelta(hours=1))
    open_question = await ask(store, session.id, 0, at=T0 + timedelta(hours=1))
    await store.close()

    reopened = await open_store(db_url)
    try:
        assert await reopened.active_session(member_id) == session
        assert await reopened.current_attempt(session.id) == open_question
        assert await reopened.pending_deadlines() == [(open_question.id, open_question.deadline_at)]
        board = await reopened.leaderboard(platform="discord", workspace_id="w1", since=None)
        assert [(r.user_id, r.points) for r in board] == [("u1", 7.0)]
        # The deadline watcher of the restarted process can still expire the open question once.
        assert await reopened.finish_attempt(
            open_question.id, state="expired", now=open_question.deadline_at, only_if_expired=True
        )
    finally:
        await reopened.close()


def test_upgrade_database_can_run_repeatedly(
    db_url: str, run_private: Callable[[Coroutine[Any, Any, None]], None]
) -> None:
    upgrade_database(db_url)
    upgrade_database(db_url)

    async def check() -> None:
        async with await open_store(db_url) as store:
            assert await store.pending_deadlines() == []
            assert await store.get_or_create_member(key())

    run_private(check())


async def test_upgrade_database_works_when_called_inside_an_event_loop(db_url: str) -> None:
    upgrade_database(db_url)
    async with await open_store(db_url) as store:  # a second upgrade: already at head
        assert (await store.get_or_create_member(key())).id > 0
    upgrade_database(db_url)


def _schema_drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrations_build_the_schema_the_code_describes(store: Store) -> None:
    async with store.engine.connect() as conn:
        assert await conn.run_sync(_schema_drift) == []

        def check_names(sync: Connection) -> set[str]:
            inspector = sa.inspect(sync)
            return {
                c["name"] or ""
                for t in ("sessions", "attempts")
                for c in inspector.get_check_constraints(t)
            }

        assert await conn.run_sync(check_names) == {
            "ck_sessions_state",
            "ck_attempts_state",
            "ck_attempts_self_assessment",
        }


# ---- SQLite specifics ------------------------------------------------------------------------


async def test_sqlite_file_is_created_with_its_folder_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "not" / "there" / "yet.db"

    async with await open_store(f"sqlite:///{path}") as store, store.engine.connect() as conn:
        assert path.is_file()
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000


async def save_card(
    store: Store,
    member_id: int,
    question_id: str,
    *,
    card: dict[str, int],
    due_at: datetime,
    now: datetime,
) -> None:
    await store.save_review_cards(
        [
            ReviewCard(
                member_id=member_id,
                question_id=question_id,
                card=card,
                due_at=due_at,
                updated_at=now,
            )
        ]
    )


async def test_review_cards_are_upserted_and_listed_when_due(store: Store) -> None:
    member = await new_member(store)
    other = await new_member(store, user="u2")
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    await save_card(store, member, "q-late", card={"s": 1}, due_at=now - timedelta(days=2), now=now)
    await save_card(
        store, member, "q-soon", card={"s": 2}, due_at=now - timedelta(hours=1), now=now
    )
    await save_card(
        store, member, "q-future", card={"s": 3}, due_at=now + timedelta(days=1), now=now
    )
    await save_card(store, other, "q-other", card={"s": 4}, due_at=now - timedelta(days=9), now=now)

    assert await store.review_schedule(member) == [
        ("q-late", now - timedelta(days=2)),
        ("q-soon", now - timedelta(hours=1)),
        ("q-future", now + timedelta(days=1)),
    ]

    # Reviewing again replaces the one card for that question; it is no longer due.
    await save_card(store, member, "q-late", card={"s": 9}, due_at=now + timedelta(days=4), now=now)
    card = await store.get_review_card(member, "q-late")
    assert card is not None and card.card == {"s": 9} and card.due_at == now + timedelta(days=4)
    assert [q for q, _ in await store.review_schedule(member)] == ["q-soon", "q-future", "q-late"]
    assert await store.get_review_card(member, "q-missing") is None
    assert await store.review_schedule(await new_member(store, user="u3")) == []

    await store.delete_review_card(member, "q-soon")
    await store.delete_review_card(member, "q-missing")  # nothing there: fine
    assert [q for q, _ in await store.review_schedule(member)] == ["q-future", "q-late"]
    assert [q for q, _ in await store.review_schedule(other)] == ["q-other"]


async def test_a_second_opinion_replaces_only_the_grade_it_was_asked_about(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)
    offline = {"grader": "offline-keypoints", "score": 40.0}
    judged = {"grader": "llm-judge", "score": 70.0}

    # Not answered yet: nothing to replace.
    assert (
        await store.replace_grade(
            attempt.id, replaces="offline-keypoints", score=70.0, points=14.0, grade=judged
        )
        is None
    )
    await store.finish_attempt(
        attempt.id, state="answered", now=T0, answer="a", score=40.0, points=8.0, grade=offline
    )
    replaced = await store.replace_grade(
        attempt.id, replaces="offline-keypoints", score=70.0, points=14.0, grade=judged
    )
    assert replaced is not None and (replaced.score, replaced.points) == (70.0, 14.0)
    assert replaced.grade == judged
    # A second (late, repeated) refinement finds the grade is no longer the offline one.
    again = {"grader": "llm-judge", "score": 10.0}
    assert (
        await store.replace_grade(
            attempt.id, replaces="offline-keypoints", score=10.0, points=2.0, grade=again
        )
        is None
    )
    assert (await reload(store, attempt.id)).score == 70.0


async def test_a_second_opinion_never_replaces_a_grade_the_member_marked(store: Store) -> None:
    member_id = await new_member(store)
    session = await start(store, member_id)
    attempt = await ask(store, session.id, 0)
    offline = {"grader": "offline-keypoints", "score": 10.0}
    await store.finish_attempt(
        attempt.id, state="answered", now=T0, answer="a", score=10.0, points=2.0, grade=offline
    )
    assert await store.set_self_assessment(attempt.id, "too_low")
    judged = {"grader": "llm-judge", "score": 90.0}
    assert (
        await store.replace_grade(
            attempt.id, replaces="offline-keypoints", score=90.0, points=18.0, grade=judged
        )
        is None
    )
    kept = await reload(store, attempt.id)
    assert (kept.score, kept.grade, kept.self_assessment) == (10.0, offline, "too_low")


async def test_the_last_answered_attempt_is_the_newest_answered_one(store: Store) -> None:
    member_id = await new_member(store)
    assert await store.last_answered_attempt(member_id) is None
    await play(
        store,
        member_id,
        [
            Done("q-a", "rag", T0),
            Done("q-b", "rag", T0 + timedelta(minutes=1)),
            Done("q-c", "rag", T0 + timedelta(minutes=2), state="skipped"),
        ],
    )
    last = await store.last_answered_attempt(member_id)
    assert last is not None and last.question_id == "q-b"
    assert await store.last_answered_attempt(await new_member(store, "u2")) is None


async def test_earned_points_are_the_members_best_on_that_question_elsewhere(store: Store) -> None:
    member_id = await new_member(store)
    await play(
        store,
        member_id,
        [
            Done("q-a", "rag", T0, points=4.0, score=20.0),
            Done("q-a", "rag", T0 + timedelta(minutes=1), points=12.0, score=60.0),
            Done("q-b", "rag", T0 + timedelta(minutes=2), points=20.0, score=100.0),
        ],
    )
    other = await new_member(store, "u2")
    await play(store, other, [Done("q-a", "rag", T0, points=19.0, score=95.0)])
    session = await start(store, member_id, now=T0 + timedelta(hours=1))
    current = await ask(store, session.id, 0, question_id="q-a", at=T0 + timedelta(hours=1))

    assert await store.earned_points(member_id, "q-a", excluding=current.id) == 16.0
    assert await store.earned_points(member_id, "q-c", excluding=current.id) == 0.0


async def test_the_active_session_comes_with_its_open_attempt_in_one_read(store: Store) -> None:
    member_id = await new_member(store)
    assert await store.open_attempt(member_id) is None
    session = await start(store, member_id)
    found = await store.open_attempt(member_id)
    assert found is not None and found.session == session and found.attempt is None  # not asked

    first = await ask(store, session.id, 0)
    await store.finish_attempt(first.id, state="answered", now=T0, answer="a", score=50.0)
    second = await ask(store, session.id, 1)
    found = await store.open_attempt(member_id)
    assert found is not None and found.attempt == second

    await store.end_session(session.id, state="stopped", now=T0)
    assert await store.open_attempt(member_id) is None
    assert await store.open_attempt(await new_member(store, "u2")) is None


async def test_review_cards_are_read_and_written_in_batches(store: Store) -> None:
    ann, bob = await new_member(store, "ann"), await new_member(store, "bob")
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    await store.save_review_cards(
        [
            ReviewCard(member_id=ann, question_id="q1", card={"n": 1}, due_at=now, updated_at=now),
            ReviewCard(member_id=bob, question_id="q1", card={"n": 2}, due_at=now, updated_at=now),
        ]
    )
    later = now + timedelta(days=1)
    await store.save_review_cards(
        [ReviewCard(member_id=ann, question_id="q1", card={"n": 3}, due_at=later, updated_at=now)]
    )
    found = await store.get_review_cards([(ann, "q1"), (bob, "q1"), (ann, "q-none")])
    assert set(found) == {(ann, "q1"), (bob, "q1")}
    assert found[(ann, "q1")].card == {"n": 3} and found[(ann, "q1")].due_at == later
    assert await store.get_review_cards([]) == {}
    await store.save_review_cards([])  # nothing to write: fine
