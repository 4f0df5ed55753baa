"""Find the bank question a person meant: by id, by its text, or by any seed phrasing."""

from __future__ import annotations

from bot.core.grading.normalize import compact_key
from content.loader import Bank
from content.schema import Question


def resolve_question(bank: Bank, name: str) -> Question | None:
    """The bank's own lookup first; then a looser comparison that also ignores width, script
    (traditional or simplified) and punctuation, so a pasted `為什麼要增量預訓練?` still finds it."""
    name = name.strip()
    if not name:
        return None
    found = bank.find_question(name)
    if found is not None:
        return found
    key = compact_key(name)
    if not key:
        return None
    for question in bank.questions.values():
        if question.id == name.lower():
            return question
        for text in (question.question, *question.variants):
            if compact_key(text) == key:
                return question
    return None
