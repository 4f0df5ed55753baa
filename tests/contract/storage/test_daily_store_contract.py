"""The daily challenge's part of the Store contract, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from daily_config import daily_values

from storage import Store
from storage.daily_answers import DailyAlreadyAnswered
from storage.daily_models import ChannelKey, DailyPostRecord, NewDailyPost
from storage.models import MemberKey
from storage.tables import attempts, sessions

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CHANNEL = ChannelKey(platform="discord", workspace_id="w1", channel_id="c1")


async def posted(store: Store) -> DailyPostRecord:
    values = daily_values()
    config = await store.save_daily_config(CHANNEL, values, now=T0)
    claim = NewDailyPost(
        config_id=config.id,
        **CHANNEL.model_dump(),
        local_date="2025-03-03",
        question_id="q1",
        topic="rag",
        difficulty=2,
        locale="zh-CN",
        due_at=T0,
        closes_at=T0 + timedelta(hours=24),
    )
    post = await store.claim_daily_post(claim, now=T0, lease_until=T0 + timedelta(minutes=1))
    assert post is not None
    sent = await store.record_daily_post_sent(post.id, message_id="m1", now=T0)
    assert sent is not None
    return sent


async def test_a_second_daily_answer_stores_nothing_at_all(store: Store) -> None:
    post = await posted(store)
    member = await store.get_or_create_member(
        MemberKey(platform="discord", workspace_id="w1", user_id="u1")
    )
    answer = {"locale": "zh-CN", "answer": "a", "score": 50.0, "points": 10.0, "grade": {}}
    await store.save_daily_answer(post, member_id=member.id, now=T0, **answer)
    with pytest.raises(DailyAlreadyAnswered):
        await store.save_daily_answer(post, member_id=member.id, now=T0, **answer)

    # The refused answer left no session or attempt behind (it would count on the boards).
    async with store.engine.connect() as conn:
        for table in (sessions, attempts):
            count = sa.select(sa.func.count()).select_from(table)
            assert (await conn.execute(count)).scalar_one() == 1, table.name
    board = await store.leaderboard(platform="discord", workspace_id="w1", since=None)
    assert [row.points for row in board] == [10.0]
    stored = await store.get_daily_post(post.id)
    assert stored is not None and stored.answers == 1
