"""The spaced-review schedule: one fsrs card per member and question."""

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa

from storage.base import StoreBase, aware_utc
from storage.models import (
    ReviewCard,
)
from storage.tables import review_cards


class ReviewStore(StoreBase):
    """Review cards."""

    async def get_review_card(self, member_id: int, question_id: str) -> ReviewCard | None:
        query = sa.select(review_cards).where(
            (review_cards.c.member_id == member_id) & (review_cards.c.question_id == question_id)
        )

        def job(conn: sa.Connection) -> ReviewCard | None:
            row = conn.execute(query).mappings().first()
            return ReviewCard.model_validate(dict(row)) if row else None

        return await self._run.read(job)

    async def get_review_cards(
        self, pairs: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], ReviewCard]:
        """The cards of these (member, question) pairs that exist, in one read."""
        wanted = sorted(set(pairs))
        if not wanted:
            return {}
        query = sa.select(review_cards).where(
            sa.tuple_(review_cards.c.member_id, review_cards.c.question_id).in_(wanted)
        )

        def job(conn: sa.Connection) -> dict[tuple[int, str], ReviewCard]:
            cards = [ReviewCard.model_validate(dict(row)) for row in conn.execute(query).mappings()]
            return {(card.member_id, card.question_id): card for card in cards}

        return await self._run.read(job)

    async def save_review_cards(self, cards: Sequence[ReviewCard]) -> None:
        """Insert or replace many cards in one transaction (the review queue writes in batches:
        one SQLite commit for many reviews instead of one each)."""
        if not cards:
            return
        insert = self._insert(review_cards)
        upsert = insert.on_conflict_do_update(
            index_elements=[review_cards.c.member_id, review_cards.c.question_id],
            set_={k: insert.excluded[k] for k in ("card", "due_at", "updated_at")},
        )
        rows = [
            {
                "member_id": card.member_id,
                "question_id": card.question_id,
                "card": card.card,
                "due_at": aware_utc(card.due_at, "due_at"),
                "updated_at": aware_utc(card.updated_at, "updated_at"),
            }
            for card in cards
        ]

        def job(conn: sa.Connection) -> None:
            conn.execute(upsert, rows)

        await self._run.write(job)

    async def review_schedule(self, member_id: int) -> list[tuple[str, datetime]]:
        """(question id, due) of every card this member has, soonest first.

        A member has at most one card per question of the bank: a short list, filtered by the
        core (topic, questions still in the bank) rather than in SQL.
        """
        query = (
            sa.select(review_cards.c.question_id, review_cards.c.due_at)
            .where(review_cards.c.member_id == member_id)
            .order_by(review_cards.c.due_at, review_cards.c.question_id)
        )

        def job(conn: sa.Connection) -> list[tuple[str, datetime]]:
            return [(row.question_id, row.due_at) for row in conn.execute(query)]

        return await self._run.read(job)

    async def delete_review_card(self, member_id: int, question_id: str) -> None:
        """Nothing to review any more (a corrected grade shows the question was answered well)."""
        delete = sa.delete(review_cards).where(
            (review_cards.c.member_id == member_id) & (review_cards.c.question_id == question_id)
        )

        def job(conn: sa.Connection) -> None:
            conn.execute(delete)

        await self._run.write(job)
