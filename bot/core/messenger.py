"""The outbound port: how things that happen later (a question's time runs out) leave the core.

Commands are answered by returning views; anything the core says unprompted goes through a
Messenger, which each front end implements (the console prints; Discord and Slack post to the
session's thread or DM).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.commands import Actor, Place
from bot.core.views import View


class Messenger(Protocol):
    async def deliver(self, actor: Actor, place: Place, views: Sequence[View]) -> None:
        """Show `views` to `actor` at `place`. Must not raise for delivery failures it can log."""
        ...


class RecordingMessenger:
    """Keeps everything delivered, in order: for tests and benchmarks."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[Actor, Place, list[View]]] = []

    async def deliver(self, actor: Actor, place: Place, views: Sequence[View]) -> None:
        self.deliveries.append((actor, place, list(views)))

    def pop(self) -> list[tuple[Actor, Place, list[View]]]:
        out, self.deliveries = self.deliveries, []
        return out
