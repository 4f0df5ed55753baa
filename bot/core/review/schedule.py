"""Spaced repetition: questions a member answered badly come back on an fsrs schedule.

- Every finished attempt (answered, skipped, timed out) is a review of that question: its score
  maps to Again/Hard/Good/Easy. A question first answered well (Good/Easy) gets no card: there
  is nothing to review. Once a card exists, every later attempt moves it.
- Steps are hours and days, not minutes: an interview question asked again ten minutes later
  tests short-term memory, not understanding.
- The card remembers the state before the attempt that last moved it, so a later correction of
  that attempt's grade (the member's self-assessment, the LLM judge) re-rates the same review
  instead of stacking a second one.
- Recording is kept off the member's critical path: `record_later` queues it behind the reply
  (written in order, in batches), and every read of the schedule settles the queue first. The card
  is derived data: the attempt itself is already stored when the reply goes out.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from fsrs import Card, Rating, Scheduler

from storage import Store
from storage.models import AttemptRecord, ReviewCard

SelfAssessment = Literal["too_low", "too_high"]

LEARNING_STEPS = (timedelta(hours=4), timedelta(days=1))
RELEARNING_STEPS = (timedelta(hours=8),)
# Score thresholds (0–100) for Hard, Good and Easy; below the first it is Again.
HARD_FROM, GOOD_FROM, EASY_FROM = 40.0, 60.0, 85.0
_NEEDS_REVIEW = (Rating.Again, Rating.Hard)
# Records written per transaction when the queue has a backlog (a burst of timeouts).
RECORD_BATCH = 100
# How long the queue gathers records before writing them (a read of the schedule won't wait).
RECORD_DELAY_S = 1.0

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Rerated:
    """What a re-rating did: moved the review (`due`), removed it (`none`), or left it."""

    outcome: Literal["due", "none", "unchanged"]
    due: datetime | None = None


def rating_for(attempt: AttemptRecord) -> Rating:
    """The fsrs rating of a finished attempt, with the member's self-assessment applied."""
    score = attempt.score if attempt.state == "answered" and attempt.score is not None else 0.0
    if score >= EASY_FROM:
        rating = Rating.Easy
    elif score >= GOOD_FROM:
        rating = Rating.Good
    elif score >= HARD_FROM:
        rating = Rating.Hard
    else:
        rating = Rating.Again
    if attempt.self_assessment == "too_low":
        return Rating(min(rating.value + 1, Rating.Easy.value))
    if attempt.self_assessment == "too_high":
        return Rating(max(rating.value - 1, Rating.Again.value))
    return rating


