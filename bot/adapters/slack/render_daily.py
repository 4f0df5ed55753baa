"""The daily challenge's replies as Block Kit: the channel's card (with its Answer button), the
reveal in the card's thread, a channel's settings, and forget-me's "are you sure".

Times on a channel post use Slack's date formatting (`<!date^…>`), so each member reads the
closing time in their own time zone.
"""

from __future__ import annotations

from datetime import datetime

from bot.adapters.slack.blocks import (
    Block,
    SlackMessage,
    actions,
    button,
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
from bot.core.i18n import format_number, format_span, shorten, t
from bot.core.replies import ConfigView, DailyCard, DailyReveal, ForgetConfirm

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slack_time(when: datetime) -> str:
    """A time every reader sees in their own zone; the UTC fallback for old clients."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def daily_card(view: DailyCard) -> SlackMessage:
    loc = view.locale
    title = t(
        loc,
        "daily.header",
        date=view.local_date,
        topic=view.topic_name,
        difficulty=t(loc, f"difficulty.{view.difficulty}"),
    )
    status = (
        t(loc, "daily.closed")
        if view.closed
        else t(loc, "daily.closes", when="{when}").replace("{when}", slack_time(view.closes_at))
    )
    blocks: list[Block] = [
        header(title),
        *section(escape(view.question)),
        context(status, escape(t(loc, "daily.answers", count=view.answers))),
    ]
    if view.your_score is not None:
        blocks.append(
            context(escape(t(loc, "daily.your_score", score=format_number(view.your_score))))
        )
    elif not view.closed:
        answer = ids.encode(ids.DailyAnswerAction(post_id=view.post_id))
        blocks.append(actions(button(st(loc, "button.answer"), answer, style="primary")))
        blocks.append(context(st(loc, "daily.how_to_answer")))
    return SlackMessage(text=plain(f"{title} {shorten(view.question, 200)}"), blocks=blocks)


def daily_reveal(view: DailyReveal) -> SlackMessage:
    loc = view.locale
    title = t(
        loc,
        "reveal.header",
        date=view.local_date,
        topic=view.topic_name,
        difficulty=t(loc, f"difficulty.{view.difficulty}"),
    )
    lines = [escape(t(loc, "feedback.question", question=view.question))]
    if view.answers == 0:
        lines.append(escape(t(loc, "reveal.nobody")))
    else:
        lines.append(escape(t(loc, "reveal.answers", count=view.answers)))
        bands = " · ".join(
            t(loc, "reveal.band", low=band.low, high=band.high, count=band.count)
            for band in view.distribution
        )
        space = " " if loc == "en" else ""  # Chinese runs on after its colon
        lines.append(escape(f"{t(loc, 'reveal.distribution')}{space}{bands}"))
        lines.append(f"*{escape(t(loc, 'reveal.best'))}*")
        for rank, entry in enumerate(view.best, start=1):
            name = entry.name if entry.name is not None else t(loc, "reveal.anonymous")
            score = format_number(entry.score)
            lines.append(escape(t(loc, "reveal.entry", rank=rank, name=name, score=score)))
    reference = markdown_to_mrkdwn(view.reference_answer.rstrip())
    blocks = [
        header(title),
        *section("\n".join(lines)),
        divider(),
        *section(f"*{escape(t(loc, 'reveal.reference'))}*\n{reference}"),
    ]
    return SlackMessage(text=plain(title), blocks=blocks)


def config(view: ConfigView) -> SlackMessage:
    loc = view.locale
    lines = [escape(view.text)] if view.text else []
    if not view.configured:
        lines.append(escape(t(loc, "config.none")))
    else:
        on, off = t(loc, "config.on"), t(loc, "config.off_word")
        days = ",".join(DAY_NAMES[d] for d in view.days if 0 <= d < len(DAY_NAMES))
        difficulty = (
            t(loc, f"difficulty.{view.difficulty}")
            if view.difficulty
            else t(loc, "config.any_difficulty")
        )
        window = format_span(loc, view.window_s) if view.window_s else t(loc, "config.until_next")
        topics = ", ".join(view.topics) or t(loc, "config.all_topics")
        lines += [
            f"*{escape(t(loc, 'config.header'))}*",
            escape(t(loc, "config.schedule", time=view.time, timezone=view.timezone, days=days)),
            escape(t(loc, "config.pool", topics=topics, difficulty=difficulty)),
            escape(t(loc, "config.window", window=window, digest=on if view.digest else off)),
        ]
        if view.disabled_reason:
            lines.append(escape(t(loc, "config.disabled", reason=view.disabled_reason)))
        elif not view.enabled:
            lines.append(escape(t(loc, "config.off")))
        elif view.next_post_at is not None:
            lines.append(
                t(loc, "config.next", when="{w}").replace("{w}", slack_time(view.next_post_at))
            )
    shown = t(loc, "config.me_shown" if view.show_name else "config.me_hidden")
    lines.append(escape(t(loc, "config.me", shown=shown)))
    summary = view.text or t(loc, "config.header" if view.configured else "config.none")
    return SlackMessage(text=plain(summary), blocks=section("\n".join(lines)))


def forget_confirm(view: ForgetConfirm) -> SlackMessage:
    loc = view.locale
    yes = ids.encode(ids.ForgetAction(confirm=True))
    no = ids.encode(ids.ForgetAction(confirm=False))
    blocks = [
        *section(escape(f"⚠️ {view.text}")),
        actions(
            button(st(loc, "button.forget_yes"), yes, style="danger"),
            button(st(loc, "button.forget_no"), no),
        ),
    ]
    return SlackMessage(text=plain(view.text), blocks=blocks)
