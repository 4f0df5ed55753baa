"""Merge raw imported questions into an existing bank without touching curated work.

A raw question is matched to a bank question by its source (file, line) first, then by its text
against the question and its variants. A match only gains the source and the phrasing; the
answer, key points, topic and revision stay as curated. Only unmatched questions become drafts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from content.importer.cleanup import normalise_for_match
from content.importer.draft import DraftError, draft_question
from content.importer.records import ImportProblem, RawExclusion, RawQuestion
from content.schema import Exclusion, Question, Source, Topic


@dataclass
class MergeReport:
    matched: int = 0
    added_sources: int = 0
    added_variants: int = 0
    drafted: list[str] = field(default_factory=list)
    newly_excluded: int = 0
    skipped: list[ImportProblem] = field(default_factory=list)


@dataclass
class MergeResult:
    questions: list[Question]
    excluded: list[Exclusion]
    changed_topics: set[str]
    report: MergeReport


def merge(
    bank: list[Question],
    excluded: list[Exclusion],
    raws: list[RawQuestion],
    raw_exclusions: list[RawExclusion],
    topics: dict[str, Topic],
) -> MergeResult:
    questions = {q.id: q for q in bank}
    by_source = {(s.file, s.line): q.id for q in bank for s in q.sources}
    by_text = {normalise_for_match(text): q.id for q in bank for text in (q.question, *q.variants)}
    excluded_at = {(e.file, e.line) for e in excluded}
    report = MergeReport()
    changed: set[str] = set()
    new_excluded = list(excluded)

    for raw in raws:
        where = (raw.file, raw.line)
        if where in excluded_at:
            continue
        question_id = by_source.get(where) or by_text.get(normalise_for_match(raw.text))
        if question_id is None:
            try:
                draft = draft_question(raw, topics, set(questions))
            except DraftError as exc:
                report.skipped.append(ImportProblem(file=raw.file, line=raw.line, message=str(exc)))
                continue
            questions[draft.id] = draft
            by_source[where] = draft.id
            by_text[normalise_for_match(raw.text)] = draft.id
            report.drafted.append(draft.id)
            changed.add(draft.topic)
            continue
        report.matched += 1
        updated = _attach(questions[question_id], raw, report)
        if updated is not questions[question_id]:
            questions[question_id] = updated
            changed.add(updated.topic)
        by_source[where] = question_id

    for item in raw_exclusions:
        where = (item.file, item.line)
        if where not in excluded_at and where not in by_source:
            new_excluded.append(
                Exclusion(file=item.file, line=item.line, reason=item.reason, text=item.text)
            )
            excluded_at.add(where)
            report.newly_excluded += 1

    return MergeResult(list(questions.values()), new_excluded, changed, report)


def _attach(question: Question, raw: RawQuestion, report: MergeReport) -> Question:
    """The question with this raw occurrence's source and phrasing recorded (curation untouched)."""
    updates: dict[str, object] = {}
    if all((s.file, s.line) != (raw.file, raw.line) for s in question.sources):
        updates["sources"] = [*question.sources, Source(file=raw.file, line=raw.line)]
        report.added_sources += 1
    known = {normalise_for_match(t) for t in (question.question, *question.variants)}
    if normalise_for_match(raw.text) not in known:
        updates["variants"] = [*question.variants, raw.text]
        report.added_variants += 1
    return question.model_copy(update=updates) if updates else question
