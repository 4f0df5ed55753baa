"""Write bank and exclusion files as readable YAML, all or nothing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from content.schema import Exclusion, Question


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (answers) as `|` blocks so the bank stays reviewable in a diff."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def question_data(question: Question) -> dict[str, Any]:
    data = question.model_dump(mode="json", exclude_none=True)
    for flag in ("revised", "needs_review"):
        if not data.get(flag):
            data.pop(flag, None)
    if not data.get("answer", "").endswith("\n") and "\n" in data.get("answer", ""):
        data["answer"] += "\n"
    return data


def render_bank_file(topic: str, questions: list[Question]) -> str:
    body = {"topic": topic, "questions": [question_data(q) for q in questions]}
    return _dump(body)


def render_exclusions(excluded: list[Exclusion]) -> str:
    ordered = sorted(excluded, key=lambda e: (e.file, e.line))
    header = (
        "# Seed lines that look like questions but are not, and why. Every seed question line is\n"
        "# either in a bank question's `sources` or listed here: nothing is dropped silently.\n"
    )
    return header + _dump({"excluded": [e.model_dump(exclude_none=True) for e in ordered]})


def write_all(files: dict[Path, str]) -> None:
    """Write every file or none: each goes to a temp file first, then all are moved in place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            # mkstemp creates 0600 files; bank files are ordinary readable files.
            os.chmod(tmp_name, 0o644)
            staged.append((Path(tmp_name), path))
    except OSError:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
