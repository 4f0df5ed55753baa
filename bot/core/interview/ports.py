"""What the interview needs from outside the core, as protocols: the judge and the watcher."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.grading import GradeResult
from content.schema import Question


class GradeRefiner(Protocol):
    """An optional second opinion (the LLM judge): None means the offline grade stands."""

    async def grade(
        self, question: Question, answer: str, offline: GradeResult | None = None
    ) -> GradeResult | None: ...


class DeadlineSink(Protocol):
    def schedule(self, attempt_id: int, deadline: datetime) -> None: ...

    def cancel(self, attempt_id: int) -> None: ...
