"""The LLM judge, in the background: the offline grade is shown at once, the judge's replaces it.

The judge's grade is stored through a conditional update (only while the stored grade is still
the offline grader's and the member has not marked it); the member then gets a "refined"
feedback through the Messenger. Any failure of the judge leaves the offline grade and says
nothing. Shutdown waits briefly for calls in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

from bot.core.context import MemberContext
from bot.core.grading import GradeResult
from bot.core.interview import present
from bot.core.interview.ports import GradeRefiner
from bot.core.interview.steps import SessionSteps
from bot.core.messenger import Messenger
from content.schema import Question
from storage.models import AttemptRecord, SessionRecord

log = structlog.get_logger(__name__)

# How long shutdown waits for judge calls still in flight (the judge's own total timeout is 20 s).
BACKGROUND_DRAIN_S = 5.0


class BackgroundJudge:
    def __init__(self, *, judge: GradeRefiner, steps: SessionSteps, messenger: Messenger) -> None:
        self._judge = judge
        self._steps = steps
        self._messenger = messenger
        self._tasks: set[asyncio.Task[None]] = set()

    def refine_later(
        self,
        ctx: MemberContext,
        session: SessionRecord,
        attempt: AttemptRecord,
        question: Question,
        offline: GradeResult,
    ) -> None:
        task = asyncio.create_task(
            self._logged(self._refine(ctx, session, attempt, question, offline))
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refine(
        self,
        ctx: MemberContext,
        session: SessionRecord,
        attempt: AttemptRecord,
        question: Question,
        offline: GradeResult,
    ) -> None:
        """Ask the judge; if it answers, its grade replaces the offline one and is re-shown."""
        assert attempt.answer is not None
        judged = await self._judge.grade(question, attempt.answer, offline)
        if judged is None:
            return  # any failure: the offline grade stands, nothing to say
        scored = await self._steps.scored(attempt, judged.score)
        updated = await self._steps.store.replace_grade(
            attempt.id,
            replaces=offline.grader,
            score=scored.score,
            points=scored.points,
            grade=judged.model_dump(mode="json"),
        )
        if updated is None:
            return
        await self._steps.reviews.rerate(updated.id)
        log.info(
            "attempt.judged", attempt_id=attempt.id, offline=attempt.score, judged=scored.score
        )
        unchanged = scored.score == attempt.score and {p.point for p in judged.covered} == {
            p.point for p in offline.covered
        }
        if unchanged:
            return  # stored for the record; telling the member "no change" is noise
        feedback = present.feedback(
            self._steps.bank,
            session,
            updated,
            question,
            locale=ctx.locale,
            earlier_points=scored.earlier_points,
        )
        await self._messenger.deliver(
            ctx.actor, ctx.place, [feedback.model_copy(update={"refined": True})]
        )

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("background.failed")

    async def wait(self) -> None:
        """Until every judge call under way has finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        """Shutdown: give judge calls a moment, then cancel; the offline grades are stored."""
        if not self._tasks:
            return
        try:
            async with asyncio.timeout(BACKGROUND_DRAIN_S):
                await self.wait()
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
