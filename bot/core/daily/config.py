"""A channel's daily settings: validating what an admin typed, and the calendar they describe.

Values are checked here, in the core, so every front end (typed text, Discord options) gets
the same errors. Times are local wall-clock times in the channel's IANA zone; a post time that
does not exist on a spring-forward day posts at the same instant the clock jumps past it
(02:30 → 03:30), and one that occurs twice on an autumn day posts at the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core.commands import DIFFICULTY_MAX, DIFFICULTY_MIN, ConfigDaily
from content.schema import Topic
from storage.daily_models import DailyConfigRecord, DailyConfigValues

ALL_DAYS = "0123456"
WINDOW_MIN_S = 5 * 60
WINDOW_MAX_S = 7 * 24 * 3600
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY_WORDS: dict[str, int] = {}
for _i, _name in enumerate(DAY_NAMES):
    _DAY_WORDS[_name] = _i
for _i, _name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
):
    _DAY_WORDS[_name] = _i
for _i, _zh in enumerate("一二三四五六日"):
    _DAY_WORDS[f"周{_zh}"] = _i
    _DAY_WORDS[f"星期{_zh}"] = _i
_DAY_WORDS["周天"] = 6
_DAY_WORDS["星期天"] = 6
_DAY_SETS: dict[str, str] = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "all": ALL_DAYS,
    "每天": ALL_DAYS,
    "weekdays": "01234",
    "workdays": "01234",
    "工作日": "01234",
    "weekends": "56",
    "weekend": "56",
    "周末": "56",
}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(d|h|m|天|小时|分钟|分)$")
_DURATION_UNITS = {"d": 86400, "天": 86400, "h": 3600, "小时": 3600, "m": 60, "分钟": 60, "分": 60}
UNTIL_NEXT_WORDS = frozenset({"next", "until-next", "default", "下次", "下一次"})
# How long after Monday's post time a weekly digest may still go out (a bot that was down).
DIGEST_OPEN = timedelta(days=1)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace("：", ":")


def parse_time(text: str) -> tuple[int, int] | None:
    """'09:00', '9:30', '9' → (hour, minute); None if it is not a time of day."""
    match = _TIME.match(_fold(text))
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name or name == "UTC"}


def parse_timezone(text: str) -> str | None:
    """An IANA zone name in its canonical spelling ('asia/shanghai' → 'Asia/Shanghai')."""
    return _zones().get(_fold(text))


def parse_days(text: str) -> str | None:
    """'mon-fri', 'mon,wed,fri', 'weekdays', '周一-周五' → weekday digits; None if not days."""
    folded = _fold(text)
    if folded in _DAY_SETS:
        return _DAY_SETS[folded]
    chosen: set[int] = set()
    for part in re.split(r"[,，、]", folded):
        part = part.strip()
        if not part:
            continue
        if part in _DAY_SETS:
            chosen.update(int(d) for d in _DAY_SETS[part])
            continue
        first, dash, last = part.partition("-")
        if first not in _DAY_WORDS or (dash and last not in _DAY_WORDS):
            return None
        start = _DAY_WORDS[first]
        end = _DAY_WORDS[last] if dash else start
        day = start
        while True:  # a range may wrap: fri-mon
            chosen.add(day)
            if day == end:
                break
            day = (day + 1) % 7
    return "".join(str(d) for d in sorted(chosen)) or None


def parse_window(text: str) -> int | None:
    """'24h', '90m', '1.5h', '2d' → seconds; None if it is not a duration."""
    match = _DURATION.match(_fold(text))
    if match is None:
        return None
    return round(float(match.group(1)) * _DURATION_UNITS[match.group(2)])


def parse_switch(text: str) -> bool | None:
    folded = _fold(text)
    if folded in ("on", "yes", "true", "1", "开", "开启", "是"):
        return True
    if folded in ("off", "no", "false", "0", "关", "关闭", "否"):
        return False
    return None


def local_midnight(zone: ZoneInfo, day: date) -> datetime:
    """The UTC instant local day `day` begins in `zone` (weeks are counted between midnights)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def format_days(days: str) -> str:
    return ",".join(DAY_NAMES[int(d)] for d in days)


