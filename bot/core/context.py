"""Who a command is for, resolved once per command: actor, place, member record and language."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from bot.core.commands import Actor, Locale, Place
from storage import Store
from storage.models import Member


@dataclass(frozen=True)
class MemberContext:
    actor: Actor
    place: Place
    member: Member
    locale: Locale


async def member_by_id(store: Store, member_id: int) -> Member | None:
    """The member with this id (the deadline watcher knows sessions, not actors).

    The Store contract has no lookup by id yet (requested from the storage helper); until it
    has, read the one row through the store's own engine rather than keep actors in memory.
    """
    getter = getattr(store, "get_member", None)
    if getter is not None:
        found: Member | None = await getter(member_id)
        return found
    from storage.tables import members

    async with store.engine.connect() as conn:
        query = sa.select(members).where(members.c.id == member_id)
        row = (await conn.execute(query)).mappings().first()
    return None if row is None else Member.model_validate(dict(row))
