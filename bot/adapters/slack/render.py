"""The core's replies as Block Kit: one function per reply kind, nothing else.

Every message carries a plain `text` for notifications and screen readers. Buttons carry the
ids of `bot.core.ids`, so they work after a restart. Times are shown in the member's time zone
(Slack's `users.info`), passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.adapters.slack.blocks import (
    Block,
    SlackMessage,
    actions,
    button,
    chunk,
    context,
    divider,
    escape,
    header,
    markdown_to_mrkdwn,
    plain,
    section,
)
from bot.adapters.slack.texts import st
from bot.core import ids
from bot.core.i18n import format_duration, format_number, format_span, shorten, t
from bot.core.replies import (
    Board,
    ErrorNotice,
    Feedback,
    HelpView,
    HintCard,
    Notice,
    QuestionCard,
    Reply,
    StatsView,
    Summary,
    TopicsView,
)


def render(replies: Sequence[Reply], *, tz: tzinfo) -> list[SlackMessage]:
    """Each reply as one message (or several, past 50 blocks), in order."""
    out: list[SlackMessage] = []
    for reply in replies:
        out += chunk(render_one(reply, tz=tz))
    return out


def render_one(reply: Reply, *, tz: tzinfo) -> SlackMessage:
    match reply:
        case QuestionCard():
            return question(reply, tz=tz)
        case HintCard():
            return hint(reply)
        case Feedback():
            return feedback(reply)
        case Summary():
            return summary(reply)
        case Board():
            return board(reply)
        case StatsView():
            return stats(reply)
        case TopicsView():
            return topics(reply)
        case HelpView():
            return help_text(reply)
        case Notice():
            return notice(reply)
        case ErrorNotice():
            return error(reply)
    raise TypeError(f"no Block Kit rendering for {type(reply).__name__}")  # pragma: no cover


def _card_header(card: QuestionCard) -> str:
    loc = card.locale
    return t(
        loc,
        "card.header",
        position=card.position,
        total=card.total,
        topic=card.topic_name,
        difficulty=t(loc, f"difficulty.{card.difficulty}"),
    )


def _card_body(card: QuestionCard, *, tz: tzinfo) -> list[Block]:
    loc = card.locale
    blocks: list[Block] = [header(_card_header(card)), *section(escape(card.question))]
    if card.hints:
        hints = "\n".join(f"💡 {escape(point)}" for point in card.hints)
        blocks += section(f"*{t(loc, 'card.hints')}*\n{hints}")
    by = card.deadline.astimezone(tz).strftime("%H:%M")
    blocks.append(
        context(
            "⏱ " + st(loc, "card.answer_by", time=by),
            t(loc, "card.time_left", time=format_duration(loc, card.seconds_left)),
            t(loc, "card.max_score", max=format_number(card.max_score)),
        )
    )
    return blocks


def question(card: QuestionCard, *, tz: tzinfo) -> SlackMessage:
    loc = card.locale

    def action_id(verb: str) -> str:
        return ids.encode(
            ids.QuestionAction(verb=verb, session_id=card.session_id, position=card.position)
        )

    blocks = _card_body(card, tz=tz)
    blocks.append(
        actions(
            button(st(loc, "button.answer"), action_id("answer"), style="primary"),
            button(st(loc, "button.hint"), action_id("hint")),
            button(st(loc, "button.skip"), action_id("skip")),
            button(st(loc, "button.stop"), action_id("stop"), style="danger"),
        )
    )
    blocks.append(context(st(loc, "card.how_to_answer")))
    text = st(
        loc,
        "fallback.question",
        position=card.position,
        total=card.total,
        question=shorten(card.question, 200),
    )
    return SlackMessage(text=plain(text), blocks=blocks)


def question_closed(card: QuestionCard, *, tz: tzinfo) -> SlackMessage:
    """The card once its question is over: the same question, no buttons (chat.update)."""
    blocks = _card_body(card, tz=tz)[:-1]  # the deadline no longer matters
    blocks.append(context("🔒 " + st(card.locale, "card.closed")))
    return SlackMessage(text=plain(_card_header(card)), blocks=blocks)


def hint(view: HintCard) -> SlackMessage:
    loc = view.locale
    line = t(loc, "hint.header", number=view.number, available=view.available, point=view.point)
    more = t(
        loc,
        "hint.max_score",
        max=format_number(view.max_score),
        time=format_duration(loc, view.seconds_left),
    )
    return SlackMessage(
        text=plain(line), blocks=[*section("💡 " + escape(line)), context(escape(more))]
    )


def _points(view: Feedback) -> str:
    loc = view.locale
    lines = []
    for point in view.covered:
        matched = (
            t(loc, "feedback.matched", words=", ".join(point.matched)) if point.matched else ""
        )
        lines.append(f"✅ {escape(point.point)}{escape(matched)}")
    lines += [f"❌ {escape(point)}" for point in view.missed]
    return "\n".join(lines)


def feedback(view: Feedback) -> SlackMessage:
    loc = view.locale
    head = t(
        loc,
        "feedback.header",
        position=view.position,
        total=view.total,
        score=format_number(view.score),
        max=format_number(view.max_score),
        points=format_number(view.points),
        time=format_duration(loc, view.time_taken_s),
    )
    verdict = t(loc, "feedback.offline") if view.while_offline else view.verdict
    lines = [f"*{escape(head)}*", escape(t(loc, "feedback.question", question=view.question))]
    if view.refined:
        lines.insert(0, escape(t(loc, "feedback.refined")))
    if view.outcome == "answered" and view.earlier_points > 0:
        lines.append(
            escape(t(loc, "feedback.earlier_points", points=format_number(view.earlier_points)))
        )
    lines.append(f"_{escape(verdict)}_")
    blocks: list[Block] = section("\n".join(lines))
    points = _points(view)
    if points:
        blocks += section(points)
    blocks.append(divider())
    blocks += section(
        f"*{escape(t(loc, 'feedback.reference'))}*\n{markdown_to_mrkdwn(view.reference_answer.rstrip())}"
    )
    notes = []
    if view.grader:
        notes.append(escape(t(loc, "feedback.grader", grader=view.grader)))
    if view.judge_pending:
        notes.append(escape(t(loc, "feedback.judge_pending")))
    if notes:
        blocks.append(context(*notes))
    if view.outcome == "answered" and not view.refined:
        blocks.append(_mark_buttons(view))
    return SlackMessage(text=plain(head), blocks=blocks)


def _mark_buttons(view: Feedback) -> Block:
    loc = view.locale
    low = ids.encode(ids.MarkAction(attempt_id=view.attempt_id, verdict="too_low"))
    high = ids.encode(ids.MarkAction(attempt_id=view.attempt_id, verdict="too_high"))
    return actions(button(st(loc, "button.too_low"), low), button(st(loc, "button.too_high"), high))


def summary(view: Summary) -> SlackMessage:
    loc = view.locale
    rows = [
        escape(
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
        for item in view.items
    ]
    total = t(
        loc,
        "summary.total",
        asked=view.asked,
        planned=view.planned,
        score=format_number(view.total_score),
        possible=format_number(view.total_possible),
        average=format_number(view.average_score),
        points=format_number(view.points),
    )
    weak = (
        t(loc, "summary.weakest", topics=", ".join(view.weakest_topics))
        if view.weakest_topics
        else t(loc, "summary.no_weak")
    )
    title = t(loc, f"summary.{view.ended}")
    blocks = [
        header(title),
        *section("\n".join(rows)),
        *section(f"*{escape(total)}*\n{escape(weak)}"),
    ]
    return SlackMessage(text=plain(f"{title} {total}"), blocks=blocks)


def board_lines(view: Board) -> list[str]:
    loc = view.locale
    if not view.rows:
        return [escape(t(loc, "board.empty"))]
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = []
    for row in view.rows:
        line = t(
            loc,
            "board.row",
            rank=row.rank,
            name=row.name,
            points=format_number(row.points),
            attempts=row.attempts,
        )
        line = escape(line + (t(loc, "board.you") if row.is_you else ""))
        lines.append(f"{medals.get(row.rank, '')}{'*' + line + '*' if row.is_you else line}")
    return lines


def board(view: Board) -> SlackMessage:
    title = t(view.locale, f"board.{view.period}")
    return SlackMessage(
        text=plain(title), blocks=[header(title), *section("\n".join(board_lines(view)))]
    )


def stats_lines(view: StatsView) -> list[str]:
    loc = view.locale
    if view.attempts == 0:
        return [escape(t(loc, "stats.empty"))]
    lines = [
        escape(
            t(
                loc,
                "stats.totals",
                attempts=view.attempts,
                answered=view.answered,
                average=format_number(view.average_score),
                points=format_number(view.points),
            )
        ),
        f"*{escape(t(loc, 'stats.by_topic'))}*",
    ]
    for row in view.by_topic:
        lines.append(
            "• "
            + escape(
                t(
                    loc,
                    "stats.topic_row",
                    topic=row.topic_name,
                    attempts=row.attempts,
                    average=format_number(row.average_score),
                )
            )
        )
    if view.reviews_due:
        lines.append(escape(t(loc, "stats.reviews_due", count=view.reviews_due)))
    elif view.next_review_in_s is not None:
        when = format_span(loc, view.next_review_in_s)
        lines.append(escape(t(loc, "stats.next_review", when=when)))
    return lines


def stats(view: StatsView) -> SlackMessage:
    title = t(view.locale, "stats.header")
    return SlackMessage(
        text=plain(title), blocks=[header(title), *section("\n".join(stats_lines(view)))]
    )


def topics(view: TopicsView) -> SlackMessage:
    loc = view.locale
    rows = [
        "• "
        + escape(
            t(
                loc,
                "topics.row",
                id=topic.id,
                name=topic.name,
                other=topic.other_name,
                questions=topic.questions,
            )
        )
        for topic in view.topics
    ]
    title = t(loc, "topics.header")
    blocks = [header(title), *section("\n".join(rows)), context(escape(t(loc, "topics.usage")))]
    return SlackMessage(text=plain(title), blocks=blocks)


def help_text(view: HelpView) -> SlackMessage:
    # Help lists commands as typed; on Slack they follow /interview, shown as code.
    return SlackMessage(text=plain(view.text), blocks=section(f"```{escape(view.text)}```"))


def notice(view: Notice) -> SlackMessage:
    return SlackMessage(text=plain(view.text), blocks=section(escape(view.text)))


def error(view: ErrorNotice) -> SlackMessage:
    text = f"⚠️ {view.text}"
    return SlackMessage(text=plain(text), blocks=section(escape(text)))
