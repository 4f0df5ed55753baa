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
