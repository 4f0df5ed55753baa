"""Time from launching `interview-bot console` to its first prompt (target < 1.5 s).

The console runs on a pseudo-terminal (so it prompts as it does for a person) against a fresh
SQLite file in a temp folder; the first run also creates the database (migrations), later runs
open an existing one. Prints JSON:
{"runs": N, "first_prompt_s": {"fresh_db": …, "median": …, "max": …}, "target_s": 1.5}
Run: python bench/console_bench.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPT = b"> "
TIMEOUT_S = 30.0


def _command() -> list[str]:
    script = shutil.which("interview-bot", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "bot"]


def time_to_prompt(database: Path) -> float:
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{database}", LOG_LEVEL="WARNING")
    primary, secondary = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*_command(), "console", "--user", "bench"],
        stdin=secondary,
        stdout=secondary,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    seen = b""
    try:
        while time.perf_counter() - started < TIMEOUT_S:
            ready, _, _ = select.select([primary], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(primary, 65536)
                except OSError:
                    break
                if seen.rstrip(b"\r\n").endswith(PROMPT.strip()) or PROMPT in seen:
                    return time.perf_counter() - started
            if process.poll() is not None:
                break
        raise RuntimeError(f"no prompt; output was {seen[-500:]!r}")
    finally:
        process.kill()
        process.wait()
        os.close(primary)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        fresh = time_to_prompt(database)
        warm = [time_to_prompt(database) for _ in range(args.runs)]
    print(
        json.dumps(
            {
                "runs": args.runs,
                "first_prompt_s": {
                    "fresh_db": round(fresh, 3),
                    "median": round(statistics.median(warm), 3),
                    "max": round(max(warm), 3),
                },
                "target_s": 1.5,
            }
        )
    )


if __name__ == "__main__":
    main()
