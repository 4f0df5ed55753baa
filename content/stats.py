"""`content stats`: what the bank holds and where it came from."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from content.importer.records import ImportProblem
from content.importer.run import parse_file
from content.loader import Bank
from content.schema import Exclusion


class SeedFileStats(BaseModel):
    file: str
    questions: int  # seed question lines that are sources of bank questions
    excluded: int
    found_by_importer: int | None = None  # question lines the importer finds (with --seeds)


class BankStats(BaseModel):
    bank_size: int
    seed_questions: int
    merged: int  # seed occurrences folded into a question another seed line also asks
    excluded: int
    revised: int
    needs_review: int
    per_seed_file: list[SeedFileStats]
    per_topic: dict[str, int]
    per_difficulty: dict[int, int]


def bank_stats(bank: Bank, excluded: list[Exclusion], seeds: Path | None = None) -> BankStats:
    questions = list(bank.questions.values())
    sources = Counter(s.file for q in questions for s in q.sources)
    dropped = Counter(e.file for e in excluded)
    found: dict[str, int] = {}
    if seeds is not None:
        for seed in sorted(seeds.glob("*.txt")) + sorted(seeds.glob("*.md")):
            parsed = parse_file(seed)
            found[seed.name] = 0 if isinstance(parsed, ImportProblem) else len(parsed.questions)
    files = sorted(set(sources) | set(dropped) | set(found))
    with_sources = [q for q in questions if q.sources]
    return BankStats(
        bank_size=len(questions),
        seed_questions=sum(sources.values()),
        merged=sum(sources.values()) - len(with_sources),
        excluded=len(excluded),
        revised=sum(q.revised for q in questions),
        needs_review=sum(q.needs_review for q in questions),
        per_seed_file=[
            SeedFileStats(
                file=f, questions=sources[f], excluded=dropped[f], found_by_importer=found.get(f)
            )
            for f in files
        ],
        per_topic=dict(sorted(Counter(q.topic for q in questions).items())),
        per_difficulty=dict(sorted(Counter(q.difficulty for q in questions).items())),
    )


def render_stats(stats: BankStats, bank: Bank) -> str:
    lines = [
        f"bank size: {stats.bank_size} questions "
        f"({stats.revised} revised, {stats.needs_review} awaiting review)",
        f"seed questions: {stats.seed_questions}, merged as duplicates: {stats.merged}, "
        f"excluded lines: {stats.excluded}",
        "",
        "per seed file:",
    ]
    for f in stats.per_seed_file:
        found = "" if f.found_by_importer is None else f", importer finds {f.found_by_importer}"
        lines.append(f"  {f.file}: {f.questions} questions, {f.excluded} excluded{found}")
    lines += ["", "per topic:"]
    for topic, count in stats.per_topic.items():
        name = bank.topics[topic].zh if topic in bank.topics else topic
        lines.append(f"  {topic} ({name}): {count}")
    lines += ["", "per difficulty:"]
    lines += [f"  {level}: {count}" for level, count in stats.per_difficulty.items()]
    return "\n".join(lines)
