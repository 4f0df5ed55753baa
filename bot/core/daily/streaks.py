"""Streaks: consecutive posting days of a channel answered with at least STREAK_MIN_SCORE.

Counted in the channel's own days: only days it posted count, so a weekday-only channel's
weekend breaks nothing, and neither does a day whose post never went out. Today's question,
while its answers are still open and unanswered, does not break a streak yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby

from storage.daily_models import StreakDay

STREAK_MIN_SCORE = 60.0


def streaks(days: Sequence[StreakDay], now: datetime) -> tuple[int, int]:
    """(current, best) over every channel in `days` (ordered by channel, then day): the
    member's best channel for each."""
    current = best = 0
    for _, channel_days in groupby(days, key=lambda d: (d.platform, d.workspace_id, d.channel_id)):
        ordered = sorted(channel_days, key=lambda d: d.local_date)
        channel_current, channel_best = _channel(ordered, now)
        current, best = max(current, channel_current), max(best, channel_best)
    return current, best


def _kept(day: StreakDay) -> bool:
    return day.score is not None and day.score >= STREAK_MIN_SCORE


def _channel(days: list[StreakDay], now: datetime) -> tuple[int, int]:
    best = run = 0
    for day in days:
        run = run + 1 if _kept(day) else 0
        best = max(best, run)
    pending = days and days[-1].score is None and days[-1].closes_at > now
    current = 0
    for day in reversed(days[:-1] if pending else days):
        if not _kept(day):
            break
        current += 1
    return current, best
