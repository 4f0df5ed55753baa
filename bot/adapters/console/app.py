"""The console front end: a line in, the core's replies out as text; timeouts arrive while it waits.

- Any line that is not a command is the answer to the current question (see grammar.py).
- Not a terminal (a script): input lines are echoed as "> line" so the transcript reads like a
  conversation, and at end of input the console keeps running until the open interview is over
  (its remaining questions time out) unless `--exit-at-eof` is given. On a terminal, Ctrl-D
  leaves at once; the interview is kept and goes on next time.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.adapters.console.inbound import StdinLines, is_quit
from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.texts import TEXTS
from bot.core.commands import Actor, Place
from bot.core.replies import Notice, QuestionCard
from bot.core.service import Core

# How often a script that reached end of input re-checks that its interview is still open (a
# safety net only: the Summary delivered by the deadline watcher normally ends the wait).
EOF_RECHECK_S = 5.0


class ConsoleApp:
    def __init__(
        self,
        core: Core,
        messenger: ConsoleMessenger,
        actor: Actor,
        *,
        stdin: TextIO | None = None,
        exit_at_eof: bool = False,
    ) -> None:
        self._core = core
        self._out = messenger
        self._terminal = messenger.terminal
        self._actor = actor
        self._place = Place()
        self._lines = StdinLines(stdin or sys.stdin)
        self._exit_at_eof = exit_at_eof

    async def run(self) -> None:
        await self._greet()
        self._lines.start()
        quit_asked = False
        while True:
            self._terminal.prompt()
            line = await self._lines.next()
            if line is None:
                break
            if not line.strip():
                continue
            if is_quit(line):
                quit_asked = True
                break
            if not self._terminal.interactive:
                self._terminal.echo(line)
            self._out.session_over.clear()
            replies = await self._core.handle_text(
                self._actor, self._place, line, free_text_answers=True
            )
            self._out.show(replies)
        if self._terminal.interactive:
            self._terminal.say("")
        elif not (self._exit_at_eof or quit_asked):
            await self._wait_for_session_end()
        locale = await self._core.locale_of(self._actor)
        ongoing = await self._core.has_active_session(self._actor)
        self._terminal.say(TEXTS.t(locale, "console.bye" if ongoing else "console.bye_idle"))

    async def _greet(self) -> None:
        """Greeting first, then what happened while the bot was down, then where things stand."""
        welcome = await self._core.resume(self._actor, self._place)
        self._out.show([r for r in welcome if isinstance(r, Notice)])
        self._out.release()
        seen_card = self._out.last_card  # a card the start-up sweep already showed
        self._out.show(
            [
                r
                for r in welcome
                if not isinstance(r, Notice)
                and not (isinstance(r, QuestionCard) and r.attempt_id == seen_card)
            ]
        )

    async def _wait_for_session_end(self) -> None:
        if not await self._core.has_active_session(self._actor):
            return
        locale = await self._core.locale_of(self._actor)
        self._terminal.say(TEXTS.t(locale, "console.eof_waiting"))
        while await self._core.has_active_session(self._actor):
            try:
                await asyncio.wait_for(self._out.session_over.wait(), EOF_RECHECK_S)
            except TimeoutError:
                continue
            self._out.session_over.clear()