class ReviewSchedule:
    def __init__(self, store: Store) -> None:
        self._store = store
        # No fuzzing: the same history gives the same schedule, which members can reason about.
        self._scheduler = Scheduler(
            learning_steps=LEARNING_STEPS, relearning_steps=RELEARNING_STEPS, enable_fuzzing=False
        )
        # Held while the schedule is written: queued records and re-ratings never interleave.
        self._order = asyncio.Lock()
        self._pending: list[AttemptRecord] = []
        self._worker: asyncio.Task[None] | None = None
        # Set by a reader that needs the schedule now: the worker stops waiting for more.
        self._flush = asyncio.Event()

    def record_later(self, attempt: AttemptRecord) -> None:
        """Count a finished attempt as a review, after the reply has gone out.

        The worker gathers records for up to RECORD_DELAY_S, then writes them in order, up to
        RECORD_BATCH per transaction: a steady stream of answers or a burst of timeouts costs a
        schedule write a second, not one per attempt. A read of the schedule flushes at once.
        """
        self._pending.append(attempt)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())

    async def settle(self) -> None:
        """Until every queued record is written (before reading the schedule, at shutdown)."""
        while self._worker is not None and not self._worker.done():
            self._flush.set()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _drain(self) -> None:
        while self._pending:
            if not self._flush.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(RECORD_DELAY_S):
                        await self._flush.wait()
            batch, self._pending = self._pending[:RECORD_BATCH], self._pending[RECORD_BATCH:]
            async with self._order:
                try:
                    await self._record(batch)
                except Exception:
                    log.exception("review.record_failed", attempt_ids=[a.id for a in batch])
        self._flush.clear()

    async def _record(self, batch: list[AttemptRecord]) -> None:
        finished = [
            a
            for a in batch
            if a.state in ("answered", "skipped", "expired") and a.finished_at is not None
        ]
        stored = await self._store.get_review_cards((a.member_id, a.question_id) for a in finished)
        latest = {key: card.card for key, card in stored.items()}
        writes: dict[tuple[int, str], ReviewCard] = {}
        for attempt in finished:  # in order: a later attempt builds on an earlier one's card
            key = (attempt.member_id, attempt.question_id)
            rating = rating_for(attempt)
            if key not in latest and rating not in _NEEDS_REVIEW:
                continue  # answered well the first time: nothing to review
            before = _card(latest[key]) if key in latest else None
            writes[key] = self._reviewed(attempt, before, rating)
            latest[key] = writes[key].card
        await self._store.save_review_cards(list(writes.values()))

    async def rerate(self, attempt_id: int) -> Rerated:
        """The attempt's grade or self-assessment changed: redo the review it caused.

        The attempt is read afresh inside the ordering lock, so a self-assessment and a judge's
        grade landing at the same moment both end up in the schedule, whichever comes second.
        """
        await self.settle()
        async with self._order:
            attempt = await self._store.get_attempt(attempt_id)
            if attempt is None or attempt.finished_at is None:
                return Rerated(outcome="unchanged")
            return await self._rerate(attempt)

    async def _rerate(self, attempt: AttemptRecord) -> Rerated:
        stored = await self._store.get_review_card(attempt.member_id, attempt.question_id)
        if stored is not None and stored.card.get("attempt_id") != attempt.id:
            return Rerated(outcome="unchanged")  # a later attempt has moved the card since
        before_data = stored.card.get("before") if stored is not None else None
        before = Card.from_dict(before_data) if before_data else None
        rating = rating_for(attempt)
        # A member who says a grade was too high doubts they know it: it comes back.
        needs_review = rating in _NEEDS_REVIEW or attempt.self_assessment == "too_high"
        if before is None and not needs_review:
            # As if it had been graded so the first time: answered well, nothing to review.
            if stored is not None:
                await self._store.delete_review_card(attempt.member_id, attempt.question_id)
            return Rerated(outcome="none")
        return Rerated(outcome="due", due=await self._save(attempt, before, rating))

    async def schedule(
        self, member_id: int, now: datetime, *, keep: Callable[[str], bool]
    ) -> tuple[list[str], datetime | None]:
        """The member's due question ids that `keep` accepts, most overdue first, and when the
        next such question falls due (None: nothing more is scheduled)."""
        await self.settle()
        cards = [
            (qid, due) for qid, due in await self._store.review_schedule(member_id) if keep(qid)
        ]
        due_now = [qid for qid, due in cards if due <= now]
        upcoming = next((due for _, due in cards if due > now), None)
        return due_now, upcoming

    async def _save(self, attempt: AttemptRecord, before: Card | None, rating: Rating) -> datetime:
        card = self._reviewed(attempt, before, rating)
        await self._store.save_review_cards([card])
        return card.due_at

    def _reviewed(self, attempt: AttemptRecord, before: Card | None, rating: Rating) -> ReviewCard:
        """The card after reviewing `before` (None: a new card) with this attempt's rating."""
        assert attempt.finished_at is not None
        card, _ = self._scheduler.review_card(
            before or Card(card_id=attempt.id),
            rating,
            review_datetime=attempt.finished_at,
        )
        data: dict[str, Any] = {
            "fsrs": card.to_dict(),
            "before": before.to_dict() if before is not None else None,
            "attempt_id": attempt.id,
            "rating": rating.name,
        }
        return ReviewCard(
            member_id=attempt.member_id,
            question_id=attempt.question_id,
            card=data,
            due_at=card.due,
            updated_at=attempt.finished_at,
        )


def _card(data: dict[str, Any]) -> Card:
    return Card.from_dict(data["fsrs"])
