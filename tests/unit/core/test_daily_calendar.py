"""Post times across daylight-saving changes: the calendar and the scheduler's trigger agree,
one post per local day, at the right instant, including times the change skips or repeats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.daily.config import Calendar
from bot.core.daily.schedule import DailyTrigger

ALL = frozenset(range(7))
CASES = [
    # zone, the change's local day, post time, expected UTC instant on that day
    (
        "Europe/London",
        date(2026, 3, 29),
        (1, 30),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ),  # skipped
    ("Europe/London", date(2026, 3, 29), (9, 0), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
    (
        "Europe/London",
        date(2026, 10, 25),
        (1, 30),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ),  # repeated: first
    ("Europe/London", date(2026, 10, 25), (9, 0), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
    (
        "America/New_York",
        date(2026, 3, 8),
        (2, 30),
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
    ),  # skipped
    ("America/New_York", date(2026, 3, 8), (9, 0), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
    (
        "America/New_York",
        date(2026, 11, 1),
        (1, 30),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
    ),  # repeated: first
    ("America/New_York", date(2026, 11, 1), (9, 0), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "day", "hm", "expected"), CASES)
def test_post_instant_on_a_change_day(
    zone: str, day: date, hm: tuple[int, int], expected: datetime
) -> None:
    calendar = Calendar(hour=hm[0], minute=hm[1], zone=ZoneInfo(zone), days=ALL, window_s=None)
    assert calendar.due_at(day) == expected
    trigger = DailyTrigger(hour=hm[0], minute=hm[1], timezone=ZoneInfo(zone))
    start = datetime.combine(day - timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    fires: list[datetime] = []
    previous = None
    now = start
    for _ in range(5):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        fires.append(fire.astimezone(UTC))
        previous, now = fire, fire + timedelta(microseconds=1)
    # One fire per local day, on consecutive days, and the trigger agrees with the calendar.
    days = [f.astimezone(ZoneInfo(zone)).date() for f in fires]
    assert days == [days[0] + timedelta(days=i) for i in range(5)]
    assert fires == [calendar.due_at(d) for d in days]
    assert expected in fires


def test_answers_stay_open_until_the_next_posting_day() -> None:
    weekdays = Calendar(
        hour=9, minute=0, zone=ZoneInfo("Asia/Shanghai"), days=frozenset(range(5)), window_s=None
    )
    friday = date(2026, 1, 9)
    assert weekdays.closes_at(friday) == weekdays.due_at(date(2026, 1, 12))  # Monday
    short = Calendar(hour=9, minute=0, zone=ZoneInfo("Asia/Shanghai"), days=ALL, window_s=3600)
    assert short.closes_at(friday) == short.due_at(friday) + timedelta(hours=1)
    assert weekdays.due_today(datetime(2026, 1, 10, 3, 0, tzinfo=UTC)) is None  # Saturday
