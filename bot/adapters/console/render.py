"""Plain text for every reply: one function per reply kind (the console prints the result)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import singledispatch
from zoneinfo import ZoneInfo

from bot.adapters.console.texts import TEXTS
from bot.core.daily.config import DAY_NAMES
from bot.core.i18n import format_duration, format_number, format_span, shorten, t
from bot.core.replies import (
    Board,
    ConfigView,
    DailyCard,
    DailyReveal,
    ErrorNotice,
    Feedback,
    ForgetConfirm,
    HelpView,
    HintCard,
    Notice,
    QuestionCard,
    Reply,
    StatsView,
    Summary,
    TopicsView,
)

RULE = "─" * 40


def render_all(views: Iterable[Reply]) -> str:
    return "\n\n".join(render(view) for view in views)


@singledispatch
def render(view: Reply) -> str:
    raise TypeError(f"no text rendering for {type(view).__name__}")


@render.register
def _question(view: QuestionCard) -> str:
    loc = view.locale
    lines = [
        RULE,
        t(
            loc,
            "card.header",
            position=view.position,
            total=view.total,
            topic=view.topic_name,
            difficulty=t(loc, f"difficulty.{view.difficulty}"),
        ),
        t(loc, "card.time_left", time=format_duration(loc, view.seconds_left))
        + " · "
        + t(loc, "card.max_score", max=format_number(view.max_score)),
        "",
        view.question,
    ]
    if view.hints:
        lines += ["", t(loc, "card.hints")]
        lines += [f"  💡 {hint}" for hint in view.hints]
    lines += ["", TEXTS.t(loc, "card.how_to_answer")]
    return "\n".join(lines)


@render.register
def _hint(view: HintCard) -> str:
    loc = view.locale
    return "\n".join(
        [
            "💡 "
            + t(loc, "hint.header", number=view.number, available=view.available, point=view.point),
            t(
                loc,
                "hint.max_score",
                max=format_number(view.max_score),
                time=format_duration(loc, view.seconds_left),
            ),
        ]
    )


@render.register
def _feedback(view: Feedback) -> str:
    loc = view.locale
    lines = [RULE]
    if view.refined:
        lines.append(t(loc, "feedback.refined"))
    header_key = "daily.feedback_header" if view.daily_post_id is not None else "feedback.header"
    lines += [
        t(
            loc,
            header_key,
            position=view.position,
            total=view.total,
            score=format_number(view.score),
            max=format_number(view.max_score),
            points=format_number(view.points),
            time=format_duration(loc, view.time_taken_s),
        ),
    ]
    lines.append(t(loc, "feedback.question", question=shorten(view.question, 80)))
    if view.outcome == "answered" and view.earlier_points > 0:
        lines.append(t(loc, "feedback.earlier_points", points=format_number(view.earlier_points)))
    # "ran out while the bot was offline" already says what the verdict would repeat.
    lines.append(t(loc, "feedback.offline") if view.while_offline else view.verdict)
    lines += view.misconceptions
    if view.covered:
        lines += ["", t(loc, "feedback.covered")]
        for point in view.covered:
            matched = (
                t(loc, "feedback.matched", words=", ".join(point.matched)) if point.matched else ""
            )
            lines.append(f"  ✅ {point.point}{matched}")
    if view.missed:
        lines += ["", t(loc, "feedback.missed")]
        lines += [f"  ❌ {point}" for point in view.missed]
    lines += ["", t(loc, "feedback.reference"), view.reference_answer.rstrip()]
    if view.grader:
        lines += ["", t(loc, "feedback.grader", grader=view.grader)]
    if view.judge_pending:
        lines.append(t(loc, "feedback.judge_pending"))
    if view.outcome == "answered" and not view.refined:
        # Typed `mark` means the last answered question; a refined grade arrives for an
        # earlier one while the next is open (chat buttons carry the attempt instead).
        lines.append(TEXTS.t(loc, "feedback.mark_hint"))
    return "\n".join(lines)


@render.register
def _summary(view: Summary) -> str:
    loc = view.locale
    lines = [RULE, t(loc, f"summary.{view.ended}")]
    if view.asked == 0:
        # Stopped before any answer: no totals, no "keep it up" for nothing done.
        return "\n".join([*lines, t(loc, "summary.none", planned=view.planned)])
    for item in view.items:
        lines.append(
            t(
                loc,
                "summary.line",
                position=item.position,
                topic=item.topic_name,
                question=shorten(item.question, 40),
                score=format_number(item.score),
                max=format_number(item.max_score),
                time=format_duration(loc, item.time_taken_s),
                outcome=t(loc, f"outcome.{item.outcome}"),
            )
        )
    lines.append(
        t(
            loc,
            "summary.total",
            asked=view.asked,
            planned=view.planned,
            score=format_number(view.total_score),
            possible=format_number(view.total_possible),
            average=format_number(view.average_score),
            points=format_number(view.points),
        )
    )
    if view.weakest_topics:
        lines.append(t(loc, "summary.weakest", topics=", ".join(view.weakest_topics)))
    else:
        lines.append(t(loc, "summary.no_weak"))
    return "\n".join(lines)


@render.register
def _board(view: Board) -> str:
    loc = view.locale
    lines = [t(loc, f"board.{view.period}")]
    if not view.rows:
        lines.append(t(loc, "board.empty"))
    for row in view.rows:
        line = t(
            loc,
            "board.row",
            rank=row.rank,
            name=row.name,
            points=format_number(row.points),
            attempts=row.attempts,
        )
        lines.append(line + (t(loc, "board.you") if row.is_you else ""))
    if view.you is not None:
        you = view.you
        lines.append("…")
        line = t(
            loc,
            "board.row",
            rank=you.rank,
            name=you.name,
            points=format_number(you.points),
            attempts=you.attempts,
        )
        lines.append(line + t(loc, "board.you"))
    return "\n".join(lines)


@render.register
def _stats(view: StatsView) -> str:
    loc = view.locale
    if view.attempts == 0:
        return t(loc, "stats.empty")
    reviews = []
    if view.reviews_due:
        reviews.append(t(loc, "stats.reviews_due", count=view.reviews_due))
    elif view.next_review_in_s is not None:
        reviews.append(t(loc, "stats.next_review", when=format_span(loc, view.next_review_in_s)))
    if view.best_streak:
        reviews.append(t(loc, "stats.streak", current=view.current_streak, best=view.best_streak))
    lines = [
        t(loc, "stats.header"),
        t(
            loc,
            "stats.totals",
            attempts=view.attempts,
            answered=view.answered,
            average=format_number(view.average_score),
            points=format_number(view.points),
        ),
        t(loc, "stats.by_topic"),
    ]
    for row in view.by_topic:
        lines.append(
            "  "
            + t(
                loc,
                "stats.topic_row",
                topic=row.topic_name,
                attempts=row.attempts,
                average=format_number(row.average_score),
            )
        )
    return "\n".join(lines + reviews)


@render.register
def _topics(view: TopicsView) -> str:
    loc = view.locale
    lines = [t(loc, "topics.header")]
    for topic in view.topics:
        lines.append(
            "  "
            + t(
                loc,
                "topics.row",
                id=topic.id,
                name=topic.name,
                other=topic.other_name,
                questions=topic.questions,
            )
        )
    lines.append(t(loc, "topics.usage"))
    return "\n".join(lines)


@render.register
def _help(view: HelpView) -> str:
    return view.text


@render.register
def _notice(view: Notice) -> str:
    return view.text


@render.register
def _error(view: ErrorNotice) -> str:
    return f"⚠️ {view.text}"


def _local(when: datetime, zone: str | None = None) -> str:
    """In the channel's zone when known (config says "channel time"), else this machine's."""
    return when.astimezone(ZoneInfo(zone) if zone else None).strftime("%Y-%m-%d %H:%M")


@render.register
def _daily_card(view: DailyCard) -> str:
    loc = view.locale
    lines = [
        RULE,
        t(
            loc,
            "daily.header",
            date=view.local_date,
            topic=view.topic_name,
            difficulty=t(loc, f"difficulty.{view.difficulty}"),
        ),
        "",
        view.question,
        "",
        t(loc, "daily.closed")
        if view.closed
        else t(loc, "daily.closes", when=_local(view.closes_at)),
        t(loc, "daily.answers", count=view.answers),
    ]
    if view.your_score is not None:
        lines.append(t(loc, "daily.your_score", score=format_number(view.your_score)))
    elif not view.closed:
        lines.append(t(loc, "daily.how_to_answer"))
    return "\n".join(lines)


@render.register
def _daily_reveal(view: DailyReveal) -> str:
    loc = view.locale
    lines = [
        RULE,
        t(
            loc,
            "reveal.header",
            date=view.local_date,
            topic=view.topic_name,
            difficulty=t(loc, f"difficulty.{view.difficulty}"),
        ),
        t(loc, "feedback.question", question=shorten(view.question, 80)),
    ]
    if view.answers == 0:
        lines.append(t(loc, "reveal.nobody"))
    else:
        lines.append(t(loc, "reveal.answers", count=view.answers))
        bands = [
            t(loc, "reveal.band", low=band.low, high=band.high, count=band.count)
            for band in view.distribution
        ]
        lines.append(t(loc, "reveal.distribution") + " " + " · ".join(bands))
        lines.append(t(loc, "reveal.best"))
        for rank, entry in enumerate(view.best, start=1):
            name = entry.name if entry.name is not None else t(loc, "reveal.anonymous")
            lines.append(
                "  "
                + t(loc, "reveal.entry", rank=rank, name=name, score=format_number(entry.score))
            )
    lines += ["", t(loc, "reveal.reference"), view.reference_answer.rstrip()]
    return "\n".join(lines)


@render.register
def _config(view: ConfigView) -> str:
    loc = view.locale
    lines = [view.text] if view.text else []
    if not view.configured:
        lines.append(t(loc, "config.none"))
    else:
        on, off = t(loc, "config.on"), t(loc, "config.off_word")
        lines += [
            t(loc, "config.header"),
            t(
                loc,
                "config.schedule",
                time=view.time,
                timezone=view.timezone,
                days=",".join(DAY_NAMES[d] for d in view.days),
            ),
            t(
                loc,
                "config.pool",
                topics=", ".join(view.topics) or t(loc, "config.all_topics"),
                difficulty=(
                    t(loc, f"difficulty.{view.difficulty}")
                    if view.difficulty
                    else t(loc, "config.any_difficulty")
                ),
            ),
            t(
                loc,
                "config.window",
                window=(
                    format_span(loc, view.window_s)
                    if view.window_s
                    else t(loc, "config.until_next")
                ),
                digest=on if view.digest else off,
            ),
        ]
        if view.disabled_reason:
            lines.append(t(loc, "config.disabled", reason=view.disabled_reason))
        elif not view.enabled:
            lines.append(t(loc, "config.off"))
        elif view.next_post_at is not None:
            lines.append(t(loc, "config.next", when=_local(view.next_post_at, view.timezone)))
    shown = t(loc, "config.me_shown" if view.show_name else "config.me_hidden")
    lines.append(t(loc, "config.me", shown=shown))
    return "\n".join(lines)


@render.register
def _forget_confirm(view: ForgetConfirm) -> str:
    return f"⚠️ {view.text}"
