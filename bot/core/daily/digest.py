"""The weekly digest's content, computed from the week's figures (no I/O, no decisions on time).

- **Top**: the workspace's members by points earned that week (Monday 00:00 to Monday 00:00 in
  the channel's zone), as the leaderboard counts them; equal points share a rank, and whoever
  reached the total first is listed first. Only members who earned points; at most five.
- **Most improved**: the largest rise of a member's average score (every finished question,
  unanswered ones as 0, as `stats` averages) over the week before, among members who finished
  at least `IMPROVED_MIN` questions in each of the two weeks. A fall is no improvement.
- **Hardest**: the channel's daily question of that week with the lowest average score, among
  those with at least `HARDEST_MIN` answers (one or two answers say little about a question).
- An **empty week** (nobody in the workspace finished a question) has no digest at all: a
  post saying "nothing happened" every Monday in a quiet channel would be noise.

Names follow the reveal's rule: a member's name only if they opted in (`config me
show-name=on`), otherwise "a member".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.commands import Locale
from bot.core.daily.config import local_midnight
from bot.core.daily.views import shown_name
from bot.core.interview.present import topic_name
from bot.core.replies import DigestHardest, DigestImproved, DigestRow, WeeklyDigest
from content.loader import Bank
from storage.digest_models import MemberWeek, MemberWeeks, PostWeek

TOP_SIZE = 5
IMPROVED_MIN = 3
HARDEST_MIN = 3


@dataclass(frozen=True)
class Week:
    """The week a digest covers (the one before `monday`), in the channel's zone."""

    first_day: date  # Monday
    last_day: date  # Sunday
    before: datetime  # the week before it begins (UTC)
    start: datetime
    end: datetime

    @classmethod
    def before_monday(cls, zone: ZoneInfo, monday: date) -> Week:
        first = monday - timedelta(days=7)
        return cls(
            first_day=first,
            last_day=monday - timedelta(days=1),
            before=local_midnight(zone, first - timedelta(days=7)),
            start=local_midnight(zone, first),
            end=local_midnight(zone, monday),
        )


def build(
    bank: Bank, members: MemberWeeks, posts: Sequence[PostWeek], week: Week, *, locale: Locale
) -> WeeklyDigest | None:
    """The digest of `week`; None when nobody finished a question in it."""
    if not members.week:
        return None
    return WeeklyDigest(
        locale=locale,
        first_day=week.first_day.isoformat(),
        last_day=week.last_day.isoformat(),
        members=len(members.week),
        attempts=sum(member.attempts for member in members.week),
        top=top(members.week),
        improved=most_improved(members.week, members.week_before),
        improved_min=IMPROVED_MIN,
        hardest=hardest(bank, posts, locale=locale),
        hardest_min=HARDEST_MIN,
    )


def _name(member: MemberWeek) -> str | None:
    return shown_name(member.display_name, member.user_id, show_name=member.show_name)


def top(week: Sequence[MemberWeek]) -> list[DigestRow]:
    earners = sorted(
        (m for m in week if m.points > 0), key=lambda m: (-m.points, m.last_at, m.member_id)
    )
    rows: list[DigestRow] = []
    for position, member in enumerate(earners[:TOP_SIZE]):
        tied = position > 0 and member.points == earners[position - 1].points
        rank = rows[-1].rank if tied else position + 1
        rows.append(
            DigestRow(rank=rank, name=_name(member), points=member.points, attempts=member.attempts)
        )
    return rows


def _average(member: MemberWeek) -> float:
    return member.score_sum / member.attempts


def most_improved(
    week: Sequence[MemberWeek], week_before: Sequence[MemberWeek]
) -> DigestImproved | None:
    before = {m.member_id: m for m in week_before if m.attempts >= IMPROVED_MIN}
    rises = [
        (_average(member) - _average(before[member.member_id]), member)
        for member in week
        if member.attempts >= IMPROVED_MIN and member.member_id in before
    ]
    rises = [(rise, member) for rise, member in rises if rise > 0]
    if not rises:
        return None
    # The biggest rise; on a tie the higher average now, then the longer-standing member.
    _, best = min(rises, key=lambda pair: (-pair[0], -_average(pair[1]), pair[1].member_id))
    return DigestImproved(
        name=_name(best), before=_average(before[best.member_id]), after=_average(best)
    )


def hardest(bank: Bank, posts: Sequence[PostWeek], *, locale: Locale) -> DigestHardest | None:
    candidates = [
        post for post in posts if post.answers >= HARDEST_MIN and post.question_id in bank.questions
    ]
    if not candidates:
        return None
    post = min(candidates, key=lambda p: (p.average_score, p.local_date))
    return DigestHardest(
        local_date=post.local_date,
        question=bank.questions[post.question_id].question,
        topic_name=topic_name(bank, post.topic, locale),
        difficulty=post.difficulty,
        average_score=post.average_score,
        answers=post.answers,
    )
