"""The core's replies as Block Kit: one function per reply kind, nothing else.

Every message carries a plain `text` for notifications and screen readers. Buttons carry the
ids of `bot.core.ids`, so they work after a restart. Times are shown in the member's time zone
(Slack's `users.info`), passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

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
from bot.adapters.slack.render_daily import (
    config,
    daily_card,
    daily_reveal,
    forget_confirm,
    weekly_digest,
)
from bot.adapters.slack.texts import st
from bot.core import ids, phrasing
from bot.core.i18n import shorten, t
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
    WeeklyDigest,
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
        case DailyCard():
            return daily_card(reply)
        case DailyReveal():
            return daily_reveal(reply)
        case WeeklyDigest():
            return weekly_digest(reply)
        case ConfigView():
            return config(reply)
        case ForgetConfirm():
            return forget_confirm(reply)
        case Notice():
            return notice(reply)
        case ErrorNotice():
            return error(reply)
    raise TypeError(f"no Block Kit rendering for {type(reply).__name__}")  # pragma: no cover


def _card_body(card: QuestionCard, *, tz: tzinfo) -> list[Block]:
    loc = card.locale
    blocks: list[Block] = [header(phrasing.card_title(card)), *section(escape(card.question))]
    if card.hints:
        hints = "\n".join(f"💡 {escape(point)}" for point in card.hints)
        blocks += section(f"*{t(loc, 'card.hints')}*\n{hints}")
    by = card.deadline.astimezone(tz).strftime("%H:%M")
    blocks.append(
        context(
            "⏱ " + st(loc, "card.answer_by", time=by),
            phrasing.card_time_left(card),
            phrasing.card_max_score(card),
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
    return SlackMessage(text=plain(phrasing.card_title(card)), blocks=blocks)


def closed_card(message: dict[str, Any], locale: str) -> SlackMessage:
    """A card posted before a restart, once its question is over: as `question_closed` makes
    it, from the message as Slack holds it (its title and question, no buttons)."""
    kept = [b for b in message.get("blocks") or [] if b.get("type") in ("header", "section")]
    kept.append(context("🔒 " + st(locale, "card.closed")))
    return SlackMessage(text=str(message.get("text") or ""), blocks=kept)


def hint(view: HintCard) -> SlackMessage:
    line, more = phrasing.hint_point(view), phrasing.hint_cost(view)
    return SlackMessage(
        text=plain(line), blocks=[*section("💡 " + escape(line)), context(escape(more))]
    )


def _points(view: Feedback) -> str:
    loc = view.locale
    lines = [f"✅ {escape(phrasing.covered_point(loc, point))}" for point in view.covered]
    lines += [f"❌ {escape(point)}" for point in view.missed]
    return "\n".join(lines)


def feedback(view: Feedback) -> SlackMessage:
    loc = view.locale
    head = phrasing.feedback_title(view)
    lines = [f"*{escape(head)}*", escape(phrasing.feedback_question(view, 200))]
    if view.refined:
        lines.insert(0, escape(t(loc, "feedback.refined")))
    earlier = phrasing.feedback_earlier_points(view)
    if earlier:
        lines.append(escape(earlier))
    lines.append(f"_{escape(phrasing.feedback_verdict(view))}_")
    lines += [escape(line) for line in view.misconceptions]
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
    if view.outcome == "answered" and not view.refined and view.daily_post_id is None:
        blocks.append(_mark_buttons(view))
    return SlackMessage(text=plain(head), blocks=blocks)


def _mark_buttons(view: Feedback) -> Block:
    loc = view.locale
    low = ids.encode(ids.MarkAction(attempt_id=view.attempt_id, verdict="too_low"))
    high = ids.encode(ids.MarkAction(attempt_id=view.attempt_id, verdict="too_high"))
    return actions(button(st(loc, "button.too_low"), low), button(st(loc, "button.too_high"), high))


def summary(view: Summary) -> SlackMessage:
    loc = view.locale
    rows = [escape(phrasing.summary_item(loc, item)) for item in view.items]
    total, weak = phrasing.summary_total(view), phrasing.summary_weakest(view)
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
    for row in phrasing.board_rows(view):
        if row is None:
            lines.append("…")
            continue
        line = escape(phrasing.board_row(loc, row))
        medal = medals.get(row.rank)
        shown = f"*{line}*" if row.is_you else line
        lines.append(f"{medal} {shown}" if medal else shown)
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
    lines = [escape(phrasing.stats_totals(view)), f"*{escape(t(loc, 'stats.by_topic'))}*"]
    lines += ["• " + escape(row) for row in phrasing.stats_topic_rows(view)]
    streak = phrasing.stats_streak(view)
    if streak:
        lines.append("🔥 " + escape(streak))
    review = phrasing.stats_review(view)
    if review:
        lines.append(escape(review))
    return lines


def stats(view: StatsView) -> SlackMessage:
    title = t(view.locale, "stats.header")
    return SlackMessage(
        text=plain(title), blocks=[header(title), *section("\n".join(stats_lines(view)))]
    )


def topics(view: TopicsView) -> SlackMessage:
    loc = view.locale
    rows = ["• " + escape(phrasing.topic_row(loc, topic)) for topic in view.topics]
    title = t(loc, "topics.header")
    blocks = [header(title), *section("\n".join(rows)), context(escape(t(loc, "topics.usage")))]
    return SlackMessage(text=plain(title), blocks=blocks)


def help_text(view: HelpView) -> SlackMessage:
    # Help lists commands as typed in the console; on Slack they follow /interview.
    body = view.text
    blocks = [
        *section(escape(st(view.locale, "help.slack_prefix"))),
        *section(f"```{escape(body)}```"),
    ]
    return SlackMessage(text=plain(body), blocks=blocks)


def notice(view: Notice) -> SlackMessage:
    return SlackMessage(text=plain(view.text), blocks=section(escape(view.text)))


def error(view: ErrorNotice) -> SlackMessage:
    text = f"⚠️ {view.text}"
    return SlackMessage(text=plain(text), blocks=section(escape(text)))
