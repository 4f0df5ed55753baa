"""The weekly digest's part of the Store contract, on SQLite and PostgreSQL alike: a week is
claimed once, however many try at once; a dead claim is taken over by one caller; an empty
week is recorded so nobody tries it again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from daily_config import daily_values

from storage import Store
from storage.daily_models import ChannelKey
from storage.digest_models import NewDigest

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # a Monday
CHANNEL = ChannelKey(platform="discord", workspace_id="w1", channel_id="c1")
LEASE = timedelta(seconds=60)


async def new_digest(store: Store) -> NewDigest:
    values = daily_values(digest=True)
    config = await store.save_daily_config(CHANNEL, values, now=T0)
    return NewDigest(
        config_id=config.id,
        **CHANNEL.model_dump(),
        week_start="2025-03-10",
        timezone="UTC",
        locale="zh-CN",
        due_at=T0,
        closes_at=T0 + timedelta(days=1),
    )


async def test_a_week_is_claimed_once_however_many_try_at_once(store: Store) -> None:
    digest = await new_digest(store)
    claims = await asyncio.gather(
        *(store.claim_digest(digest, now=T0, lease_until=T0 + LEASE) for _ in range(8))
    )
    assert sum(claim is not None for claim in claims) == 1
    assert await store.claimed_digest_weeks({"2025-03-10"}) == {
        ("discord", "w1", "c1", "2025-03-10")
    }
    assert await store.claimed_digest_weeks({"2025-03-17"}) == set()


async def test_a_dead_claim_is_taken_over_by_one_caller_after_its_lease(store: Store) -> None:
    digest = await new_digest(store)
    claim = await store.claim_digest(digest, now=T0, lease_until=T0 + LEASE)
    assert claim is not None
    assert await store.digests_to_resume(T0 + timedelta(seconds=30)) == []
    later = T0 + timedelta(seconds=61)
    (dead,) = await store.digests_to_resume(later)
    taken = await asyncio.gather(
        *(store.take_over_digest(dead.id, now=later, lease_until=later + LEASE) for _ in range(4))
    )
    assert sum(t is not None for t in taken) == 1
    sent = await store.record_digest_sent(dead.id, message_id="m1", now=later)
    assert sent is not None and sent.state == "posted" and sent.message_id == "m1"
    assert await store.digests_to_resume(later + timedelta(hours=1)) == []


async def test_an_empty_week_and_a_too_late_claim_are_never_tried_again(store: Store) -> None:
    digest = await new_digest(store)
    claim = await store.claim_digest(digest, now=T0, lease_until=T0 + LEASE)
    assert claim is not None
    empty = await store.record_digest_empty(claim.id, now=T0)
    assert empty is not None and empty.state == "empty" and empty.message_id is None
    assert await store.take_over_digest(claim.id, now=T0 + LEASE, lease_until=T0) is None

    other = digest.model_copy(update={"channel_id": "c2"})
    stuck = await store.claim_digest(other, now=T0, lease_until=T0 + LEASE)
    assert stuck is not None
    assert await store.expire_unsent_digests(T0 + timedelta(days=1)) == 1
    failed = await store.get_digest(stuck.id)
    assert failed is not None and failed.state == "failed"
    assert await store.digests_to_resume(T0 + timedelta(days=1)) == []
