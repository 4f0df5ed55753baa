"""The Store: every read and write the bot makes, as jobs on one runner (`storage.runner`).

It is assembled from one part per concern (members, sessions and attempts, standings, review
cards, the daily challenge and its weekly digest, forget-me), all over the one write path in
`storage.base`. State changes that must happen once (finishing an attempt, ending a session,
taking a hint) are single conditional UPDATEs; the row count / RETURNING says whether this call
won, so a restart, a second process or an answer racing its own timeout can never score twice.
"""

from __future__ import annotations

from storage.daily_answers import DailyAnswerStore
from storage.daily_configs import DailyConfigStore
from storage.daily_digests import DailyDigestStore
from storage.daily_posts import DailyPostStore
from storage.engine import make_engine
from storage.forget import ForgetStore
from storage.members import MemberStore
from storage.migrate import upgrade_engine
from storage.reviews import ReviewStore
from storage.sessions import SessionStore
from storage.standings import StandingsStore


class Store(
    MemberStore,
    SessionStore,
    StandingsStore,
    ReviewStore,
    DailyConfigStore,
    DailyPostStore,
    DailyAnswerStore,
    DailyDigestStore,
    ForgetStore,
):
    """Typed access to members, sessions, attempts, standings, reviews, the daily challenge
    and forget-me. Build it with open_store."""


async def open_store(url: str) -> Store:
    """Open the database at `url`, bring its schema to the newest migration, return a Store.

    SQLite files get their parent folder created and run in WAL mode with a busy timeout.
    """
    engine = make_engine(url)
    try:
        await upgrade_engine(engine)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine)
