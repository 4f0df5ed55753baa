"""Button ids survive the round trip, fit Discord's limit, and anything foreign decodes to None."""

from __future__ import annotations

import re

import pytest

from bot.core import ids
from bot.core.ids import (
    DailyAnswerAction,
    ForgetAction,
    MarkAction,
    QuestionAction,
    ReviewAction,
)

SESSION = "0123456789abcdef0123456789abcdef"

ACTIONS = [
    QuestionAction(verb="answer", session_id=SESSION, position=1),
    QuestionAction(verb="hint", session_id=SESSION, position=20),
    QuestionAction(verb="skip", session_id=SESSION, position=3),
    QuestionAction(verb="stop", session_id=SESSION, position=999_999_999_999),
    MarkAction(attempt_id=1, verdict="too_low"),
    MarkAction(attempt_id=999_999_999_999, verdict="too_high"),
    DailyAnswerAction(post_id=42),
    ForgetAction(confirm=True),
    ForgetAction(confirm=False),
    ReviewAction(),
]

PATTERNS = {
    "answer": ids.QUESTION_ID_PATTERN,
    "hint": ids.QUESTION_ID_PATTERN,
    "skip": ids.QUESTION_ID_PATTERN,
    "stop": ids.QUESTION_ID_PATTERN,
    "mark": ids.MARK_ID_PATTERN,
    "daily": ids.DAILY_ID_PATTERN,
    "forget": ids.FORGET_ID_PATTERN,
    "review": ids.REVIEW_ID_PATTERN,
}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: ids.encode(a))
def test_every_action_round_trips_within_discords_limit(action: ids.Action) -> None:
    encoded = ids.encode(action)
    assert len(encoded) <= 100
    assert ids.decode(encoded) == action
    assert re.fullmatch(PATTERNS[action.verb], encoded)
    assert re.match(ids.ANY_ID_PATTERN, encoded)


def test_the_ids_are_the_documented_strings() -> None:
    # Both platforms and buttons posted before a restart carry these exact strings.
    assert ids.encode(ACTIONS[0]) == f"iv:answer:{SESSION}:1"
    assert ids.encode(ACTIONS[4]) == "iv:mark:1:low"
    assert ids.encode(ACTIONS[6]) == "iv:daily:42"
    assert ids.encode(ACTIONS[7]) == "iv:forget:yes"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "iv",
        "iv:",
        "iv:answer",
        f"iv:answer:{SESSION}",
        f"iv:answer:{SESSION}:0",  # positions are 1-based
        f"iv:answer:{SESSION}:-1",
        f"iv:answer:{SESSION}:1:extra",
        f"iv:answer:{SESSION.upper()}:1",
        f"iv:answer:{SESSION[:-1]}:1",
        f"iv:delete:{SESSION}:1",
        "iv:mark:12:medium",
        "iv:mark:0:low",
        "iv:mark:abc:low",
        "iv:daily:",
        "iv:daily:1e3",
        "iv:daily:" + "9" * 13,
        "iv:forget:maybe",
        "iv:review:now",
        "xx:answer:" + SESSION + ":1",
        "iv:answer:" + SESSION + ":1" + " " * 100,
        "iv:ａnswer:" + SESSION + ":1",
        "\x00",
    ],
)
def test_unknown_or_tampered_ids_decode_to_nothing(raw: str) -> None:
    assert ids.decode(raw) is None


def test_decode_never_raises_on_junk() -> None:
    for raw in ("iv:" + ":" * 50, "iv:mark:" + "1" * 90, "iv:answer::", "🙂", "iv:daily:１２"):
        assert ids.decode(raw) is None
