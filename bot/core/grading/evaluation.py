"""Measuring a grader against labelled answers (the format of ../shared/grading/dev-set.yaml).

The figures: Spearman rank correlation between scores and labels over every answer, the mean
score per label, the highest score given to a label-0 answer, and grades per second. Answers may
carry a `kind` (stuffing, wrong, other-words, …): then the mean score and the Spearman of each
kind are reported too, so that a grader fooled by one pattern shows up by name.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bot.core.grading.resolve import resolve_question
from bot.core.grading.types import Grader
from content.loader import Bank
from content.schema import Question


class LabelledAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Annotated[int, Field(ge=0, le=4)]
    text: str
    # What the answer is an example of ("stuffing", "wrong", "english", …); optional.
    kind: str | None = None


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Annotated[str, Field(min_length=1)]
    answers: list[LabelledAnswer]


_LABELLED_SET = TypeAdapter(list[LabelledQuestion])


class LabelledSetError(Exception):
    """The labelled file cannot be read, or names questions the bank does not have."""


class GradedAnswer(BaseModel):
    question_id: str
    label: int
    score: float
    guards: list[str]
    text: str
    kind: str | None = None


class KindFigures(BaseModel):
    count: int
    mean: float
    mean_label: float
    # Within one kind the labels often do not vary; then there is no rank correlation (None).
    spearman: float | None


class EvalReport(BaseModel):
    answers: int
    spearman: float
    mean_by_label: dict[int, float]
    max_label0: float | None
    by_kind: dict[str, KindFigures] = Field(default_factory=dict)
    grades_per_second: float
    grader: str
    version: str
    graded: list[GradedAnswer]


def load_labelled(path: Path) -> list[LabelledQuestion]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return _LABELLED_SET.validate_python(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        raise LabelledSetError(f"{path}: {exc}") from exc


def resolve_all(bank: Bank, labelled: list[LabelledQuestion]) -> list[Question]:
    """The bank question of each labelled item; every unknown one is reported at once."""
    found: list[Question] = []
    unknown: list[str] = []
    for item in labelled:
        question = resolve_question(bank, item.question)
        if question is None:
            unknown.append(item.question)
        else:
            found.append(question)
    if unknown:
        raise LabelledSetError("questions not in the bank: " + "; ".join(unknown))
    return found


def evaluate(
    grader: Grader,
    bank: Bank,
    labelled: list[LabelledQuestion],
    *,
    min_seconds: float = 0.3,
    max_passes: int = 200,
) -> EvalReport:
    """Grade every labelled answer once for the figures, then again (the first pass was the
    warm-up) for at least `min_seconds` to measure throughput."""
    questions = resolve_all(bank, labelled)
    pairs = [(q, a) for q, item in zip(questions, labelled, strict=True) for a in item.answers]
    graded: list[GradedAnswer] = []
    for question, answer in pairs:
        result = grader.grade(question, answer.text)
        graded.append(
            GradedAnswer(
                question_id=question.id,
                label=answer.label,
                score=result.score,
                guards=result.guards,
                text=answer.text,
                kind=answer.kind,
            )
        )
    return EvalReport(
        answers=len(graded),
        spearman=round(spearman([g.score for g in graded], [float(g.label) for g in graded]), 4),
        mean_by_label=_means(graded),
        max_label0=max((g.score for g in graded if g.label == 0), default=None),
        by_kind=_by_kind(graded),
        grades_per_second=round(throughput(grader, pairs, min_seconds, max_passes), 1),
        grader=grader.name,
        version=grader.version,
        graded=graded,
    )


def throughput(
    grader: Grader,
    pairs: list[tuple[Question, LabelledAnswer]],
    min_seconds: float,
    max_passes: int,
) -> float:
    """Grades per second over repeated passes of `pairs`."""
    if not pairs:
        return 0.0
    done = 0
    started = time.perf_counter()
    elapsed = 0.0
    for _ in range(max(1, max_passes)):
        for question, answer in pairs:
            grader.grade(question, answer.text)
        done += len(pairs)
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    return done / elapsed if elapsed > 0 else 0.0


def _means(graded: list[GradedAnswer]) -> dict[int, float]:
    by_label: dict[int, list[float]] = {}
    for g in graded:
        by_label.setdefault(g.label, []).append(g.score)
    return {k: round(sum(v) / len(v), 1) for k, v in sorted(by_label.items())}


def _by_kind(graded: list[GradedAnswer]) -> dict[str, KindFigures]:
    groups: dict[str, list[GradedAnswer]] = {}
    for g in graded:
        if g.kind:
            groups.setdefault(g.kind, []).append(g)
    out: dict[str, KindFigures] = {}
    for kind, items in sorted(groups.items()):
        scores = [g.score for g in items]
        labels = [float(g.label) for g in items]
        varied = len(set(labels)) > 1 and len(items) >= 3
        out[kind] = KindFigures(
            count=len(items),
            mean=round(sum(scores) / len(scores), 1),
            mean_label=round(sum(labels) / len(labels), 2),
            spearman=round(spearman(scores, labels), 4) if varied else None,
        )
    return out


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rho: Pearson correlation of the ranks, ties sharing their average rank."""
    if len(xs) != len(ys) or len(xs) < 2:
        return 0.0
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return 0.0
    return float(cov / (vx * vy) ** 0.5)


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        shared = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = shared
        i = j + 1
    return ranks
