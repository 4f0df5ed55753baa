"""The words of a reply's parts, the same on every front end.

A renderer decides layout and markup (a console line, an embed field, a Block Kit section, bold,
escaping); what each part *says* is phrased here once, from the reply, so a summary line, a
board row or a config line reads the same in the console, on Discord and on Slack, and a new
field (the member's own rank, a streak) reaches every front end at once.

Every function returns plain text, not yet escaped for any platform. Times that a platform
formats itself (Discord's `<t:…>`, Slack's `<!date^…>`) are passed in as `when` text.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.daily.config import DAY_NAMES
from bot.core.i18n import (
    format_duration,
    format_number,
    format_span,
    join_sentences,
    pick,
    shorten,
    t,
)
from bot.core.replies import (
    Board,
    BoardRowView,
    ConfigView,
    CoveredPointView,
    DailyCard,
    DailyReveal,
    Feedback,
    HintCard,
    QuestionCard,
    StatsView,
    Summary,
    SummaryItem,
    TopicItem,
    WeeklyDigest,
)


def difficulty(locale: str, level: int) -> str:
    return t(locale, f"difficulty.{level}")


# ---- interview ------------------------------------------------------------------------------


def card_title(card: QuestionCard) -> str:
    """ "第 2/5 题 · RAG与应用 · 中等"."""
    return t(
        card.locale,
        "card.header",
        position=card.position,
        total=card.total,
        topic=card.topic_name,
        difficulty=difficulty(card.locale, card.difficulty),
    )


def card_time_left(card: QuestionCard) -> str:
    return t(card.locale, "card.time_left", time=format_duration(card.locale, card.seconds_left))


def card_max_score(card: QuestionCard) -> str:
    return t(card.locale, "card.max_score", max=format_number(card.max_score))


def hint_point(hint: HintCard) -> str:
    return t(
        hint.locale, "hint.header", number=hint.number, available=hint.available, point=hint.point
    )


def hint_cost(hint: HintCard) -> str:
    loc = hint.locale
    return t(
        loc,
        "hint.max_score",
        max=format_number(hint.max_score),
        time=format_duration(loc, hint.seconds_left),
    )


def feedback_title(feedback: Feedback) -> str:
    """Position, score, points and time; a daily answer has no position in an interview."""
    loc = feedback.locale
    key = "feedback.header" if feedback.daily_post_id is None else "daily.feedback_header"
    return t(
        loc,
        key,
        position=feedback.position,
        total=feedback.total,
        score=format_number(feedback.score),
        max=format_number(feedback.max_score),
        points=format_number(feedback.points),
        time=format_duration(loc, feedback.time_taken_s),
    )


def feedback_question(feedback: Feedback, width: int) -> str:
    return t(feedback.locale, "feedback.question", question=shorten(feedback.question, width))


def feedback_earlier_points(feedback: Feedback) -> str | None:
    """Why the points are fewer than the score is worth: points earned on it before."""
    if feedback.outcome != "answered" or feedback.earlier_points <= 0:
        return None
    points = format_number(feedback.earlier_points)
    return t(feedback.locale, "feedback.earlier_points", points=points)


def feedback_verdict(feedback: Feedback) -> str:
    # "ran out while the bot was offline" already says what the verdict would repeat.
    return t(feedback.locale, "feedback.offline") if feedback.while_offline else feedback.verdict


def covered_point(locale: str, point: CoveredPointView) -> str:
    """The key point, with the words of the answer that matched it."""
    if not point.matched:
        return point.point
    return point.point + t(locale, "feedback.matched", words=", ".join(point.matched))


def summary_item(locale: str, item: SummaryItem) -> str:
    return t(
        locale,
        "summary.line",
        position=item.position,
        topic=item.topic_name,
        question=shorten(item.question, 40),
        score=format_number(item.score),
        max=format_number(item.max_score),
        time=format_duration(locale, item.time_taken_s),
        outcome=t(locale, f"outcome.{item.outcome}"),
    )


def summary_total(summary: Summary) -> str:
    return t(
        summary.locale,
        "summary.total",
        asked=summary.asked,
        planned=summary.planned,
        score=format_number(summary.total_score),
        possible=format_number(summary.total_possible),
        average=format_number(summary.average_score),
        points=format_number(summary.points),
    )


def summary_weakest(summary: Summary) -> str:
    loc = summary.locale
    if not summary.weakest_topics:
        return t(loc, "summary.no_weak")
    return t(loc, "summary.weakest", topics=", ".join(summary.weakest_topics))


# ---- standings ------------------------------------------------------------------------------


def board_row(locale: str, row: BoardRowView) -> str:
    line = t(
        locale,
        "board.row",
        rank=row.rank,
        name=row.name,
        points=format_number(row.points),
        attempts=row.attempts,
    )
    return line + (t(locale, "board.you") if row.is_you else "")


def board_rows(board: Board) -> list[BoardRowView | None]:
    """The rows to show in order; None stands for the gap before the member's own row when
    they are outside the top of the board."""
    rows: list[BoardRowView | None] = list(board.rows)
    if board.you is not None:
        rows += [None, board.you]
    return rows


def stats_totals(stats: StatsView) -> str:
    return t(
        stats.locale,
        "stats.totals",
        attempts=stats.attempts,
        answered=stats.answered,
        average=format_number(stats.average_score),
        points=format_number(stats.points),
    )


def stats_topic_rows(stats: StatsView) -> list[str]:
    return [
        t(
            stats.locale,
            "stats.topic_row",
            topic=row.topic_name,
            attempts=row.attempts,
            average=format_number(row.average_score),
        )
        for row in stats.by_topic
    ]


def stats_streak(stats: StatsView) -> str | None:
    if not stats.best_streak:
        return None
    return t(stats.locale, "stats.streak", current=stats.current_streak, best=stats.best_streak)


def stats_review(stats: StatsView) -> str | None:
    """How many reviews are due, or when the next one is."""
    loc = stats.locale
    if stats.reviews_due:
        return t(loc, "stats.reviews_due", count=stats.reviews_due)
    if stats.next_review_in_s is not None:
        return t(loc, "stats.next_review", when=format_span(loc, stats.next_review_in_s))
    return None


def topic_row(locale: str, topic: TopicItem, *, shown_id: str | None = None) -> str:
    return t(
        locale,
        "topics.row",
        id=shown_id or topic.id,
        name=topic.name,
        other=topic.other_name,
        questions=topic.questions,
    )


# ---- daily challenge ------------------------------------------------------------------------


def daily_title(card: DailyCard) -> str:
    loc = card.locale
    return t(
        loc,
        "daily.header",
        date=card.local_date,
        topic=card.topic_name,
        difficulty=difficulty(loc, card.difficulty),
    )


def daily_status(card: DailyCard, when: str) -> str:
    """Answers closed, or when they close (`when` as the platform shows a time)."""
    if card.closed:
        return t(card.locale, "daily.closed")
    return t(card.locale, "daily.closes", when=when)


def daily_answers(card: DailyCard) -> str:
    return t(card.locale, "daily.answers", count=card.answers)


def daily_your_score(card: DailyCard) -> str | None:
    if card.your_score is None:
        return None
    return t(card.locale, "daily.your_score", score=format_number(card.your_score))


def reveal_title(reveal: DailyReveal) -> str:
    loc = reveal.locale
    return t(
        loc,
        "reveal.header",
        date=reveal.local_date,
        topic=reveal.topic_name,
        difficulty=difficulty(loc, reveal.difficulty),
    )


def reveal_distribution(reveal: DailyReveal) -> str:
    loc = reveal.locale
    bands = " · ".join(
        t(loc, "reveal.band", low=band.low, high=band.high, count=band.count)
        for band in reveal.distribution
    )
    return join_sentences(loc, t(loc, "reveal.distribution"), bands)


def member_name(locale: str, name: str | None) -> str:
    """A member in a channel post: their name if they opted in (None: "a member")."""
    return name if name is not None else t(locale, "reveal.anonymous")


def reveal_best(reveal: DailyReveal) -> list[str]:
    """The best scores, by name only for members who opted in."""
    loc = reveal.locale
    return [
        t(
            loc,
            "reveal.entry",
            rank=rank,
            name=member_name(loc, entry.name),
            score=format_number(entry.score),
        )
        for rank, entry in enumerate(reveal.best, start=1)
    ]


def digest_title(digest: WeeklyDigest) -> str:
    return t(digest.locale, "digest.header", first=digest.first_day, last=digest.last_day)


def digest_totals(digest: WeeklyDigest) -> str:
    return t(digest.locale, "digest.totals", attempts=digest.attempts, members=digest.members)


def digest_top_header(digest: WeeklyDigest) -> str:
    if not digest.top:
        return t(digest.locale, "digest.no_points")
    return t(digest.locale, "digest.top")


def digest_top(digest: WeeklyDigest) -> list[str]:
    """The week's best by points, as leaderboard rows, named only if they opted in."""
    loc = digest.locale
    return [
        t(
            loc,
            "board.row",
            rank=row.rank,
            name=member_name(loc, row.name),
            points=format_number(row.points),
            attempts=row.attempts,
        )
        for row in digest.top
    ]


