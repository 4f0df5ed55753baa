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
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_TYPED_STARTS = frozenset(k for k in _Base.yaml_implicit_resolvers if k)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, resolving most plain scalars without trying every implicit type.

    Only a scalar starting with a character some implicit resolver (int, float, bool, null, ...)
    starts with can be anything but a string; the bank's scalars are mostly Chinese text, and the
    generic resolver's per-scalar bookkeeping was a third of the bank's load time.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _TYPED_STARTS:
            return _STR
        return super().resolve(kind, value, implicit)


class LocatedYaml:
    """A parsed YAML document with its node tree, so any path can be turned into a line."""

    def __init__(self, file: Path, data: Any, root: yaml.Node | None) -> None:
        self.file = file
        self.data = data
        self._root = root

    def line_of(self, path: Sequence[int | str]) -> int:
        """The 1-based line of the deepest node on `path` that exists (1 for the document)."""
        node = self._root
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
    root, data = _compose_and_construct(file, text)
    return LocatedYaml(file, data, root)


def _compose_and_construct(file: Path, text: str) -> tuple[yaml.Node | None, Any]:
    """One pass of the parser: the node tree (kept for line numbers) and the data built from it."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (_construct(root, loader) if root is not None else None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlFileError(file, line, f"YAML syntax: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise YamlFileError(file, 1, f"YAML syntax: {exc}") from exc
    except RecursionError as exc:
        raise YamlFileError(file, 1, "YAML syntax: an alias refers to a node it is inside") from exc
    finally:
        loader.dispose()


def _construct(node: yaml.Node, loader: Any) -> Any:
    """The data of a node tree: strings, lists and plain mappings built directly (most of the
    bank), anything else (numbers, dates, merge keys, explicit tags) by the safe constructor.

    PyYAML's generic constructor spends most of the bank's load time on bookkeeping for
    recursive structures that a bank file never has.
    """
    kind = type(node)
    if kind is yaml.ScalarNode and node.tag == _STR:
        return node.value
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_construct(item, loader) for item in node.value]
    if kind is yaml.MappingNode and node.tag == _MAP:
        pairs = node.value
        if not any(key.tag == _MERGE for key, _ in pairs):
            mapping: dict[Any, Any] = {}
            for key_node, value_node in pairs:
                key = _construct(key_node, loader)
                value = _construct(value_node, loader)
                try:
                    mapping[key] = value
                except TypeError as exc:  # an unhashable key, as the safe constructor says
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from exc
            return mapping
    return loader.construct_object(node, deep=True)


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
