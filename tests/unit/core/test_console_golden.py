"""A scripted interview, rendered as the console shows it, must read the same as the golden file.

The transcript covers start, a good and a bad answer, a hint, a skip, a timeout, the summary,
the leaderboard, stats and review. A change that alters what a member reads fails here; when
the change is meant, regenerate with `GOLDEN_UPDATE=1 pytest tests/unit/core/test_console_golden.py`
and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from core_harness import GOOD, BotProcess

from bot.adapters.console.render import render_all

GOLDEN = Path(__file__).parent / "golden" / "console_transcript.txt"

SCRIPT: list[tuple[str, float]] = [
    # (line typed, seconds the member takes before typing it)
    ("topics", 0),
    ("start rag 3 60", 0),
    ("<good>", 20),
    ("hint", 5),
    ("RAG 就是先检索。", 10),
    ("status", 3),
    ("<timeout>", 0),
    ("leaderboard", 0),
    ("stats", 0),
    ("mark low", 0),
    ("<wait>", 5 * 3600),
    ("lang en", 0),
    ("review", 0),
    ("skip", 4),
    ("<good>", 15),
    ("stop", 0),
    ("start rag 2 60", 5),
    ("stop", 0),
    ("leaderboard all", 0),
]


async def _transcript(bot: BotProcess) -> str:
    out: list[str] = []
    last_question: str | None = None
    for line, wait in SCRIPT:
        bot.clock.advance(wait)
        if line == "<wait>":
            out.append(f"[time passes: {wait:.0f} s]")
            continue
        if line == "<timeout>":
            out.append("[time passes: 61 s]")
            for views in await bot.advance(61):
                out.append(render_all(views))
            continue
        if line == "<good>":
            line = GOOD.get(last_question or "", "不知道")
        out.append(f"> {line}")
        views = await bot.say(line)
        out.append(render_all(views))
        for view in views:
            if view.kind == "question":
                last_question = view.question_id
        for _, _, later in bot.messenger.pop():
            out.append(render_all(later))
    return "\n\n".join(out) + "\n"


async def test_a_scripted_interview_reads_as_before(bot: BotProcess) -> None:
    text = await _transcript(bot)
    if os.environ.get("GOLDEN_UPDATE"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
