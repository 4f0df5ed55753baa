"""The answer modal: what it shows, what it carries, and reading a submission back.

The modal carries everything needed to apply the answer (the button's id and where the card
was) in `private_metadata`, so a submission after a restart still lands on the right question.
Slack allows 3,000 characters in a text input; the core's own limit is higher, so the modal's
is the one a member meets.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.adapters.slack.texts import st
from bot.core.commands import Place

ANSWER_CALLBACK = "iv_answer_modal"
INPUT_BLOCK = "answer"
INPUT_ACTION = "text"
MODAL_MAX_CHARS = 3000  # Slack's plain_text_input limit
TITLE_MAX = 24  # Slack's modal title limit


class ModalMeta(BaseModel):
    """What a modal remembers between opening and submission."""

    action: str  # the id of the button that opened it (bot.core.ids)
    channel: str | None = None
    thread: str | None = None

    @property
    def place(self) -> Place:
        return Place(channel_id=self.channel, thread_id=self.thread)


def answer_modal(
    locale: str, meta: ModalMeta, question: str, *, callback_id: str = ANSWER_CALLBACK
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": meta.model_dump_json(),
        "title": {"type": "plain_text", "text": st(locale, "modal.title")[:TITLE_MAX]},
        "submit": {"type": "plain_text", "text": st(locale, "modal.submit")},
        "close": {"type": "plain_text", "text": st(locale, "modal.cancel")},
        "blocks": [
            *(
                [{"type": "section", "text": {"type": "plain_text", "text": question[:2900]}}]
                if question
                else []
            ),
            {
                "type": "input",
                "block_id": INPUT_BLOCK,
                "label": {"type": "plain_text", "text": st(locale, "modal.label")},
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT_ACTION,
                    "multiline": True,
                    "max_length": MODAL_MAX_CHARS,
                    "placeholder": {"type": "plain_text", "text": st(locale, "modal.placeholder")},
                },
            },
        ],
    }


def read_meta(view: dict[str, Any]) -> ModalMeta | None:
    try:
        return ModalMeta.model_validate(json.loads(view.get("private_metadata") or ""))
    except (ValueError, ValidationError):
        return None


def read_answer(view: dict[str, Any]) -> str:
    values = ((view.get("state") or {}).get("values") or {}).get(INPUT_BLOCK) or {}
    return str((values.get(INPUT_ACTION) or {}).get("value") or "")


def answer_problem(locale: str, text: str) -> str | None:
    """Why the modal cannot be accepted as it is (shown under the input), or None."""
    if not text.strip():
        return st(locale, "modal.empty")
    if len(text) > MODAL_MAX_CHARS:
        return st(locale, "modal.too_long", limit=MODAL_MAX_CHARS, length=len(text))
    return None


def errors(message: str) -> dict[str, Any]:
    """The ack that keeps the modal open with `message` under the input."""
    return {"response_action": "errors", "errors": {INPUT_BLOCK: message[:2000]}}
