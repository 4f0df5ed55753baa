"""The database failing under the bot: members are told to send again, never shown a grade that
was not stored, and the bot recovers by itself when the database answers again.

SQLite: the driver raises what it raises on a full disk ("database or disk is full") for every
write while the fault lasts (the only fake here, at the driver's edge). PostgreSQL: the server
really kills the bot's connections (`pg_terminate_backend`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from core_harness import GOOD, BotProcess, only

from bot.core.replies import ErrorNotice, Feedback, QuestionCard
from storage import Store


@contextmanager
def disk_full(store: Store) -> Iterator[None]:
    """Every write fails as on a full disk, until the block ends."""

    def refuse(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        # In place of the driver's cursor.execute: SQLAlchemy wraps it as it would the real one.
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")

    engines = store.engines()
    for engine in engines:
        sa.event.listen(engine.dialect, "do_execute", refuse)
    try:
        yield
    finally:
        for engine in engines:
            sa.event.remove(engine.dialect, "do_execute", refuse)


async def kill_connections(store: Store) -> None:
    """The server ends every connection the bot holds to this database."""
    async with store.engine.connect() as conn:
        await conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    # The connection above goes back to the pool alive; kill it too, from a fresh one.
    engine = sa.ext.asyncio.create_async_engine(store.engine.url, poolclass=sa.pool.NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await engine.dispose()


async def test_a_failed_write_says_send_again_and_the_next_try_is_graded(
    bot: BotProcess, db_url: str
) -> None:
    card = only(await bot.say("start rag 2 300"), QuestionCard)
    answer = GOOD[card.question_id]
    if db_url.startswith("sqlite"):
        with disk_full(bot.store):
            refused = await bot.say(answer)
    else:
        await kill_connections(bot.store)
        refused = await bot.say(answer)
    notice = only(refused, ErrorNotice)
    assert notice.code in ("answer_not_saved", "store_unavailable")
    assert not any(isinstance(r, Feedback) for r in refused)
    stored = await bot.store.get_attempt(card.attempt_id)
    assert stored is not None and stored.state == "asking" and stored.grade is None

    # No restart: the same answer, sent again, is graded and stored.
    graded = await bot.say(answer)
    feedback = only(graded, Feedback)
    assert feedback.attempt_id == card.attempt_id and feedback.outcome == "answered"
    stored = await bot.store.get_attempt(card.attempt_id)
    assert stored is not None and stored.state == "answered"
    assert stored.score == feedback.score


@pytest.mark.parametrize("members", [30])
async def test_a_fault_mid_burst_never_shows_a_grade_that_was_not_stored(
    bot: BotProcess, db_url: str, members: int
) -> None:
    users = [f"m{i}" for i in range(members)]
    cards = {u: only(await bot.say("start rag 2 300", user=u), QuestionCard) for u in users}

    async def answer(user: str) -> list[object]:
        return list(await bot.say(GOOD[cards[user].question_id], user=user))

    first = [asyncio.create_task(answer(u)) for u in users[: members // 2]]
    if db_url.startswith("sqlite"):
        with disk_full(bot.store):
            await asyncio.sleep(0)  # some answers are queued, some under way, when it fails
            during = await asyncio.gather(*(answer(u) for u in users[members // 2 :]))
    else:
        await kill_connections(bot.store)
        during = await asyncio.gather(*(answer(u) for u in users[members // 2 :]))
    replies = dict(zip(users, [*await asyncio.gather(*first), *during], strict=True))

    for user, said in replies.items():
        stored = await bot.store.get_attempt(cards[user].attempt_id)
        assert stored is not None
        shown = [r for r in said if isinstance(r, Feedback)]
        if shown:  # a grade shown is a grade stored, as shown
            assert stored.state == "answered" and stored.score == shown[0].score
        else:
            assert [r.code for r in said if isinstance(r, ErrorNotice)] in (
                ["answer_not_saved"],
                ["store_unavailable"],
            )
            assert stored.state == "asking" and stored.grade is None
            # It recovers by itself: sending again works.
            again = only(await answer(user), Feedback)
            stored = await bot.store.get_attempt(cards[user].attempt_id)
            assert stored is not None and stored.score == again.score
    refused = [u for u, said in replies.items() if not any(isinstance(r, Feedback) for r in said)]
    assert refused, "the fault hit no answer: the test proves nothing"
