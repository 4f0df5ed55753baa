"""The App Home tab: the member's stats, due reviews (with a "Start review" button) and the
workspace's weekly board. Rebuilt from the core each time the tab is opened."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    section,
)
from bot.adapters.slack.render import board_lines, stats_lines
from bot.adapters.slack.texts import st
from bot.core import ids
from bot.core.i18n import t
from bot.core.replies import Board, Reply, StatsView

HOME_BLOCKS_MAX = 100  # Slack's limit for a Home tab


def home_view(locale: str, replies: list[Reply], *, streak: int | None = None) -> dict[str, Any]:
    blocks: list[Block] = [header(st(locale, "home.title"))]
    stats = next((r for r in replies if isinstance(r, StatsView)), None)
    board = next((r for r in replies if isinstance(r, Board)), None)
    if stats is not None:
        blocks.append(header(t(locale, "stats.header")))
        blocks += section("\n".join(stats_lines(stats)))
        if streak is not None:
            blocks.append(context(escape(st(locale, "home.streak", days=streak))))
        if stats.reviews_due:
            blocks += section(escape(st(locale, "home.reviews_due", count=stats.reviews_due)))
            start = ids.encode(ids.ReviewAction())
            blocks.append(
                actions(button(st(locale, "button.start_review"), start, style="primary"))
            )
        else:
            blocks.append(context(escape(st(locale, "home.no_reviews"))))
    if board is not None:
        blocks += [divider(), header(t(locale, f"board.{board.period}"))]
        blocks += section("\n".join(board_lines(board)))
    blocks += [divider(), context(st(locale, "home.how_to_start"))]
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}