@dataclass(frozen=True)
class Calendar:
    """When a channel posts: a local time on some weekdays in one zone, and how long answers
    stay open (None: until the next post; a window is never longer than that)."""

    hour: int
    minute: int
    zone: ZoneInfo
    days: frozenset[int]
    window_s: int | None

    @classmethod
    def of(cls, config: DailyConfigRecord) -> Calendar:
        return cls(
            hour=config.post_hour,
            minute=config.post_minute,
            zone=ZoneInfo(config.timezone),
            days=frozenset(int(d) for d in config.days),
            window_s=config.window_s,
        )

    def local_date(self, when: datetime) -> date:
        return when.astimezone(self.zone).date()

    def due_at(self, day: date) -> datetime:
        """The UTC instant of the post on local day `day` (fold=0: see the module docstring)."""
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)
        return local.astimezone(UTC)

    def posts_on(self, day: date) -> bool:
        return day.weekday() in self.days

    def next_post_day(self, after: date) -> date:
        day = after + timedelta(days=1)
        while not self.posts_on(day):
            day += timedelta(days=1)
        return day

    def closes_at(self, day: date) -> datetime:
        following = self.due_at(self.next_post_day(day))
        if self.window_s is None:
            return following
        return min(self.due_at(day) + timedelta(seconds=self.window_s), following)

    def due_today(self, now: datetime) -> date | None:
        """The channel's local day if its post is due by `now` and answers are still open."""
        today = self.local_date(now)
        if not self.posts_on(today):
            return None
        if self.due_at(today) <= now < self.closes_at(today):
            return today
        return None

    def digest_due(self, now: datetime) -> date | None:
        """This week's Monday if its digest (of the week before) is due by `now`: from Monday's
        post time, whether or not the channel posts on Mondays, for one day."""
        today = self.local_date(now)
        monday = today - timedelta(days=today.weekday())
        due = self.due_at(monday)
        return monday if due <= now < due + DIGEST_OPEN else None

    def next_due(self, now: datetime) -> datetime:
        """The first post instant after `now`."""
        day = self.local_date(now) - timedelta(days=1)
        while True:
            if self.posts_on(day) and self.due_at(day) > now:
                return self.due_at(day)
            day += timedelta(days=1)


@dataclass(frozen=True)
class Problem:
    """Why a `config daily` value is refused: an i18n key under error.daily_* and its params."""

    code: str
    params: dict[str, str | int]


def merge(
    command: ConfigDaily,
    existing: DailyConfigRecord | None,
    *,
    find_topic: Callable[[str], Topic | None],
    default_timezone: str,
    locale: str,
    member_id: int,
) -> DailyConfigValues | Problem:
    """The configuration `command` asks for, on top of `existing` (or the defaults)."""
    when = _when(command, existing, default_timezone)
    if isinstance(when, Problem):
        return when
    hour, minute, zone, days = when
    topics = existing.topics if existing else None
    if command.topics is not None:
        found_topics = _topics(command.topics, find_topic)
        if isinstance(found_topics, Problem):
            return found_topics
        topics = found_topics
    difficulty = existing.difficulty if existing else None
    if command.difficulty is not None:
        level = _difficulty(command.difficulty)
        if isinstance(level, Problem):
            return level
        difficulty = level
    window_s = existing.window_s if existing else None
    if command.window is not None:
        window = _window(command.window)
        if isinstance(window, Problem):
            return window
        window_s = window
    digest = command.digest if command.digest is not None else bool(existing and existing.digest)
    return DailyConfigValues(
        enabled=True,
        post_hour=hour,
        post_minute=minute,
        timezone=zone,
        days=days,
        topics=topics,
        difficulty=difficulty,
        window_s=window_s,
        digest=digest,
        locale=locale,
        set_by_member_id=member_id,
    )


def _when(
    command: ConfigDaily, existing: DailyConfigRecord | None, default_timezone: str
) -> tuple[int, int, str, str] | Problem:
    """Hour, minute, zone and weekdays: the command's where given, else what was set."""
    hour = existing.post_hour if existing else None
    minute = existing.post_minute if existing else 0
    if command.time is not None:
        parsed = parse_time(command.time)
        if parsed is None:
            return Problem("daily_bad_time", {"value": command.time[:40]})
        hour, minute = parsed
    if hour is None:
        return Problem("daily_time_required", {})
    zone = existing.timezone if existing else default_timezone
    if command.timezone is not None:
        found = parse_timezone(command.timezone)
        if found is None:
            return Problem("daily_bad_timezone", {"value": command.timezone[:60]})
        zone = found
    days = existing.days if existing else ALL_DAYS
    if command.days is not None:
        parsed_days = parse_days(command.days)
        if parsed_days is None:
            return Problem("daily_bad_days", {"value": command.days[:40]})
        days = parsed_days
    return hour, minute, zone, days


def _topics(text: str, find_topic: Callable[[str], Topic | None]) -> list[str] | None | Problem:
    if _fold(text) in ("all", "any", "全部", "所有"):
        return None
    ids: list[str] = []
    for name in re.split(r"[,，、]", text):
        if not name.strip():
            continue
        topic = find_topic(name.strip())
        if topic is None:
            return Problem("daily_unknown_topic", {"value": name.strip()[:40]})
        if topic.id not in ids:
            ids.append(topic.id)
    return ids or None


_DIFFICULTY_WORDS = {"easy": 1, "简单": 1, "medium": 2, "中等": 2, "hard": 3, "困难": 3}


def _difficulty(value: int | str) -> int | None | Problem:
    folded = _fold(str(value))
    if folded in ("any", "all", "不限", "全部"):
        return None
    level = _DIFFICULTY_WORDS.get(folded)
    if level is None and folded.isdigit():
        level = int(folded)
    if level is None or not DIFFICULTY_MIN <= level <= DIFFICULTY_MAX:
        return Problem("daily_bad_difficulty", {"value": str(value)[:40]})
    return level


def _window(text: str) -> int | None | Problem:
    if _fold(text) in UNTIL_NEXT_WORDS:
        return None
    seconds = parse_window(text)
    if seconds is None or not WINDOW_MIN_S <= seconds <= WINDOW_MAX_S:
        return Problem("daily_bad_window", {"value": text[:40]})
    return seconds
