"""What comes in: lines from stdin, who typed them, and which lines mean "leave".

stdin is read on a thread that feeds an asyncio queue, so the deadline watcher can print a
timeout and the next question while the member is still typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import TextIO

from bot.core.commands import Actor

PLATFORM = "console"
WORKSPACE = "local"

# Leaving the console (the interview in progress is kept); Ctrl-D / Ctrl-C work too.
QUIT_WORDS = frozenset({"exit", "quit", ":q", "退出"})


def console_actor(user: str) -> Actor:
    # The console user owns the one workspace the console stands for.
    return Actor(
        platform=PLATFORM, workspace_id=WORKSPACE, user_id=user, display_name=user, is_admin=True
    )


def is_quit(line: str) -> bool:
    """What people type to leave a terminal program: never an answer to grade."""
    return line.strip().lower() in QUIT_WORDS


class StdinLines:
    """Lines from stdin on a daemon thread, handed to the event loop; None marks end of input."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        thread = threading.Thread(target=self._pump, args=(loop,), name="stdin", daemon=True)
        thread.start()

    async def next(self) -> str | None:
        return await self._queue.get()

    def _pump(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            for line in iter(self._stream.readline, ""):
                loop.call_soon_threadsafe(self._queue.put_nowait, line.rstrip("\r\n"))
        except (OSError, ValueError):  # stdin closed under us
            pass
        finally:
            # RuntimeError: the loop is already closed, so we are exiting anyway.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._queue.put_nowait, None)
