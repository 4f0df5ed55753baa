"""Everything that is read, not played: leaderboard, stats, topics, help, and the language switch."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.commands import ANSWER_MAX_CHARS, COMMAND_NAMES, Locale, Period
from bot.core.context import MemberContext
from bot.core.daily.streaks import streaks
from bot.core.i18n import pick, t
from bot.core.interview import present
from bot.core.notices import notice
from bot.core.replies import (
    Board,
    BoardRowView,
    HelpView,
    Notice,
    StatsView,
    TopicItem,
    TopicStatView,
    TopicsView,
)
from bot.core.review.schedule import ReviewSchedule
from bot.core.scoring import HINT_PENALTY, MAX_SCORE_FLOOR
from content.loader import Bank
from storage import Store

BOARD_SIZE = 10


def period_start(period: Period, now: datetime, zone: ZoneInfo) -> datetime | None:
    """Monday 00:00 / the 1st 00:00 in the workspace's timezone; None for all time."""
    if period == "all":
        return None
    local = now.astimezone(zone)
    day = (
        local.date() - timedelta(days=local.weekday())
        if period == "week"
        else local.date().replace(day=1)
    )
    return datetime.combine(day, time.min, tzinfo=zone)


def period_after(period: Period, start: datetime, zone: ZoneInfo) -> datetime:
    """When the week or month that starts at `start` (local midnight in `zone`) ends."""
    day = start.astimezone(zone).date()
    if period == "week":
        day += timedelta(days=7)
    else:
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(day, time.min, tzinfo=zone)


class StandingsService:
    def __init__(
        self, *, bank: Bank, store: Store, timezone: ZoneInfo, reviews: ReviewSchedule
    ) -> None:
        self._bank = bank
        self._store = store
        self._zone = timezone
        self._reviews = reviews

    async def leaderboard(self, ctx: MemberContext, period: Period, now: datetime) -> list[Board]:
        zone = await self._workspace_zone(ctx)
        since = period_start(period, now, zone)
        # The store keeps each period's totals until it ends, and the next one's from now on.
        until = None if since is None else period_after(period, since, zone)
        rows = await self._store.leaderboard(
            platform=ctx.actor.platform,
            workspace_id=ctx.actor.workspace_id,
            since=since,
            until=until,
            next_until=None if until is None else period_after(period, until, zone),
            limit=BOARD_SIZE,
            member_id=ctx.member.id,
        )
        views = [
            BoardRowView(
                rank=row.rank,
                name=row.display_name or row.user_id,
                points=row.points,
                attempts=row.attempts,
                is_you=row.member_id == ctx.member.id,
            )
            for row in rows
        ]
        # The store appends the asking member's own row when they are outside the top.
        you = views.pop() if len(views) > BOARD_SIZE else None
        return [Board(locale=ctx.locale, period=period, since=since, rows=views, you=you)]

    async def _workspace_zone(self, ctx: MemberContext) -> ZoneInfo:
        """Weeks and months start in the workspace's zone: that of its daily channel, if any."""
        name = await self._store.workspace_timezone(ctx.actor.platform, ctx.actor.workspace_id)
        return ZoneInfo(name) if name else self._zone

    async def stats(self, ctx: MemberContext, now: datetime) -> list[StatsView]:
        stats = await self._store.member_stats(ctx.member.id)
        due_ids, upcoming = await self._reviews.schedule(
            ctx.member.id, now, keep=self._bank.questions.__contains__
        )
        due = len(due_ids)
        history = await self._store.daily_history(
            ctx.member.id, platform=ctx.actor.platform, workspace_id=ctx.actor.workspace_id
        )
        current_streak, best_streak = streaks(history, now)
        return [
            StatsView(
                locale=ctx.locale,
                attempts=stats.attempts,
                answered=stats.answered,
                average_score=stats.average_score,
                points=stats.points,
                by_topic=[
                    TopicStatView(
                        topic_name=present.topic_name(self._bank, row.topic, ctx.locale),
                        attempts=row.attempts,
                        average_score=row.average_score,
                    )
                    for row in stats.by_topic
                ],
                reviews_due=due,
                next_review_in_s=(
                    None if upcoming is None else max(0, int((upcoming - now).total_seconds()))
                ),
                current_streak=current_streak,
                best_streak=best_streak,
            )
        ]

    def topics(self, locale: Locale) -> TopicsView:
        per_topic: dict[str, Counter[int]] = {}
        for question in self._bank.questions.values():
            per_topic.setdefault(question.topic, Counter())[question.difficulty] += 1
        items = [
            TopicItem(
                id=topic.id,
                name=pick(locale, topic.zh, topic.en),
                other_name=pick(locale, topic.en, topic.zh),
                questions=sum(per_topic[topic.id].values()),
                by_difficulty=dict(sorted(per_topic[topic.id].items())),
            )
            for topic in self._bank.topics.values()
            if topic.id in per_topic  # a topic with no questions cannot be started
        ]
        return TopicsView(locale=locale, topics=items)

    async def set_language(self, ctx: MemberContext, locale: Locale) -> list[Notice]:
        await self._store.set_member_locale(ctx.member.id, locale)
        return [notice(locale, "lang_set")]


def help_view(locale: Locale, command: str | None) -> HelpView:
    key = f"help.{command}" if command in COMMAND_NAMES else "help.overview"
    text = t(
        locale,
        key,
        limit=ANSWER_MAX_CHARS,
        penalty=int(HINT_PENALTY),
        floor=int(MAX_SCORE_FLOOR),
    )
    return HelpView(locale=locale, command=command if command in COMMAND_NAMES else None, text=text)
