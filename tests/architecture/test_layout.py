"""The shape the code keeps: dependencies point one way, nothing grows into a god class.

- `bot/core` imports no platform, CLI, HTTP or SQL library: it runs the same for the console,
  Discord, Slack, the tests and the benchmarks.
- `content` and `storage` import nothing from `bot`.
- No class over MAX_CLASS_LINES, no function over MAX_FUNCTION_LINES (migrations aside): past
  that, split it along its own seams.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
MAX_CLASS_LINES = 400
MAX_FUNCTION_LINES = 60
CORE_MUST_NOT_IMPORT = (
    "discord",
    "slack_bolt",
    "slack_sdk",
    "typer",
    "httpx",
    "sqlalchemy",
    "aiohttp",
)


def python_files(*folders: str) -> list[Path]:
    files = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    return [path for path in files if "migrations" not in path.parts]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_core_imports_no_platform_cli_http_or_sql_library() -> None:
    leaks = [
        f"{rel(path)} imports {module}"
        for path in python_files("bot/core")
        for module in sorted(imported_modules(path))
        if module.split(".")[0] in CORE_MUST_NOT_IMPORT
    ]
    assert leaks == []


@pytest.mark.parametrize("package", ["content", "storage"])
def test_content_and_storage_do_not_depend_on_the_bot(package: str) -> None:
    leaks = [
        f"{rel(path)} imports {module}"
        for path in python_files(package)
        for module in sorted(imported_modules(path))
        if module == "bot" or module.startswith("bot.")
    ]
    assert leaks == []


def test_no_god_classes_and_no_long_functions() -> None:
    too_big = []
    for path in python_files("bot", "content", "storage"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assert node.end_lineno is not None
            lines = node.end_lineno - node.lineno + 1
            limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
            if lines > limit:
                too_big.append(f"{rel(path)}:{node.lineno} {node.name} has {lines} lines")
    assert too_big == []
