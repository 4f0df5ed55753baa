"""YAML loading that remembers line numbers, so every problem can be reported as file:line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


class YamlFileError(Exception):
    def __init__(self, file: Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


# libyaml's C parser when the wheel has it: loading the whole bank is on the start-up path.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, resolving most plain scalars without trying every implicit type.

    Only a scalar starting with a character some implicit resolver (int, float, bool, null, ...)
    starts with can be anything but a string; the bank's scalars are mostly Chinese text, and the
    generic resolver's per-scalar bookkeeping was a third of the bank's load time.
    """

    _typed_starts = frozenset(k for k in _Base.yaml_implicit_resolvers if k)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if (
            kind is yaml.ScalarNode
            and implicit[0]
            and value
            and value[0] not in self._typed_starts
            and not self.yaml_path_resolvers
        ):
            return _STR
        return super().resolve(kind, value, implicit)


class LocatedYaml:
    """A parsed YAML document; its node tree (for line numbers) is built only when asked for.

    Valid files never need line numbers, so composing the node tree is deferred to the first
    `line_of` call, which only happens while reporting a problem.
    """

    def __init__(self, file: Path, data: Any, text: str) -> None:
        self.file = file
        self.data = data
        self._text = text
        self._root: yaml.Node | None = None
        self._composed = False

    @property
    def _tree(self) -> yaml.Node | None:
        if not self._composed:
            self._root = yaml.compose(self._text, Loader=_Loader)
            self._composed = True
        return self._root

    def line_of(self, path: Sequence[int | str]) -> int:
        """The 1-based line of the deepest node on `path` that exists (1 for the document)."""
        node = self._tree
        line = node.start_mark.line + 1 if node is not None else 1
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def load_located(file: Path) -> LocatedYaml:
    """Parse a YAML file; syntax errors become YamlFileError with the line yaml reports."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError(file, 1, f"cannot read file: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (C or Python)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlFileError(file, line, f"YAML syntax: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise YamlFileError(file, 1, f"YAML syntax: {exc}") from exc
    return LocatedYaml(file, data, text)


def _child(node: yaml.Node | None, step: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        item: yaml.Node = node.value[step]
        return item
    return None
