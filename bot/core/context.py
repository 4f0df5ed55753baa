"""Who a command is for, resolved once per command: actor, place, member record and language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands import Actor, Locale, Place
from storage.models import Member


@dataclass(frozen=True)
class MemberContext:
    actor: Actor
    place: Place
    member: Member
    locale: Locale
    # How many questions this process had asked when the command arrived (before any await):
    # an answer is never taken for a question asked after it (SessionSteps.asked_since).
    arrived: int = 0
