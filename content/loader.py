"""Load and validate the question bank: the shipped files plus any team folders.

A bank with any error never half-loads: `load_bank` collects every problem as `file:line: problem`
and raises `BankError`, so the bot refuses to start and says exactly what to fix.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from content.schema import BankFile, Question, Taxonomy, Topic
from content.yaml_lines import LocatedYaml, YamlFileError, load_located

CONTENT_DIR = Path(__file__).resolve().parent
SHIPPED_BANK_DIR = CONTENT_DIR / "bank"
TAXONOMY_FILE = CONTENT_DIR / "topics.yaml"
TAXONOMY_NAME = "topics.yaml"
EXCLUDED_NAME = "excluded.yaml"


class BankError(Exception):
    """Every problem found in the bank, each as 'file:line: problem'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _match_key(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


@dataclass(frozen=True)
class Bank:
    questions: dict[str, Question]
    topics: dict[str, Topic]
    # Where each question was defined, for tools that report on the bank.
    origin: dict[str, Path] = field(default_factory=dict)
    _by_text: dict[str, str] = field(default_factory=dict, repr=False)
    _topic_names: dict[str, str] = field(default_factory=dict, repr=False)

    def find_topic(self, name: str) -> Topic | None:
        """A topic by id, Chinese or English name, or alias; case and spacing do not matter."""
        topic_id = self._topic_names.get(_match_key(name))
        return self.topics.get(topic_id) if topic_id else None

    def in_topic(self, topic_id: str) -> list[Question]:
        return [q for q in self.questions.values() if q.topic == topic_id]

    def find_question(self, text_or_id: str) -> Question | None:
        """A question by id, by its text, or by any seed phrasing recorded in `variants`."""
        if text_or_id in self.questions:
            return self.questions[text_or_id]
        question_id = self._by_text.get(_match_key(text_or_id))
        return self.questions.get(question_id) if question_id else None


def load_bank(extra_dirs: Sequence[Path] = (), *, shipped: bool = True) -> Bank:
    """Load the shipped bank and the team folders; raise BankError listing every problem."""
    with _cyclic_gc_paused():
        return _load_bank(extra_dirs, shipped=shipped)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Loading makes a few hundred thousand objects and no reference cycles; the cyclic collector
    running over them every few hundred allocations doubled the load time. Reference counting
    still frees everything; the collector resumes as it was.

    The bank's objects then go straight to the oldest generation (freeze, then unfreeze: two
    list moves, no scan). Left young, they would be scanned by the next young collections and
    then trigger a full one, pausing the bot for tens of milliseconds while it serves."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _load_bank(extra_dirs: Sequence[Path], *, shipped: bool) -> Bank:
    dirs = ([SHIPPED_BANK_DIR] if shipped else []) + [Path(d) for d in extra_dirs]
    problems: list[str] = []
    topics = _load_taxonomies([TAXONOMY_FILE, *_team_taxonomies(dirs)], problems)
    questions: dict[str, Question] = {}
    origin: dict[str, Path] = {}
    for file in _bank_files(dirs, problems):
        for question, located, index in _load_bank_file(file, problems):
            # Line numbers cost a second parse of the file: only for a problem to report.
            if question.id in questions:
                line = located.line_of(["questions", index])
                problems.append(
                    f"{file}:{line}: duplicate id {question.id!r} (also in {origin[question.id]})"
                )
                continue
            if question.topic not in topics:
                line = located.line_of(["questions", index])
                problems.append(f"{file}:{line}: unknown topic {question.topic!r}")
                continue
            problems.extend(_claim_problems(question, located, index))
            questions[question.id] = question
            origin[question.id] = file
    if problems:
        raise BankError(problems)
    return _index(questions, topics, origin)


def _index(
    questions: dict[str, Question], topics: dict[str, Topic], origin: dict[str, Path]
) -> Bank:
    by_text: dict[str, str] = {}
    for question in questions.values():
        for text in (question.question, *question.variants):
            by_text.setdefault(_match_key(text), question.id)
    names: dict[str, str] = {}
    for topic in topics.values():
        for name in (topic.id, topic.zh, topic.en, *topic.aliases):
            names.setdefault(_match_key(name), topic.id)
    return Bank(questions, topics, origin, by_text, names)


def _team_taxonomies(dirs: Iterable[Path]) -> list[Path]:
    return [d / TAXONOMY_NAME for d in dirs if (d / TAXONOMY_NAME).is_file()]


def _bank_files(dirs: Iterable[Path], problems: list[str]) -> list[Path]:
    files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            problems.append(f"{folder}:1: bank folder does not exist")
            continue
        files.extend(
            f for f in sorted(folder.glob("*.yaml")) if f.name not in (TAXONOMY_NAME, EXCLUDED_NAME)
        )
    return files


def _load_taxonomies(files: list[Path], problems: list[str]) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for file in files:
        located = _parse(file, problems)
        if located is None:
            continue
        try:
            taxonomy = Taxonomy.model_validate(located.data)
        except ValidationError as exc:
            problems.extend(_validation_problems(located, exc))
            continue
        for topic in taxonomy.topics:
            topics.setdefault(topic.id, topic)
    return topics


def _load_bank_file(file: Path, problems: list[str]) -> list[tuple[Question, LocatedYaml, int]]:
    """Each question with where it stands (the file, its index under `questions`)."""
    located = _parse(file, problems)
    if located is None:
        return []
    try:
        bank_file = BankFile.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(_validation_problems(located, exc))
        return []
    return [(question, located, i) for i, question in enumerate(bank_file.questions)]


def _claim_problems(question: Question, located: LocatedYaml, index: int) -> list[str]:
    """A reviewed question's key points must each say what makes them a claim (their facets);
    the importer's drafts are exempt until a curator reviews them."""
    if question.needs_review:
        return []
    return [
        f"{located.file}:{located.line_of(['questions', index, 'key_points', i])}: "
        f"question {question.id!r}: key_points.{i} ({point.point[:30]}) has no facets"
        for i, point in enumerate(question.key_points)
        if not point.facets
    ]


def _parse(file: Path, problems: list[str]) -> LocatedYaml | None:
    try:
        return load_located(file)
    except YamlFileError as exc:
        problems.append(str(exc))
        return None


def _validation_problems(located: LocatedYaml, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        path = [step for step in error["loc"] if isinstance(step, int | str)]
        where = ".".join(str(step) for step in path) or "document"
        out.append(
            f"{located.file}:{located.line_of(path)}: {_question_of(located, path)}{where}: "
            f"{error['msg']}"
        )
    return out


def _question_of(located: LocatedYaml, path: list[int | str]) -> str:
    """ "question 'id': " for a problem inside a question of a bank file, else nothing."""
    if len(path) < 2 or path[0] != "questions" or not isinstance(path[1], int):
        return ""
    try:
        question_id = located.data["questions"][path[1]]["id"]
    except (KeyError, IndexError, TypeError):
        return ""
    return f"question {question_id!r}: " if isinstance(question_id, str) else ""
