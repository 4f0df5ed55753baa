"""`content import`: parse Markdown files in any supported layout and merge them into a bank.

Either every given file parses and the merged bank validates, and then all changed files are
written; or nothing is written and every problem is reported as file:line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from content.importer.layouts import LAYOUTS, detect_layout
from content.importer.merge import MergeReport, merge
from content.importer.records import ImportProblem, ParseResult
from content.loader import EXCLUDED_NAME, SHIPPED_BANK_DIR, BankError, load_bank
from content.schema import Exclusion, ExclusionList, Question, Topic
from content.writer import render_bank_file, render_exclusions, write_all
from content.yaml_lines import YamlFileError, load_located

SHIPPED_EXCLUDED = SHIPPED_BANK_DIR.parent / EXCLUDED_NAME


@dataclass
class ImportOutcome:
    problems: list[ImportProblem] = field(default_factory=list)
    report: MergeReport | None = None
    parsed: list[ParseResult] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def excluded_file_for(bank_dir: Path) -> Path:
    """The shipped bank keeps content/excluded.yaml; a team folder keeps its own beside its files."""
    return SHIPPED_EXCLUDED if bank_dir.resolve() == SHIPPED_BANK_DIR else bank_dir / EXCLUDED_NAME


def parse_file(path: Path) -> ParseResult | ImportProblem:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ImportProblem(file=name, line=1, message="not UTF-8 text")
    except OSError as exc:
        return ImportProblem(file=name, line=1, message=f"cannot read: {exc.strerror or exc}")
    lines = text.splitlines()
    layout = detect_layout(lines)
    if layout is None:
        known = "; ".join(f"{item.name} ({item.description})" for item in LAYOUTS)
        return ImportProblem(file=name, line=1, message=f"not in a supported layout: {known}")
    questions, excluded = layout.parse(name, lines)
    if not questions:
        return ImportProblem(
            file=name, line=1, message=f"looks like layout {layout.name} but has no questions"
        )
    return ParseResult(file=name, layout=layout.name, questions=questions, excluded=excluded)


def run_import(
    files: list[Path], bank_dir: Path = SHIPPED_BANK_DIR, *, dry_run: bool = False
) -> ImportOutcome:
    outcome = ImportOutcome()
    for path in files:
        parsed = parse_file(path)
        if isinstance(parsed, ImportProblem):
            outcome.problems.append(parsed)
        else:
            outcome.parsed.append(parsed)
    if outcome.problems:
        return outcome

    excluded_path = excluded_file_for(bank_dir)
    try:
        existing, topics = _existing_bank(bank_dir)
        excluded = _existing_exclusions(excluded_path)
    except (BankError, YamlFileError) as exc:
        lines = exc.problems if isinstance(exc, BankError) else [str(exc)]
        outcome.problems.extend(
            ImportProblem(file=p, line=0, message="bank is invalid") for p in lines
        )
        return outcome

    result = merge(
        existing,
        excluded,
        [q for p in outcome.parsed for q in p.questions],
        [e for p in outcome.parsed for e in p.excluded],
        topics,
    )
    outcome.report = result.report
    files_out = {
        bank_dir / f"{topic}.yaml": render_bank_file(
            topic, [q for q in result.questions if q.topic == topic]
        )
        for topic in sorted(result.changed_topics)
    }
    if result.report.newly_excluded:
        files_out[excluded_path] = render_exclusions(result.excluded)
    if not dry_run and files_out:
        write_all(files_out)
        outcome.written = sorted(files_out)
    return outcome


def _existing_bank(bank_dir: Path) -> tuple[list[Question], dict[str, Topic]]:
    """The questions defined in this folder (the only ones merged into) and the known topics."""
    shipped = bank_dir.resolve() == SHIPPED_BANK_DIR
    extra = [bank_dir] if bank_dir.is_dir() and not shipped else []
    bank = load_bank(extra, shipped=True)
    own = [
        q
        for q in bank.questions.values()
        if bank.origin[q.id].parent.resolve() == bank_dir.resolve()
    ]
    return own, dict(bank.topics)


def _existing_exclusions(path: Path) -> list[Exclusion]:
    if not path.exists():
        return []
    located = load_located(path)
    return list(ExclusionList.model_validate(located.data or {"excluded": []}).excluded)
