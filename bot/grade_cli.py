"""`interview-bot grade` and `interview-bot grade-eval`: grade one answer, or measure the grader.

`grade_app` holds both commands; `bot/cli.py` merges it into the main command with
`app.add_typer(build_grade_app(load_bank=..., load_judge=...))` (no name, so the commands stay
top level; the loaders read the settings, which the core does not). The plain functions
`grade_one` and `grade_eval` do the work and return an exit code, for tests and other callers.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bot.core.grading.evaluation import LabelledSetError, evaluate, load_labelled
from bot.core.grading.offline import OfflineGrader
from bot.core.grading.resolve import resolve_question
from bot.core.grading.types import GradeResult
from bot.core.i18n import has, normalize_locale, t
from bot.integrations.llm_judge import LLMJudge
from content.loader import Bank, BankError
from content.schema import Question

BankLoader = Callable[[], Bank]
Echo = Callable[[str], None]


def _default_bank() -> Bank:
    """The shipped bank only. `bot/cli.py` passes a loader that adds the CONTENT_DIRS folders
    (the core does not read settings itself)."""
    from content.loader import load_bank

    return load_bank()


def _no_judge() -> LLMJudge | None:
    return None


def _out(text: str) -> None:
    typer.echo(text)


def _err(text: str) -> None:
    typer.echo(text, err=True)


def read_answer(value: str) -> str:
    """`@path` reads the answer from a file, `@-` from standard input; anything else is the text."""
    if value == "@-":
        return sys.stdin.read()
    if value.startswith("@") and len(value) > 1:
        return Path(value[1:]).read_text(encoding="utf-8", errors="replace")
    return value


def grade_one(
    bank: Bank,
    question_name: str,
    answer: str,
    *,
    as_json: bool = False,
    locale: str = "zh-CN",
    judge: LLMJudge | None = None,
    out: Echo = _out,
    err: Echo = _err,
) -> int:
    """Grade one answer and print it; the exit code is 1 when the question is unknown."""
    question = resolve_question(bank, question_name)
    if question is None:
        err(t(locale, "grading.unknown_question", name=question_name))
        return 1
    result = OfflineGrader(bank).grade(question, answer)
    if judge is not None:
        judged = asyncio.run(_judge(judge, question, answer, result))
        if judged is None:
            err(t(locale, "grading.judge_failed"))
        else:
            result = judged
    if as_json:
        out(json.dumps({"question_id": question.id, **result.model_dump()}, ensure_ascii=False))
    else:
        out(render_grade(question, result, locale))
    return 0


async def _judge(
    judge: LLMJudge, question: Question, answer: str, offline: GradeResult
) -> GradeResult | None:
    try:
        return await judge.grade(question, answer, offline)
    finally:
        await judge.aclose()


def render_grade(question: Question, result: GradeResult, locale: str) -> str:
    verdict_key = f"verdict.{result.verdict}"
    verdict = t(locale, verdict_key) if has(verdict_key) else result.verdict
    lines = [
        t(locale, "grading.question_line", id=question.id, question=question.question),
        t(locale, "grading.score_line", score=f"{result.score:g}", verdict=verdict),
    ]
    if result.covered:
        lines.append(t(locale, "feedback.covered"))
        for point in result.covered:
            matched = t(locale, "feedback.matched", words=", ".join(point.matched))
            lines.append(f"  · {point.point}{matched}")
    if result.missed:
        lines.append(t(locale, "feedback.missed"))
        lines.extend(f"  · {point.point}" for point in result.missed)
    if result.guards:
        notes = [t(locale, f"guard.{g}") if has(f"guard.{g}") else g for g in result.guards]
        lines.append(t(locale, "grading.guards_line", guards=" ".join(notes)))
    lines.append(t(locale, "feedback.grader", grader=f"{result.grader} {result.version}"))
    return "\n".join(lines)


def grade_eval(
    bank: Bank,
    labelled_path: Path,
    *,
    as_json: bool = False,
    details: bool = False,
    locale: str = "zh-CN",
    out: Echo = _out,
    err: Echo = _err,
) -> int:
    """Grade a labelled set and print the figures; exit code 1 if the set is unusable."""
    try:
        labelled = load_labelled(labelled_path)
        report = evaluate(OfflineGrader(bank), bank, labelled)
    except LabelledSetError as exc:
        err(t(locale, "grading.bad_labelled_set", reason=str(exc)))
        return 1
    if as_json:
        data = report.model_dump(exclude=None if details else {"graded"})
        out(json.dumps(data, ensure_ascii=False))
        return 0
    out(
        t(
            locale,
            "grading.eval_summary",
            answers=report.answers,
            spearman=f"{report.spearman:.3f}",
            rate=f"{report.grades_per_second:.0f}",
            grader=report.grader,
            version=report.version,
        )
    )
    counts: dict[int, int] = {}
    for graded in report.graded:
        counts[graded.label] = counts.get(graded.label, 0) + 1
    for label, mean in report.mean_by_label.items():
        out(t(locale, "grading.eval_label", label=label, mean=mean, count=counts[label]))
    if report.max_label0 is not None:
        out(t(locale, "grading.eval_max0", score=report.max_label0))
    if details:
        for g in report.graded:
            guards = f"[{','.join(g.guards)}] " if g.guards else ""
            text = g.text.replace("\n", " ")[:60]
            out(
                t(
                    locale,
                    "grading.eval_row",
                    label=g.label,
                    score=f"{g.score:g}",
                    id=g.question_id,
                    guards=guards,
                    text=text,
                )
            )
    return 0


def _bank_or_exit(load_bank: BankLoader, locale: str) -> Bank:
    try:
        return load_bank()
    except BankError as exc:
        _err(t(locale, "grading.bank_problems", problems="\n".join(exc.problems)))
        raise typer.Exit(2) from exc
    except Exception as exc:  # a loader from the caller may raise its own start-up error
        _err(t(locale, "grading.bank_problems", problems=str(exc)))
        raise typer.Exit(2) from exc


def build_grade_app(
    load_bank: BankLoader = _default_bank,
    load_judge: Callable[[], LLMJudge | None] = _no_judge,
) -> typer.Typer:
    """The two commands, reading the bank (and the judge's settings) only when run."""
    app = typer.Typer(add_completion=False)

    def bank_or_exit(locale: str) -> Bank:
        return _bank_or_exit(load_bank, locale)

    @app.command("grade")
    def grade_command(
        question: Annotated[
            str, typer.Option("--question", "-q", help="Question id, text, or any phrasing.")
        ],
        answer: Annotated[
            str, typer.Option("--answer", "-a", help="The answer text, @file, or @- for stdin.")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Print the grade as JSON.")] = False,
        use_judge: Annotated[
            bool, typer.Option("--judge", help="Refine with the LLM judge from the settings.")
        ] = False,
        lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    ) -> None:
        """Grade one answer to one question with the offline grader."""
        locale = normalize_locale(lang)
        try:
            text = read_answer(answer)
        except (OSError, UnicodeError) as exc:
            _err(t(locale, "grading.unreadable_answer", path=answer[1:], reason=exc))
            raise typer.Exit(1) from exc
        judge = None
        if use_judge:
            judge = load_judge()
            if judge is None:
                _err(t(locale, "grading.judge_unset"))
        code = grade_one(
            bank_or_exit(locale), question, text, as_json=as_json, locale=locale, judge=judge
        )
        raise typer.Exit(code)

    @app.command("grade-eval")
    def grade_eval_command(
        labelled: Annotated[Path, typer.Argument(help="Labelled answers (dev-set.yaml format).")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
        details: Annotated[
            bool, typer.Option("--details", help="Also list every answer's score.")
        ] = False,
        lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    ) -> None:
        """Grade a labelled set: Spearman against the labels, mean per label, max label-0 score,
        grades per second."""
        locale = normalize_locale(lang)
        code = grade_eval(
            bank_or_exit(locale), labelled, as_json=as_json, details=details, locale=locale
        )
        raise typer.Exit(code)

    return app


grade_app = build_grade_app()
