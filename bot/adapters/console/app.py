"""The console front end: a line in, the core's views out as text; timeouts arrive while it waits.

- Any line that is not a command is the answer to the current question (see grammar.py).
- stdin is read on a thread that feeds an asyncio queue, so the deadline watcher can print a
  timeout and the next question while the member is still typing.
- Not a terminal (a script): input lines are echoed as "> line" so the transcript reads like a
  conversation, and at end of input the console keeps running until the open interview is over
  (its remaining questions time out) unless `--exit-at-eof` is given. On a terminal, Ctrl-D
  leaves at once; the interview is kept and goes on next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

import structlog

from bot.adapters.console.render import render_all
from bot.core.commands import Actor, Place
from bot.core.i18n import t
from bot.core.messenger import ChannelRef, PostPace
from bot.core.replies import DailyCard, Notice, QuestionCard, Reply, Summary
from bot.core.service import Core

PLATFORM = "console"
WORKSPACE = "local"
# The console stands for one channel of its workspace: the daily question is posted here.
CHANNEL = "console"
PROMPT = "> "
# How often a script that reached end of input re-checks that its interview is still open (a
# safety net only: the Summary delivered by the deadline watcher normally ends the wait).
EOF_RECHECK_S = 5.0

log = structlog.get_logger(__name__)


class ConsoleOutput:
    """Writes views to the terminal; also the console's Messenger for what happens later."""

    def __init__(self, user_id: str, stream: TextIO, *, interactive: bool) -> None:
        self._user_id = user_id
        self._stream = stream
        self.interactive = interactive
        self.session_over = asyncio.Event()
        self.last_card: int | None = None
        self._prompting = False
        self._posts = 0
        # While set, deliveries wait here: what the start-up sweep says (a question that ran
        # out while the bot was down) reads better after the "welcome back" than before it.
        self._held: list[list[Reply]] | None = None

    def hold(self) -> None:
        self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for views in held:
            self.show(views)

    # The console stands for one channel: posts print like anything else.
    pace = PostPace(per_second=1000.0, per_channel_per_second=1000.0)

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        self._posts += 1
        await self.deliver(console_actor(self._user_id), Place(), replies)
        return f"console-{self._posts}"

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        # A terminal cannot change what it printed: reprinting the card for every new answer
        # would bury the conversation, so only "answers are closed" is shown again.
        closed = [r for r in replies if isinstance(r, DailyCard) and r.closed]
        if closed:
            await self.deliver(console_actor(self._user_id), Place(), closed)

    async def deliver(self, actor: Actor, place: Place, views: Sequence[Reply]) -> None:
        if actor.platform != PLATFORM or actor.user_id != self._user_id:
            # Another console user's interview timed out; it is scored, and they see it in
            # their summary/stats when they come back.
            log.info("console.delivery_for_other_user", user_id=actor.user_id)
            return
        if self._held is not None:
            self._held.append(list(views))
            return
        # The member may be at the prompt (a timeout arriving while they type): start on a new
        # line, and give them the prompt back afterwards (show() clears the flag).
        was_prompting = self._prompting
        if was_prompting:
            self._write("\n")
        self.show(views)
        if was_prompting:
            self.prompt()

    def show(self, views: Sequence[Reply]) -> None:
        if not views:
            return
        for view in views:
            if isinstance(view, QuestionCard):
                self.last_card = view.attempt_id
            if isinstance(view, Summary):
                self.session_over.set()
        self._write(render_all(views) + "\n\n")
        self._prompting = False

    def prompt(self) -> None:
        if self.interactive:
            self._write(PROMPT)
            self._prompting = True

    def echo(self, line: str) -> None:
        self._write(f"{PROMPT}{line}\n")

    def say(self, text: str) -> None:
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()


# Leaving the console (the interview in progress is kept); Ctrl-D / Ctrl-C work too.
QUIT_WORDS = frozenset({"exit", "quit", ":q", "退出"})


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


class ConsoleApp:
    def __init__(
        self,
        core: Core,
        output: ConsoleOutput,
        actor: Actor,
        *,
        stdin: TextIO | None = None,
        exit_at_eof: bool = False,
    ) -> None:
        self._core = core
        self._out = output
        self._actor = actor
        self._place = Place(channel_id=CHANNEL)
        self._lines = StdinLines(stdin or sys.stdin)
        self._exit_at_eof = exit_at_eof

    async def run(self) -> None:
        welcome = await self._core.resume(self._actor, self._place)
        # Greeting first, then what happened while the bot was down, then where things stand.
        self._out.show([v for v in welcome if isinstance(v, Notice)])
        self._out.release()
        seen_card = self._out.last_card  # a card the start-up sweep already showed
        self._out.show(
            [
                v
                for v in welcome
                if not isinstance(v, Notice)
                and not (isinstance(v, QuestionCard) and v.attempt_id == seen_card)
            ]
        )
        self._lines.start()
        quit_asked = False
        while True:
            self._out.prompt()
            line = await self._lines.next()
            if line is None:
                break
            if not line.strip():
                continue
            if line.strip().lower() in QUIT_WORDS:
                # What people type to leave a terminal program: never an answer to grade.
                quit_asked = True
                break
            if not self._out.interactive:
                self._out.echo(line)
            self._out.session_over.clear()
            views = await self._core.handle_text(
                self._actor, self._place, line, free_text_answers=True
            )
            self._out.show(views)
        if self._out.interactive:
            self._out.say("")
        elif not (self._exit_at_eof or quit_asked):
            await self._wait_for_session_end()
        locale = await self._locale()
        ongoing = await self._core.has_active_session(self._actor)
        self._out.say(t(locale, "console.bye" if ongoing else "console.bye_idle"))

    async def _wait_for_session_end(self) -> None:
        if not await self._core.has_active_session(self._actor):
            return
        self._out.say(t(await self._locale(), "console.eof_waiting"))
        while await self._core.has_active_session(self._actor):
            try:
                await asyncio.wait_for(self._out.session_over.wait(), EOF_RECHECK_S)
            except TimeoutError:
                continue
            self._out.session_over.clear()

    async def _locale(self) -> str:
        return await self._core.locale_of(self._actor)


def console_actor(user: str) -> Actor:
    # The console user owns their workspace: they may configure its daily question.
    return Actor(
        platform=PLATFORM, workspace_id=WORKSPACE, user_id=user, display_name=user, is_admin=True
    )
