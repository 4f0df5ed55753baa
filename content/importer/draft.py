"""Turn a raw imported question that matches nothing in the bank into a draft bank question.

A draft is usable at once (the grader needs key points, so they are derived from the answer's
list items and bold terms) and is marked `needs_review: true` until a curator has read it.
"""

from __future__ import annotations

import hashlib
import re

from content.importer.cleanup import normalise_for_match
from content.importer.records import RawQuestion
from content.schema import MAX_KEY_POINTS, MIN_KEY_POINTS, KeyPoint, Question, Source, Topic

BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.、)]|[一二三四五六七八九十]+、)\s+(.*\S)\s*$")
BOLD = re.compile(r"\*\*(.+?)\*\*")
HEAD = re.compile(r"^(.{2,24}?)[：:]")
SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
CLAUSE = re.compile(r"[，,；;。！？!?]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
FILLER = re.compile(
    r"^(?:可以|通过|使用|采用|例如|比如|因为|所以|以及|并且|同时|主要|一般|通常|需要)+"
)
FALLBACK_TOPIC = "fundamentals"


class DraftError(ValueError):
    """The raw question cannot become a usable bank question (e.g. it has no answer)."""


def draft_question(raw: RawQuestion, topics: dict[str, Topic], taken_ids: set[str]) -> Question:
    if not raw.answer.strip():
        raise DraftError("no answer under the question; write one and import again")
    key_points = derive_key_points(raw.answer)
    if len(key_points) < MIN_KEY_POINTS:
        raise DraftError(
            f"answer too short to derive {MIN_KEY_POINTS} key points; add list items or sentences"
        )
    topic = guess_topic(f"{raw.text}\n{raw.answer}", topics)
    return Question(
        id=_unique_id(topic, raw, taken_ids),
        topic=topic,
        difficulty=2,
        question=raw.text,
        answer=raw.answer,
        key_points=key_points,
        sources=[Source(file=raw.file, line=raw.line)],
        needs_review=True,
    )


def derive_key_points(answer: str) -> list[KeyPoint]:
    """Key points from the answer's list items (or its sentences when it has no list)."""
    items = [m.group(1) for line in answer.splitlines() if (m := BULLET.match(line))]
    if len(items) < MIN_KEY_POINTS:
        items = [
            s.strip() for s in SENTENCE_END.split(answer.replace("\n", "")) if len(s.strip()) > 6
        ]
    points: list[KeyPoint] = []
    for item in items[:MAX_KEY_POINTS]:
        aliases = _aliases(item)
        if aliases:
            text = BOLD.sub(r"\1", item)
            # One facet of the same words: a first draft the curator turns into the point's claim.
            points.append(KeyPoint(point=text[:80], aliases=aliases, facets=[aliases]))
    return points


def _aliases(item: str) -> list[str]:
    """The words that show a point was made: its bold terms, its heading, its English terms."""
    found = [b.strip() for b in BOLD.findall(item)]
    plain = BOLD.sub(r"\1", item)
    if head := HEAD.match(plain):
        found.append(head.group(1).strip())
    found.extend(w for w in ASCII_WORD.findall(plain) if len(w) >= 3)
    if not found:
        # Plain prose: its longest Chinese run, trimmed, is the best cheap stand-in for a term.
        runs = sorted(CJK_RUN.findall(plain), key=len, reverse=True)
        if runs:
            found.append(FILLER.sub("", runs[0])[:6] or runs[0][:6])
    unique: list[str] = []
    for alias in found:
        if 2 <= len(alias) <= 24 and alias.lower() not in (a.lower() for a in unique):
            unique.append(alias)
    return unique[:6]


def guess_topic(text: str, topics: dict[str, Topic]) -> str:
    """The topic whose names and aliases occur most often in the text."""
    lowered = text.lower()
    best, best_hits = FALLBACK_TOPIC, 0
    for topic in topics.values():
        names = {topic.id, topic.zh, topic.en, *topic.aliases}
        hits = sum(lowered.count(name.lower()) for name in names if len(name) >= 2)
        if hits > best_hits:
            best, best_hits = topic.id, hits
    return best if best in topics or not topics else next(iter(topics))


def _unique_id(topic: str, raw: RawQuestion, taken: set[str]) -> str:
    words = [w.lower() for w in ASCII_WORD.findall(raw.text)][:4]
    digest = hashlib.sha1(normalise_for_match(raw.text).encode("utf-8")).hexdigest()[:6]
    base = "-".join([topic, *words, digest])
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
