"""Text clean-up shared by the layout parsers: drop images and link noise, keep lists and tables."""

from __future__ import annotations

import re

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|www\.)[^)]*\)")
BARE_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*[.、．)]?\s*|[一二三四五六七八九十]+[、.．]\s*)")


def strip_heading_number(text: str) -> str:
    """'1. 为什么…' / '一、为什么…' / '2.1 Throughput' → the question text alone."""
    return HEADING_NUMBER.sub("", text.strip(), count=1).strip()


def clean_question(text: str) -> str:
    text = strip_heading_number(text)
    text = text.strip().strip("*").strip()
    text = text.replace('"', "").replace("“", "").replace("”", "")
    return re.sub(r"\s+", " ", text)


def clean_answer_lines(lines: list[str]) -> str:
    """Join answer lines into Markdown: images and bare links dropped, blank runs folded."""
    kept: list[str] = []
    for raw in lines:
        line = IMG_TAG.sub("", raw)
        line = MD_IMAGE.sub("", line)
        line = MD_LINK.sub(r"\1", line)
        if BARE_URL_LINE.match(line):
            continue
        line = line.rstrip()
        if not line.strip():
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(line)
    while kept and kept[-1] == "":
        kept.pop()
    while kept and kept[0] == "":
        kept.pop(0)
    return "\n".join(kept)


def dedent(lines: list[str]) -> list[str]:
    """Remove the common indentation of the non-blank lines (Notion nests answers under bullets)."""
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return [line[cut:] if line.strip() else "" for line in lines]


def normalise_for_match(text: str) -> str:
    """A key for 'is this the same question text': no punctuation, spaces or case."""
    text = clean_question(text).lower()
    return re.sub(r"[\s\W_]+", "", text)
