"""What a layout parser hands back: raw questions and the lines it chose not to treat as questions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RawQuestion(BaseModel):
    """One question as the seed file states it, before any curation."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    text: str
    answer: str
    section: str | None = None
    layout: str


class RawExclusion(BaseModel):
    """A line that looks like a question but is not one (index entry, link title, table row…)."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    text: str
    reason: str


class ParseResult(BaseModel):
    file: str
    layout: str
    questions: list[RawQuestion]
    excluded: list[RawExclusion]


class ImportProblem(BaseModel):
    """Why a file, or a line of it, could not be imported."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ImportError_(Exception):
    """Raised when a file cannot be imported; carries every problem found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
