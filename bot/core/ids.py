"""One codec for what buttons and actions carry, so every platform sends the same strings.

Discord puts the string in a component's `custom_id` (at most 100 characters, rebuilt after a
restart by a `DynamicItem`), Slack in a block element's `action_id`. A decoded action names the
session and question (or attempt, or daily post) it was shown under; the core, not the adapter,
decides whether it is still open and whose it is.

Grammar: `iv:<verb>[:<field>…]`, fields are short ASCII tokens. Anything else (an unknown verb,
a tampered or truncated field, a foreign id) decodes to None and never raises.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PREFIX = "iv"
MAX_ID_CHARS = 100  # Discord's custom_id limit; Slack's action_id allows 255

_SESSION = re.compile(r"[0-9a-f]{32}")
_NUMBER = re.compile(r"[0-9]{1,12}")


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuestionAction(_Action):
    """A button under one question of one session: answer (opens the modal), hint, skip, stop."""

    verb: Literal["answer", "hint", "skip", "stop"]
    session_id: str
    position: int = Field(ge=1)  # 1-based, as QuestionCard.position


class MarkAction(_Action):
    """ "Grade too low / too high" under the feedback of one attempt."""

    verb: Literal["mark"] = "mark"
    attempt_id: int = Field(ge=1)
    verdict: Literal["too_low", "too_high"]


class DailyAnswerAction(_Action):
    """The Answer button of one daily post."""

    verb: Literal["daily"] = "daily"
    post_id: int = Field(ge=1)


class ForgetAction(_Action):
    """The confirm / cancel buttons of `forget-me`."""

    verb: Literal["forget"] = "forget"
    confirm: bool


class ReviewAction(_Action):
    """ "Start review" (Slack's App Home)."""

    verb: Literal["review"] = "review"


Action = Annotated[
    QuestionAction | MarkAction | DailyAnswerAction | ForgetAction | ReviewAction,
    Field(discriminator="verb"),
]

_MARK = {"too_low": "low", "too_high": "high"}
_MARK_BACK = {short: verdict for verdict, short in _MARK.items()}


def encode(action: Action) -> str:
    """The id a button carries for `action`; decode(encode(a)) == a."""
    match action:
        case QuestionAction(verb=verb, session_id=session_id, position=position):
            fields = [verb, session_id, str(position)]
        case MarkAction(attempt_id=attempt_id, verdict=verdict):
            fields = ["mark", str(attempt_id), _MARK[verdict]]
        case DailyAnswerAction(post_id=post_id):
            fields = ["daily", str(post_id)]
        case ForgetAction(confirm=confirm):
            fields = ["forget", "yes" if confirm else "no"]
        case ReviewAction():
            fields = ["review"]
    encoded = ":".join([PREFIX, *fields])
    if len(encoded) > MAX_ID_CHARS:  # pragma: no cover - fields are bounded above
        raise ValueError(f"action id over {MAX_ID_CHARS} characters: {encoded!r}")
    return encoded


def decode(raw: str) -> Action | None:
    """The action an id stands for, or None for anything this codec did not write."""
    if not isinstance(raw, str) or len(raw) > MAX_ID_CHARS:
        return None
    prefix, _, rest = raw.partition(":")
    if prefix != PREFIX:
        return None
    verb, *fields = rest.split(":")
    try:
        return _decode(verb, fields)
    except ValidationError:
        return None


def _decode(verb: str, fields: list[str]) -> Action | None:
    match verb, fields:
        case (("answer" | "hint" | "skip" | "stop"), [session_id, position]) if _SESSION.fullmatch(
            session_id
        ) and _NUMBER.fullmatch(position):
            return QuestionAction(verb=verb, session_id=session_id, position=int(position))
        case "mark", [attempt_id, verdict] if (
            _NUMBER.fullmatch(attempt_id) and verdict in _MARK_BACK
        ):
            return MarkAction(attempt_id=int(attempt_id), verdict=_MARK_BACK[verdict])
        case "daily", [post_id] if _NUMBER.fullmatch(post_id):
            return DailyAnswerAction(post_id=int(post_id))
        case "forget", [answer] if answer in ("yes", "no"):
            return ForgetAction(confirm=answer == "yes")
        case "review", []:
            return ReviewAction()
    return None


# Regular expressions an adapter registers to receive these ids (discord.py DynamicItem
# templates, bolt's action matchers): one per family, anchored.
QUESTION_ID_PATTERN = (
    r"^iv:(?P<verb>answer|hint|skip|stop):(?P<session_id>[0-9a-f]{32}):(?P<position>[0-9]{1,12})$"
)
MARK_ID_PATTERN = r"^iv:mark:(?P<attempt_id>[0-9]{1,12}):(?P<verdict>low|high)$"
DAILY_ID_PATTERN = r"^iv:daily:(?P<post_id>[0-9]{1,12})$"
FORGET_ID_PATTERN = r"^iv:forget:(?P<answer>yes|no)$"
REVIEW_ID_PATTERN = r"^iv:review$"
ANY_ID_PATTERN = r"^iv:"
