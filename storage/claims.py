"""Claimed rows: what must go out once (a daily post, a weekly digest), claim first, then send.

A row is claimed by inserting it under a unique key; a second insert is a no-op, so whoever's
insert lost sends nothing. The row then carries a lease and, once known, the send's outcome
(the platform's message id, or the error). An expired lease on a row still 'claimed' means its
sender died, or is due to retry: exactly one caller may take it over with a conditional update.
A row whose `closes_at` has passed unsent is failed, so nobody tries it again.

Every table used here has the columns id, state, lease_until, tries, message_id, error,
posted_at and closes_at; `ClaimRows` builds the jobs for one of them.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from storage.base import aware_utc, first_row, row_count
from storage.runner import Job

R = TypeVar("R")

Insert = sqlite.Insert | postgresql.Insert


class ClaimRows(Generic[R]):
    """The claim, lease and outcome jobs of one table of claimed rows."""

    def __init__(self, table: sa.Table, record: Callable[[RowMapping], R]) -> None:
        self.table = table
        self._record = record

    def claim(
        self, insert: Insert, values: dict[str, Any], *, lease_until: datetime
    ) -> Job[R | None]:
        """Insert the row as 'claimed' with a lease: the new record, or None if the unique
        key says it was claimed before (here or in another process)."""
        statement = (
            insert.values(
                **values,
                state="claimed",
                lease_until=aware_utc(lease_until, "lease_until"),
                tries=0,
            )
            .on_conflict_do_nothing()
            .returning(*self.table.c)
        )
        return first_row(statement, self._record)

    def take_over(self, claim_id: int, *, now: datetime, lease_until: datetime) -> Job[R | None]:
        """Take a claim whose sender died or is due to retry; None if someone holds it."""
        c = self.table.c
        update = (
            sa.update(self.table)
            .where(
                (c.id == claim_id)
                & (c.state == "claimed")
                & (c.lease_until <= aware_utc(now, "now"))
            )
            .values(lease_until=aware_utc(lease_until, "lease_until"))
            .returning(*self.table.c)
        )
        return first_row(update, self._record)

    def sent(
        self, claim_id: int, *, message_id: str | None, now: datetime, state: str = "posted"
    ) -> Job[R | None]:
        """The send went through (or, with another `state`, there was nothing to send)."""
        c = self.table.c
        update = (
            sa.update(self.table)
            .where((c.id == claim_id) & (c.state == "claimed"))
            .values(
                state=state,
                message_id=message_id,
                posted_at=aware_utc(now, "now"),
                lease_until=None,
                tries=c.tries + 1,
                error=None,
            )
            .returning(*self.table.c)
        )
        return first_row(update, self._record)

    def failed(self, claim_id: int, *, error: str, retry_at: datetime | None) -> Job[int]:
        """A send failed: retry after `retry_at` (anyone may take it then), or give up (None)."""
        c = self.table.c
        values: dict[str, Any] = {"error": error[:512], "tries": c.tries + 1}
        if retry_at is None:
            values.update(state="failed", lease_until=None)
        else:
            values["lease_until"] = aware_utc(retry_at, "retry_at")
        update = (
            sa.update(self.table)
            .where((c.id == claim_id) & (c.state == "claimed"))
            .values(**values)
        )
        return row_count(update)

    def to_resume(self, now: datetime) -> sa.Select[Any]:
        """Claims with no outcome whose lease ran out while they may still go out."""
        c = self.table.c
        now = aware_utc(now, "now")
        return (
            sa.select(self.table)
            .where((c.state == "claimed") & (c.lease_until <= now) & (c.closes_at > now))
            .order_by(c.id)
        )

    def expire_unsent(self, now: datetime, *, reason: str) -> Job[int]:
        """Claims never sent before they closed: failed, so nobody tries again."""
        c = self.table.c
        update = (
            sa.update(self.table)
            .where((c.state == "claimed") & (c.closes_at <= aware_utc(now, "now")))
            .values(state="failed", lease_until=None, error=reason)
        )
        return row_count(update)
