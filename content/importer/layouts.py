"""The five seed layouts: how to recognise each one and pull out its questions and answers.

Each parser is a pure function `lines -> (questions, exclusions)`; `detect_layout` picks one
by the features it sees, so a team's own Markdown in any of these layouts imports the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from content.importer.cleanup import (
    clean_answer_lines,
    clean_question,
    dedent,
    normalise_for_match,
)
from content.importer.records import RawExclusion, RawQuestion

Parsed = tuple[list[RawQuestion], list[RawExclusion]]


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    score: Callable[[list[str]], int]
    parse: Callable[[str, list[str]], Parsed]


class _Collector:
    """What every layout does the same way: a question line opens a question, the lines after it
    are its answer, and the next question, a section heading or the end of the file closes it.
    `answer` shapes the raw answer lines of one layout (given the cleaned question) before the
    shared clean-up."""

    def __init__(
        self,
        file: str,
        layout: str,
        answer: Callable[[str, list[str]], list[str]] = lambda question, body: body,
    ) -> None:
        self.file, self.layout, self._answer = file, layout, answer
        self.questions: list[RawQuestion] = []
        self.excluded: list[RawExclusion] = []
        self.section: str | None = None
        self.body: list[str] = []
        self._current: tuple[int, str] | None = None

    @property
    def asking(self) -> bool:
        return self._current is not None

    def ask(self, line_no: int, text: str) -> None:
        self.close()
        self._current = (line_no, text)

    def close(self) -> None:
        if self._current is not None:
            line_no, text = self._current
            question = clean_question(text)
            self.questions.append(
                RawQuestion(
                    file=self.file,
                    line=line_no,
                    text=question,
                    answer=clean_answer_lines(self._answer(question, self.body)),
                    section=self.section,
                    layout=self.layout,
                )
            )
        self._current, self.body = None, []

    def exclude(self, line_no: int, text: str, reason: str) -> None:
        self.excluded.append(RawExclusion(file=self.file, line=line_no, text=text, reason=reason))

    def result(self) -> Parsed:
        self.close()
        return self.questions, self.excluded


# --- layout "index-and-headings": ### section, **题目：** index, #### 1. question ---------------

H3 = re.compile(r"^###\s+(.+?)\s*$")
H4 = re.compile(r"^####\s+(.+?)\s*$")
INDEX_START = re.compile(r"^\*\*题目[:：]\*\*\s*$")
RULE = re.compile(r"^-{3,}\s*$")


def _score_index_headings(lines: list[str]) -> int:
    index = sum(1 for line in lines if INDEX_START.match(line))
    h4 = sum(1 for line in lines if H4.match(line))
    return 10 * index + h4 if index else 0


def _parse_index_headings(file: str, lines: list[str]) -> Parsed:
    c = _Collector(file, "index-and-headings")
    index_entries: list[tuple[int, str]] = []
    in_index = False
    for number, line in enumerate(lines, start=1):
        if m := H3.match(line):
            c.close()
            c.section, in_index = clean_question(m.group(1)), False
        elif INDEX_START.match(line):
            c.close()
            in_index = True
        elif RULE.match(line):
            c.close()
            in_index = False
        elif m := H4.match(line):
            c.ask(number, m.group(1))
            in_index = False
        elif in_index and line.strip():
            index_entries.append((number, line.strip()))
        elif c.asking:
            c.body.append(line)
        elif line.strip():
            c.exclude(number, line.strip(), "closing remark outside any question")
    questions, excluded = c.result()
    excluded.extend(_index_exclusions(file, index_entries, questions))
    return questions, excluded


def _index_exclusions(
    file: str, entries: list[tuple[int, str]], questions: list[RawQuestion]
) -> list[RawExclusion]:
    """Index entries repeat a question asked below, or name a sub-point answered inside one."""
    by_key = {normalise_for_match(q.text): q for q in questions}
    out: list[RawExclusion] = []
    for line_no, text in entries:
        match = by_key.get(normalise_for_match(text))
        if match is not None:
            reason = f"index entry; the question is asked at line {match.line}"
        else:
            owner = _owning_question(line_no, entries, questions)
            reason = (
                f"sub-point of the question at line {owner.line}, answered there"
                if owner
                else "index entry with no question under it"
            )
        out.append(RawExclusion(file=file, line=line_no, text=text, reason=reason))
    return out


def _owning_question(
    line_no: int, entries: list[tuple[int, str]], questions: list[RawQuestion]
) -> RawQuestion | None:
    """The question whose index entry is the nearest non-sub-point entry above this line."""
    parent_key = None
    for number, text in entries:
        if number > line_no:
            break
        if not re.match(r"^\d+\.\d+", text.strip()):
            parent_key = normalise_for_match(text)
    if parent_key is None:
        return None
    return next((q for q in questions if normalise_for_match(q.text) == parent_key), None)


# --- layout "headings": ### question + free text, a link list on top --------------------------

H2 = re.compile(r"^##\s+(.+?)\s*$")


def _score_headings(lines: list[str]) -> int:
    if any(INDEX_START.match(line) for line in lines):
        return 0
    h3 = [line for line in lines if H3.match(line)]
    if not h3 or any(line.startswith("### Q:") for line in h3):
        return 0
    return len(h3)


def _parse_headings(file: str, lines: list[str]) -> Parsed:
    c = _Collector(file, "headings", _without_repeated_question)
    for number, line in enumerate(lines, start=1):
        if m := H3.match(line):
            c.ask(number, m.group(1))
        elif m := H2.match(line):
            c.close()
            c.section = m.group(1).strip()
        elif c.asking:
            c.body.append(line)
        elif line.strip() and not re.match(r"^\s*https?://", line):
            c.exclude(number, line.strip(), "title in the link list at the top, not a question")
    return c.result()


def _without_repeated_question(question: str, body: list[str]) -> list[str]:
    """Some answers open by repeating the question; that line is not part of the answer."""
    while body and normalise_for_match(body[0]) in ("", normalise_for_match(question)):
        body = body[1:]
    return body


# --- layout "pdf-numbered": plain section titles, "1 question?" lines, lone "-" bullets -------

NUMBERED = re.compile(r"^(\d{1,2})\s+(\S.*)$")


def _score_pdf(lines: list[str]) -> int:
    lone_dashes = sum(1 for line in lines if line.strip() == "-")
    numbered = sum(1 for line in lines if NUMBERED.match(line))
    if any(line.startswith("#") for line in lines):
        return 0
    return lone_dashes + numbered if lone_dashes and numbered else 0


def _parse_pdf(file: str, lines: list[str]) -> Parsed:
    c = _Collector(file, "pdf-numbered", lambda question, body: _join_lone_dashes(body))
    expected = 1
    for index, line in enumerate(lines):
        number = index + 1
        m = NUMBERED.match(line)
        if m and int(m.group(1)) in (expected, 1):
            c.ask(number, m.group(2))
            expected = int(m.group(1)) + 1
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        next_m = NUMBERED.match(next_line)
        is_title = (
            line.strip()
            and line.strip() != "-"
            and len(line.strip()) <= 20
            and not line.rstrip().endswith(("。", ":", "：", "?", "？"))
            and (next_m is not None and next_m.group(1) == "1" or line.strip() == "目录")
        )
        if is_title:
            c.close()
            c.section, expected = line.strip(), 1
            c.exclude(number, line.strip(), "section title, not a question")
        elif c.asking:
            c.body.append(line)
    return c.result()


def _join_lone_dashes(body: list[str]) -> list[str]:
    """A PDF export puts each bullet's '-' on its own line; put it back in front of the item."""
    out: list[str] = []
    pending_dash = False
    for line in body:
        if line.strip() == "-":
            pending_dash = True
            continue
        out.append(f"- {line.strip()}" if pending_dash else line)
        pending_dash = False
    return out


