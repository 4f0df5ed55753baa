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
  (one at a time, in order), and every read of the schedule settles the queue first. The card
  is derived data: the attempt itself is already stored when the reply goes out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from fsrs import Card, Rating, Scheduler

from storage import Store
from storage.models import AttemptRecord

SelfAssessment = Literal["too_low", "too_high"]

LEARNING_STEPS = (timedelta(hours=4), timedelta(days=1))
RELEARNING_STEPS = (timedelta(hours=8),)
# Score thresholds (0–100) for Hard, Good and Easy; below the first it is Again.
HARD_FROM, GOOD_FROM, EASY_FROM = 40.0, 60.0, 85.0
_NEEDS_REVIEW = (Rating.Again, Rating.Hard)

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
        # asyncio.Lock wakes waiters first come, first served: reviews apply in the order the
        # attempts finished, and only one schedule write competes with the interviews at a time.
        self._order = asyncio.Lock()
        self._queued: set[asyncio.Task[None]] = set()

    def record_later(self, attempt: AttemptRecord) -> None:
        """`record`, after the reply has gone out."""
        task = asyncio.create_task(self._record_in_order(attempt))
        self._queued.add(task)
        task.add_done_callback(self._queued.discard)

    async def settle(self) -> None:
        """Until every queued record is written (before reading the schedule, at shutdown)."""
        while self._queued:
            await asyncio.gather(*list(self._queued), return_exceptions=True)

    async def _record_in_order(self, attempt: AttemptRecord) -> None:
        async with self._order:
            try:
                await self.record(attempt)
            except Exception:
                log.exception("review.record_failed", attempt_id=attempt.id)

    async def record(self, attempt: AttemptRecord) -> datetime | None:
        """Count a finished attempt as a review. Returns when the question is due next, if ever."""
        if attempt.state not in ("answered", "skipped", "expired") or attempt.finished_at is None:
            return None
        stored = await self._store.get_review_card(attempt.member_id, attempt.question_id)
        rating = rating_for(attempt)
        if stored is None and rating not in _NEEDS_REVIEW:
            return None
        before = _card(stored.card) if stored is not None else None
        return await self._save(attempt, before, rating)

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
        await self._store.save_review_card(
            attempt.member_id,
            attempt.question_id,
            card=data,
            due_at=card.due,
            now=attempt.finished_at,
        )
        due: datetime = card.due
        return due


def _card(data: dict[str, Any]) -> Card:
    return Card.from_dict(data["fsrs"])
