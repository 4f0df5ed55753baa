"""The terminal the member sits at: what is written to it, and whether they are at the prompt."""

from __future__ import annotations

from typing import TextIO

PROMPT = "> "


class Terminal:
    def __init__(self, stream: TextIO, *, interactive: bool) -> None:
        self._stream = stream
        self.interactive = interactive
        self._prompting = False

    def show(self, text: str) -> None:
        """A block of output in answer to what the member typed."""
        self._write(text + "\n\n")
        self._prompting = False

    def interrupt(self, text: str) -> None:
        """A block of output nobody asked for just now (a timeout arriving while the member
        types): on a fresh line, and the prompt given back afterwards."""
        was_prompting = self._prompting
        if was_prompting:
            self._write("\n")
        self.show(text)
        if was_prompting:
            self.prompt()

    def prompt(self) -> None:
        if self.interactive:
            self._write(PROMPT)
            self._prompting = True

    def echo(self, line: str) -> None:
        """A scripted input line, so a transcript reads like a conversation."""
        self._write(f"{PROMPT}{line}\n")

    def say(self, text: str) -> None:
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()
