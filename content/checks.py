"""`content validate`: every problem in a bank, each as file:line: problem.

Beyond the schema (which `load_bank` enforces) it checks that each seed line is accounted for
exactly once: in one question's `sources` or in the exclusion list, never both, never twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from content.importer.records import ImportProblem
from content.importer.run import excluded_file_for, parse_file
from content.loader import SHIPPED_BANK_DIR, Bank, BankError, load_bank
from content.schema import Exclusion, ExclusionList, misconception_problems
from content.yaml_lines import YamlFileError, load_located


def validate(
    dirs: Sequence[Path] = (), *, shipped: bool = True, seeds: Path | None = None
) -> list[str]:
    try:
        bank = load_bank(dirs, shipped=shipped)
    except BankError as exc:
        return list(exc.problems)
    problems: list[str] = []
    folders = ([SHIPPED_BANK_DIR] if shipped else []) + [Path(d) for d in dirs]
    excluded = _load_exclusions([excluded_file_for(f) for f in folders], problems)
    problems.extend(_source_problems(bank, excluded))
    problems.extend(_misconception_problems(bank))
    if seeds is not None:
        problems.extend(coverage_problems(bank, excluded, seeds))
    return problems


def load_exclusions(folders: Sequence[Path]) -> list[Exclusion]:
    problems: list[str] = []
    found = _load_exclusions([excluded_file_for(f) for f in folders], problems)
    if problems:
        raise BankError(problems)
    return found


def coverage_problems(bank: Bank, excluded: list[Exclusion], seeds: Path) -> list[str]:
    """Every question-like line the importer finds in the seeds must be accounted for."""
    accounted = {(s.file, s.line) for q in bank.questions.values() for s in q.sources}
    accounted |= {(e.file, e.line) for e in excluded}
    problems: list[str] = []
    for seed in sorted(seeds.glob("*.txt")) + sorted(seeds.glob("*.md")):
        parsed = parse_file(seed)
        if isinstance(parsed, ImportProblem):
            problems.append(str(parsed))
            continue
        lines = [(q.line, q.text) for q in parsed.questions]
        lines += [(e.line, e.text) for e in parsed.excluded]
        for line, text in sorted(lines):
            if (seed.name, line) not in accounted:
                problems.append(
                    f"{seed}:{line}: seed question not in any sources nor in excluded.yaml: "
                    f"{text[:60]}"
                )
    return problems


def _load_exclusions(files: list[Path], problems: list[str]) -> list[Exclusion]:
    found: list[Exclusion] = []
    for file in files:
        if not file.exists():
            continue
        try:
            located = load_located(file)
            found.extend(ExclusionList.model_validate(located.data).excluded)
        except YamlFileError as exc:
            problems.append(str(exc))
        except ValidationError as exc:
            for error in exc.errors():
                path = [s for s in error["loc"] if isinstance(s, int | str)]
                problems.append(f"{file}:{located.line_of(path)}: {error['msg']}")
    return found


def _misconception_problems(bank: Bank) -> list[str]:
    problems: list[str] = []
    for question in bank.questions.values():
        found = misconception_problems(question)
        if not found:
            continue
        file = bank.origin[question.id]
        located = load_located(file)
        ids = [q.get("id") if isinstance(q, dict) else None for q in located.data["questions"]]
        at = ids.index(question.id)
        for index, problem in found:
            line = located.line_of(["questions", at, "misconceptions", index])
            problems.append(f"{file}:{line}: question {question.id!r}: {problem}")
    return problems


def _source_problems(bank: Bank, excluded: list[Exclusion]) -> list[str]:
    owners: dict[tuple[str, int], list[str]] = defaultdict(list)
    for question in bank.questions.values():
        for source in question.sources:
            owners[(source.file, source.line)].append(question.id)
    problems = [
        f"{bank.origin[ids[0]]}:1: seed line {file}:{line} is a source of several questions: "
        f"{', '.join(ids)}"
        for (file, line), ids in owners.items()
        if len(ids) > 1
    ]
    problems.extend(
        f"{SHIPPED_BANK_DIR.parent / 'excluded.yaml'}:1: {e.file}:{e.line} is excluded but is also "
        f"a source of {', '.join(owners[(e.file, e.line)])}"
        for e in excluded
        if (e.file, e.line) in owners
    )
    return problems