# --- layout "q-and-a": ## section, ### Q: question, A: answer ---------------------------------

QLINE = re.compile(r"^###\s+Q[:：]\s*(.+?)\s*$")
ALINE = re.compile(r"^A[:：]\s*(.*)$")


def _score_qa(lines: list[str]) -> int:
    return sum(1 for line in lines if QLINE.match(line)) * 2


def _parse_qa(file: str, lines: list[str]) -> Parsed:
    c = _Collector(file, "q-and-a")
    for number, line in enumerate(lines, start=1):
        if m := QLINE.match(line):
            c.ask(number, m.group(1))
        elif line.startswith("#"):
            c.close()
            c.section = line.lstrip("#").strip()
        elif c.asking:
            a = ALINE.match(line)
            c.body.append(a.group(1) if a and not c.body else line)
    return c.result()


# --- layout "notion": - **question** bullets with indented answers, <img>, tables -------------

NOTION_Q = re.compile(r"^- \*\*(.+?)\*\*\s*$")
TABLE_ROW = re.compile(r"^\|.*\|\s*$")


def _score_notion(lines: list[str]) -> int:
    return sum(1 for line in lines if NOTION_Q.match(line)) * 2


def _parse_notion(file: str, lines: list[str]) -> Parsed:
    c = _Collector(file, "notion", lambda question, body: dedent(body))
    for number, line in enumerate(lines, start=1):
        if m := NOTION_Q.match(line):
            c.ask(number, m.group(1))
        elif line.startswith("# "):
            c.close()
            c.section = line[2:].strip()
        elif c.asking:
            c.body.append(line)
        elif TABLE_ROW.match(line) and not re.match(r"^\|[\s\-|:]+\|\s*$", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            c.exclude(number, cells[0], "row of the glossary table at the top, not a question")
    return c.result()


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "index-and-headings",
        "### sections, a **题目：** index, #### numbered questions",
        _score_index_headings,
        _parse_index_headings,
    ),
    Layout(
        "headings", "### question headings with free-text answers", _score_headings, _parse_headings
    ),
    Layout(
        "pdf-numbered", "PDF export: numbered questions, lone '-' bullets", _score_pdf, _parse_pdf
    ),
    Layout("q-and-a", "### Q: question / A: answer", _score_qa, _parse_qa),
    Layout(
        "notion",
        "Notion export: - **question** bullets, indented answers",
        _score_notion,
        _parse_notion,
    ),
)


def detect_layout(lines: list[str]) -> Layout | None:
    """The layout whose features this text shows most; None when it shows none of them."""
    scored = [(layout.score(lines), layout) for layout in LAYOUTS]
    best_score, best = max(scored, key=lambda pair: pair[0])
    return best if best_score >= 2 else None
