"""The daily challenge's replies as Block Kit: the channel's card (with its Answer button), the
reveal in the card's thread, the weekly digest, a channel's settings, and forget-me's "are you
sure".

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
from bot.core import ids, phrasing
from bot.core.i18n import shorten, t
from bot.core.replies import ConfigView, DailyCard, DailyReveal, ForgetConfirm, WeeklyDigest

BUTTON_VALUE_MAX = 2000  # Slack's limit on a button's value

# Stands for a time in a phrase, replaced by Slack's own date markup after escaping.
_TIME = "\x00time\x00"


def slack_time(when: datetime) -> str:
    """A time every reader sees in their own zone; the UTC fallback for old clients."""
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def daily_card(view: DailyCard) -> SlackMessage:
    loc = view.locale
    title = phrasing.daily_title(view)
    # The time is Slack markup: everything around it is escaped, the time itself is not.
    status = escape(phrasing.daily_status(view, _TIME)).replace(_TIME, slack_time(view.closes_at))
    blocks: list[Block] = [
        header(title),
        *section(escape(view.question)),
        context(status, escape(phrasing.daily_answers(view))),
    ]
    your_score = phrasing.daily_your_score(view)
    if your_score is not None:
        blocks.append(context(escape(your_score)))
    if view.closed:
        # The reveal is a reply to the post: say where, the card alone reads like a dead end.
        blocks.append(context(st(loc, "daily.see_thread")))
    elif your_score is None:
        answer = ids.encode(ids.DailyAnswerAction(post_id=view.post_id))
        # The question rides in the button's value: a press on an ephemeral copy of the card
        # (`/interview daily`) comes without the message, and the modal still shows it.
        value = shorten(view.question, BUTTON_VALUE_MAX)
        blocks.append(
            actions(button(st(loc, "button.answer"), answer, style="primary", value=value))
        )
        blocks.append(context(st(loc, "daily.how_to_answer")))
    return SlackMessage(text=plain(f"{title} {shorten(view.question, 200)}"), blocks=blocks)


def daily_reveal(view: DailyReveal) -> SlackMessage:
    loc = view.locale
    title = phrasing.reveal_title(view)
    lines = [escape(t(loc, "feedback.question", question=view.question))]
    if view.answers == 0:
        lines.append(escape(t(loc, "reveal.nobody")))
    else:
        lines.append(escape(t(loc, "reveal.answers", count=view.answers)))
        lines.append(escape(phrasing.reveal_distribution(view)))
        if view.best:
            lines.append(f"*{escape(t(loc, 'reveal.best'))}*")
            lines += [escape(entry) for entry in phrasing.reveal_best(view)]
    reference = markdown_to_mrkdwn(view.reference_answer.rstrip())
    blocks = [
        header(title),
        *section("\n".join(lines)),
        divider(),
        *section(f"*{escape(t(loc, 'reveal.reference'))}*\n{reference}"),
    ]
    return SlackMessage(text=plain(title), blocks=blocks)


def weekly_digest(view: WeeklyDigest) -> SlackMessage:
    title = phrasing.digest_title(view)
    top = [f"*{escape(phrasing.digest_top_header(view))}*"]
    top += [escape(row) for row in phrasing.digest_top(view)]
    hardest = [escape(phrasing.digest_hardest(view))]
    question = phrasing.digest_hardest_question(view, 300)
    if question:
        hardest.append(escape(question))
    blocks = [
        header(title),
        context(escape(phrasing.digest_totals(view))),
        *section("\n".join(top)),
        divider(),
        *section(escape(phrasing.digest_improved(view))),
        *section("\n".join(hardest)),
    ]
    return SlackMessage(text=plain(f"{title} {phrasing.digest_totals(view)}"), blocks=blocks)


def config(view: ConfigView) -> SlackMessage:
    loc = view.locale
    lines = [escape(view.text)] if view.text else []
    if not view.configured:
        lines.append(escape(t(loc, "config.none")))
    else:
        lines.append(f"*{escape(t(loc, 'config.header'))}*")
        lines += [escape(line) for line in phrasing.config_settings(view)]
        state = phrasing.config_state(view, _TIME)
        if not view.enabled and not view.disabled_reason:
            state = st(loc, "config.off")  # the typed way back on, as Slack types it
        if state:
            when = slack_time(view.next_post_at) if view.next_post_at else ""
            lines.append(escape(state).replace(_TIME, when))
    lines.append(escape(phrasing.config_me(view)))
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
