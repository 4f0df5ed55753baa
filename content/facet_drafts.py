"""First drafts of key-point facets for bank files that have none, written into the YAML in place.

Run: python -m content.facet_drafts content/bank/*.yaml

A draft is one facet made of the point's aliases, written as a YAML alias of the list
(`aliases: &kp3 [...]`, `facets: [*kp3]`, so the bank does not grow and loads as fast): it keeps
today's grading of the point and passes `content validate`, but it is not yet a claim. A curator then rewrites the facets
of each point as what the point says about its concept (see `content/schema.py`, `KeyPoint`),
e.g. `[[ZeRO-2, stage 2], [梯度, gradient]]` rather than one list of terms. Points that already
have facets are left alone, so the script can be rerun after a curator's edits.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_ALIASES = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?aliases:\s*(?P<flow>\[.*\])?\s*$")
_FACETS = re.compile(r"^\s*(?:- )?facets:")


def _block_end(lines: list[str], start: int, indent: str) -> int:
    """The line after the block-style list under `aliases:` that starts at `start`."""
    item = re.compile(rf"^{re.escape(indent)}\s*- ")
    i = start
    while i < len(lines) and item.match(lines[i]):
        i += 1
    return i


def _has_facets(lines: list[str], start: int, key_indent: str) -> bool:
    """The key point whose keys sit at `key_indent` has a `facets:` key after line `start`."""
    for line in lines[start:]:
        if not line.startswith(key_indent) or line[len(key_indent) :].startswith((" ", "-")):
            if line.strip() and not line.startswith(key_indent + " "):
                return False
            continue
        if _FACETS.match(line):
            return True
    return False


def draft(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    anchor = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _ALIASES.match(line)
        if not found:
            out.append(line)
            i += 1
            continue
        indent = found.group("indent")
        key_indent = indent + ("  " if found.group("dash") else "")
        end = i + 1 if found.group("flow") else _block_end(lines, i + 1, indent)
        # Facets already written (by a curator, or an earlier run) stay as they are.
        if _has_facets(lines, end, key_indent):
            out.extend(lines[i:end])
            i = end
            continue
        anchor += 1
        name = f"kp{anchor}"
        head = f"{indent}{found.group('dash') or ''}aliases: &{name}"
        out.append(f"{head} {found.group('flow')}" if found.group("flow") else head)
        out.extend(lines[i + 1 : end])
        out.append(f"{key_indent}facets: [*{name}]")
        i = end
    return "\n".join(out)


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        path.write_text(draft(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
