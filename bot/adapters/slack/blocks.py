"""Block Kit building blocks and Slack's size limits, so render.py only says what goes where.

Limits (Slack's): 3,000 characters of text per section, 50 blocks per message, 150 characters
per header, 75 per button label, 10 elements per context block. Text from the bank and from
members is escaped (&, <, >) so it can never ping a channel or forge a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SECTION_MAX = 3000
BLOCKS_MAX = 50
HEADER_MAX = 150
BUTTON_LABEL_MAX = 75
FALLBACK_MAX = 3000

Block = dict[str, Any]


@dataclass
class SlackMessage:
    """One chat message: blocks, and the plain text Slack shows in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def escape(text: str) -> str:
    """Member or bank text inside mrkdwn: no <!channel>, no forged links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
_TABLE = re.compile(r"(?:^[ \t]*\|.*\|[ \t]*(?:\n|$))+", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\|[\s:|-]+\|$")
FENCE = "```"


def markdown_to_mrkdwn(text: str) -> str:
    """The bank's Markdown as Slack mrkdwn: **bold** → *bold*, headings → bold lines, tables
    (which mrkdwn lacks) → a preformatted block without the |---| row."""
    text = _TABLE.sub(_preformatted_table, escape(text))
    text = _HEADING.sub(r"*\1*", text)
    return _BOLD.sub(r"*\1*", text)


def _preformatted_table(match: re.Match[str]) -> str:
    rows = [row.strip() for row in match.group(0).strip("\n").split("\n")]
    kept = [_BOLD.sub(r"\1", row) for row in rows if not _TABLE_RULE.match(row)]
    return "```\n" + "\n".join(kept) + "\n```\n"


def split_lines(text: str, limit: int = SECTION_MAX) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at line ends where possible; a
    preformatted block cut in two is closed at the cut and opened again after it."""
    if FENCE not in text:
        return _cut(text, limit)
    pieces: list[str] = []
    open_block = False
    for piece in _cut(text, limit - 2 * (len(FENCE) + 1)):
        shown = f"{FENCE}\n{piece}" if open_block else piece
        open_block = shown.count(FENCE) % 2 == 1
        pieces.append(f"{shown}\n{FENCE}" if open_block else shown)
    return pieces


def _cut(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one line longer than a section: cut it where it must be
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = line if not current else f"{current}\n{line}"
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces or [""]


def section(text: str) -> list[Block]:
    """One or more mrkdwn sections holding `text` (already mrkdwn), each within the limit."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in split_lines(text)
        if piece.strip()
    ]


def header(text: str) -> Block:
    if len(text) > HEADER_MAX:
        text = text[: HEADER_MAX - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": piece} for piece in texts[:10] if piece],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(label: str, action_id: str, *, style: str | None = None, value: str = "") -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label[:BUTTON_LABEL_MAX], "emoji": True},
        "action_id": action_id,
        "value": value or action_id,
    }
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def chunk(message: SlackMessage) -> list[SlackMessage]:
    """A message within 50 blocks, or several in order (the fallback text on the first)."""
    if len(message.blocks) <= BLOCKS_MAX:
        return [message]
    out = []
    for start in range(0, len(message.blocks), BLOCKS_MAX):
        text = message.text if start == 0 else "…"
        out.append(SlackMessage(text=text, blocks=message.blocks[start : start + BLOCKS_MAX]))
    return out


def plain(text: str) -> str:
    """A notification text: one line, within Slack's fallback size."""
    flat = " ".join(text.split())
    return flat if len(flat) <= FALLBACK_MAX else flat[: FALLBACK_MAX - 1] + "…"
