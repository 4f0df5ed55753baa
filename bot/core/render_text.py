"""Plain-text rendering of any view: the console prints it, Slack may reuse it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch

from bot.core.i18n import format_duration, format_number, format_span, shorten, t
from bot.core.views import (
    Board,
    ErrorNotice,
    Feedback,
    HelpView,
    HintCard,
    Notice,
    QuestionCard,
    StatsView,
    Summary,
    TopicsView,
    View,
)

RULE = "─" * 40


def render_all(views: Iterable[View]) -> str:
    return "\n\n".join(render(view) for view in views)


@singledispatch
def render(view: View) -> str:
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
    lines += ["", t(loc, "card.how_to_answer")]
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
    lines += [
        t(
            loc,
            "feedback.header",
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
        lines.append(t(loc, "feedback.mark_hint"))
    return "\n".join(lines)


@render.register
def _summary(view: Summary) -> str:
    loc = view.locale
    lines = [RULE, t(loc, f"summary.{view.ended}")]
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
