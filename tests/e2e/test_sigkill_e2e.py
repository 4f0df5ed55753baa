"""Nothing a member was told is lost when the bot is killed: SIGKILL under load, several times.

`answer_driver.py` runs the real core in a subprocess with 200 members answering continuously
and logs every grade it tells a member. The test kills it with SIGKILL at random moments (after
a random number of grades), starts it again on the same database, and finally checks the
database against the log: every grade a member was told is stored as told, no attempt is scored
twice, no session is stuck, and the boards add up to the attempts.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from storage import open_store
from storage.tables import attempts, sessions

DRIVER = Path(__file__).with_name("answer_driver.py")
MEMBERS = 200
KILLS = 4
WAIT_S = 40.0


def told_lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    # A line cut short by the kill was never completely told; every whole line was.
    return [json.loads(line) for line in lines if line.endswith("}")]


def grades(path: Path) -> list[dict[str, object]]:
    return [line for line in told_lines(path) if "attempt_id" in line]


def wait_for_grades(process: subprocess.Popen[bytes], told: Path, at_least: int) -> None:
    """Until the log holds `at_least` grades (a condition, with a deadline)."""
    deadline = time.monotonic() + WAIT_S
    while len(grades(told)) < at_least:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, f"only {len(grades(told))} grades in {WAIT_S} s"
        time.sleep(0.05)


def start(url: str, told: Path, seed: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(DRIVER),
            url,
            str(told),
            "--members",
            str(MEMBERS),
            "--seed",
            str(seed),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


async def test_sigkill_under_load_loses_no_told_grade(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    told = tmp_path / "told.jsonl"
    store = await open_store(url)  # the schema, before the first process starts
    await store.close()
    rng = random.Random(11)
    for run in range(KILLS):
        process = start(url, told, seed=run)
        try:
            # A random moment: after a random number of further grades.
            wait_for_grades(process, told, len(grades(told)) + rng.randint(50, 400))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
            if process.stderr is not None:
                process.stderr.close()

    store = await open_store(url)
    try:
        async with store.engine.connect() as conn:
            stored = {row.id: row for row in (await conn.execute(sa.select(attempts))).all()}
            session_rows = (await conn.execute(sa.select(sessions))).all()
        told_grades = grades(told)
        assert len(told_grades) >= KILLS * 50

        # Every grade a member was told is in the database, as told.
        answered_told = [g for g in told_grades if g["outcome"] == "answered"]
        assert answered_told, "no answer was graded"
        for grade in told_grades:
            row = stored.get(int(str(grade["attempt_id"])))
            assert row is not None, f"told but not stored: {grade}"
            assert row.state == grade["outcome"], (grade, row.state)
            assert row.score == grade["score"] and row.points == grade["points"], (grade, row)

        # No attempt was graded twice (told twice would mean scored twice).
        ids = [g["attempt_id"] for g in told_grades]
        assert len(ids) == len(set(ids))

        # No session is stuck: an active one has exactly one question open, with a deadline;
        # an ended one has none.
        open_per_session: dict[str, int] = defaultdict(int)
        for row in stored.values():
            if row.state == "asking":
                assert row.deadline_at is not None
                open_per_session[row.session_id] += 1
        active = [s.id for s in session_rows if s.state == "active"]
        for session_id in active:
            assert open_per_session[session_id] == 1, session_id
        assert set(open_per_session) <= set(active)
        assert len(active) <= MEMBERS  # one active session per member

        # The boards add up to the attempts.
        board = await store.leaderboard(
            platform="e2e", workspace_id="load", since=None, limit=MEMBERS
        )
        per_member: dict[int, float] = defaultdict(float)
        for row in stored.values():
            if row.finished_at is not None:
                per_member[row.member_id] += row.points
        assert {r.member_id: round(r.points, 6) for r in board} == {
            m: round(p, 6) for m, p in per_member.items() if m in {r.member_id for r in board}
        }
        assert round(sum(r.points for r in board), 6) == round(sum(per_member.values()), 6)
    finally:
        await store.close()
