"""First drafts of key-point facets for bank files that have none, written into the YAML in place.

Run: python -m content.facet_drafts content/bank/*.yaml

A draft is one facet made of the point's aliases, phrases first: it keeps today's grading of the
point and passes `content validate`, but it is not yet a claim. A curator then rewrites the facets
of each point as what the point says about its concept (see `content/schema.py`, `KeyPoint`),
e.g. `[[ZeRO-2, stage 2], [梯度, gradient]]` rather than one list of terms. Points that already
have facets are left alone, so the script can be rerun after a curator's edits.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_ALIASES = re.compile(r"^(?P<indent>\s*)(?:- )?aliases:\s*(?P<flow>\[.*\])?\s*$")
_FACETS = re.compile(r"^\s*(?:- )?facets:")


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _phrase_first(aliases: list[str]) -> list[str]:
    """Phrases (4+ CJK characters, or several words) before bare terms."""

    def phrase(alias: str) -> bool:
        return sum(map(_is_cjk, alias)) >= 4 or len(alias.split()) >= 2

    return [a for a in aliases if phrase(a)] + [a for a in aliases if not phrase(a)]


def _block_items(lines: list[str], start: int, indent: str) -> tuple[list[str], int]:
    """The block-style list under `aliases:` starting at `start`; returns items and next line."""
    items: list[str] = []
    i = start
    item = re.compile(rf"^{re.escape(indent)}\s*- (.*)$")
    while i < len(lines):
        found = item.match(lines[i])
        if not found:
            break
        import yaml

        items.append(str(yaml.safe_load(found.group(1))))
        i += 1
    return items, i


def draft(text: str) -> str:
    import yaml

    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        found = _ALIASES.match(line)
        if not found:
            out.append(line)
            i += 1
            continue
        key_indent = found.group("indent") + ("  " if line.lstrip().startswith("- ") else "")
        if found.group("flow"):
            aliases = [str(a) for a in yaml.safe_load(found.group("flow"))]
            out.append(line)
            i += 1
        else:
            aliases, end = _block_items(lines, i + 1, found.group("indent"))
            out.extend(lines[i:end])
            i = end
        # Facets already written (by a curator, or an earlier run) stay as they are.
        following = lines[i : i + 3]
        if any(_FACETS.match(f) for f in following):
            continue
        facet = [_phrase_first(aliases)] if aliases else []
        if facet:
            out.append(f"{key_indent}facets: {json.dumps(facet, ensure_ascii=False)}")
    return "\n".join(out)


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        path.write_text(draft(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
