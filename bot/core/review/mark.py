"""`mark low|high`: the member's view of an automatic grade.

Stored beside the grade, it re-plans the review of that question and never changes points.
"""

from __future__ import annotations

import structlog

from bot.core.clock import Clock
from bot.core.commands import Mark
from bot.core.context import MemberContext
from bot.core.i18n import format_span, shorten
from bot.core.notices import notice
from bot.core.replies import Reply
from bot.core.review.schedule import ReviewSchedule
from content.loader import Bank
from storage import Store

log = structlog.get_logger(__name__)


class MarkService:
    def __init__(self, *, bank: Bank, store: Store, clock: Clock, reviews: ReviewSchedule) -> None:
        self._bank = bank
        self._store = store
        self._clock = clock
        self._reviews = reviews

    async def mark(self, ctx: MemberContext, command: Mark) -> list[Reply]:
        """The member thinks an automatic grade was too low/high: keep it, re-plan the review."""
        if command.attempt_id is not None:
            attempt = await self._store.get_attempt(command.attempt_id)
        else:
            attempt = await self._store.last_answered_attempt(ctx.member.id)
        if attempt is None or attempt.member_id != ctx.member.id or attempt.state != "answered":
            return [notice(ctx.locale, "mark_nothing")]
        await self._store.set_self_assessment(attempt.id, command.verdict)
        rerated = await self._reviews.rerate(attempt.id)
        log.info(
            "attempt.self_assessed",
            attempt_id=attempt.id,
            verdict=command.verdict,
            review=rerated.outcome,
        )
        question = self._bank.questions.get(attempt.question_id)
        name = shorten(question.question if question is not None else attempt.question_id, 40)
        left = (rerated.due - self._clock.now()).total_seconds() if rerated.due else 0.0
        if rerated.outcome == "unchanged":
            key = "notice.mark_saved"
        elif rerated.outcome == "none":
            key = "notice.mark_saved_no_review"
        elif left <= 0:
            key = "notice.mark_saved_due_now"  # an old answer: its new review date has passed
        elif command.verdict == "too_low":
            key = "notice.mark_saved_later"
        else:
            key = "notice.mark_saved_sooner"
        when = format_span(ctx.locale, left)
        return [notice(ctx.locale, "mark_saved", key, question=name, when=when)]