def digest_improved(digest: WeeklyDigest) -> str:
    """Who raised their average the most, and the rule, or how one gets here."""
    loc = digest.locale
    improved = digest.improved
    if improved is None:
        return t(loc, "digest.improved_none", min=digest.improved_min)
    return t(
        loc,
        "digest.improved",
        name=member_name(loc, improved.name),
        before=format_number(improved.before),
        after=format_number(improved.after),
        min=digest.improved_min,
    )


def digest_hardest(digest: WeeklyDigest) -> str:
    loc = digest.locale
    hardest = digest.hardest
    if hardest is None:
        return t(loc, "digest.hardest_none", min=digest.hardest_min)
    return t(
        loc,
        "digest.hardest",
        date=hardest.local_date,
        topic=hardest.topic_name,
        difficulty=difficulty(loc, hardest.difficulty),
        average=format_number(hardest.average_score),
        answers=hardest.answers,
    )


def digest_hardest_question(digest: WeeklyDigest, width: int) -> str | None:
    if digest.hardest is None:
        return None
    question = shorten(digest.hardest.question, width)
    return t(digest.locale, "feedback.question", question=question)


def config_settings(config: ConfigView) -> list[str]:
    """Schedule, question pool, window and digest of a configured channel."""
    loc = config.locale
    days = weekdays(loc, config.days)
    level = (
        difficulty(loc, config.difficulty) if config.difficulty else t(loc, "config.any_difficulty")
    )
    window = format_span(loc, config.window_s) if config.window_s else t(loc, "config.until_next")
    digest = t(loc, "config.on") if config.digest else t(loc, "config.off_word")
    return [
        t(loc, "config.schedule", time=config.time, timezone=config.timezone, days=days),
        t(
            loc,
            "config.pool",
            topics=", ".join(config.topics) or t(loc, "config.all_topics"),
            difficulty=level,
        ),
        t(loc, "config.window", window=window, digest=digest),
    ]


def weekdays(loc: str, days: Iterable[int]) -> str:
    """The posting days in the reader's language: "每天", or "周一、周三、周五"."""
    shown = [d for d in days if 0 <= d < len(DAY_NAMES)]
    if len(set(shown)) == len(DAY_NAMES):
        return t(loc, "config.every_day")
    return pick(loc, "、", ", ").join(t(loc, f"config.day_{DAY_NAMES[d]}") for d in shown)


def config_state(config: ConfigView, when: str) -> str | None:
    """Turned off by the bot (and why), off, or when the next post is due."""
    loc = config.locale
    if config.disabled_reason:
        return t(loc, "config.disabled", reason=config.disabled_reason)
    if not config.enabled:
        return t(loc, "config.off")
    if config.next_post_at is not None:
        return t(loc, "config.next", when=when)
    return None


def config_me(config: ConfigView) -> str:
    shown = t(config.locale, "config.me_shown" if config.show_name else "config.me_hidden")
    return t(config.locale, "config.me", shown=shown)
