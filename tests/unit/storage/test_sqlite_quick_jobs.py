"""The SQLite runner's quick path: answer-sized jobs run on the event loop's own connection while
the load is light. What a member would notice if it went wrong: an answer lost or refused while
another program holds the database, a burst that no longer commits together, a WAL file that
grows without end because nothing checkpoints it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from storage import open_store
from storage.models import MemberKey
from storage.sqlite_runner import CHECKPOINT_EVERY


async def test_a_quick_write_waits_for_a_lock_held_elsewhere_instead_of_failing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        member = await store.get_or_create_member(
            MemberKey(platform="console", workspace_id="w", user_id="u1"), "甲"
        )
        # Another program (a second bot process, an admin's sqlite3 shell) is writing.
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        renamed = asyncio.create_task(
            store.get_or_create_member(
                MemberKey(platform="console", workspace_id="w", user_id="u1"), "乙"
            )
        )
        await asyncio.sleep(0.2)
        assert not renamed.done()  # waiting for the lock, not refused
        other.execute("COMMIT")
        other.close()
        assert (await asyncio.wait_for(renamed, 5)).display_name == "乙"
        again = await store.get_member(member.id)
        assert again is not None and again.display_name == "乙"
    finally:
        await store.close()


async def test_writes_that_arrive_together_still_share_commits(tmp_path: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    commits = 0

    def counted(_conn: object) -> None:
        nonlocal commits
        commits += 1

    try:
        for engine in store.engines():
            sa.event.listen(engine, "commit", counted)
        keys = [
            MemberKey(platform="console", workspace_id="w", user_id=f"u{i}") for i in range(200)
        ]
        made = await asyncio.gather(
            *(store.get_or_create_member(k, f"m{i}") for i, k in enumerate(keys))
        )
        assert len({m.id for m in made}) == 200
        # A burst queues for the group commit: far fewer commits than writes.
        assert commits < 50, commits
    finally:
        await store.close()
    # Each one stored: a fresh Store reads them all back.
    reopened = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        for i, key in enumerate(keys):
            found = await reopened.get_or_create_member(key)
            assert found.display_name == f"m{i}"
    finally:
        await reopened.close()


async def test_the_wal_stays_small_when_every_write_runs_on_the_loop(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    store = await open_store(f"sqlite+aiosqlite:///{database}")
    try:
        key = MemberKey(platform="console", workspace_id="w", user_id="u1")
        writes = 6 * CHECKPOINT_EVERY
        for i in range(writes):
            # One at a time, as a quiet server's answers come: each on the loop's connection.
            await store.get_or_create_member(key, f"name {i}")
            await asyncio.sleep(0.002)
        await asyncio.sleep(0.2)  # the last checkpoint, on the writer thread
        wal = Path(f"{database}-wal").stat().st_size
        page = sqlite3.connect(database).execute("PRAGMA page_size").fetchone()[0]
        # Unchecked, every write would append its pages to the WAL: at least one page each.
        assert wal < writes * page / 2, (wal, writes * page)
    finally:
        await store.close()
