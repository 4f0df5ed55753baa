"""The daily challenge on Discord: the post (with its Answer button), its reveal, the weekly
digest, the channel's settings and forget-me's "are you sure" (with its buttons). Registered on
`render.render`.

What each part says comes from `bot.core.phrasing`; here only the layout. Times are Discord's
`<t:…>` markup, so every member reads them in their own time zone.
"""

from __future__ import annotations

import discord

from bot.adapters.discord.limits import long_embeds, pack
from bot.adapters.discord.render import (
    AMBER,
    BLURPLE,
    GOLD,
    GREY,
    RED,
    Outgoing,
    Style,
    daily_button,
    forget_buttons,
    render,
)
from bot.adapters.discord.texts import d
from bot.core import phrasing
from bot.core.i18n import t
from bot.core.replies import ConfigView, DailyCard, DailyReveal, ForgetConfirm, WeeklyDigest


@render.register
def _daily_card(reply: DailyCard, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [reply.question, "", phrasing.daily_answers(reply)]
    your_score = phrasing.daily_your_score(reply)  # only on the member's own `daily` reply
    if your_score is not None:
        lines.append(your_score)
    description = "\n".join(lines)
    colour = GREY if reply.closed else GOLD
    embed = discord.Embed(title=phrasing.daily_title(reply), description=description, colour=colour)
    if reply.closed:
        embed.add_field(name=d(loc, "card.state"), value=t(loc, "daily.closed"))
    else:
        closes = reply.closes_at
        when = f"{discord.utils.format_dt(closes, 'R')} ({discord.utils.format_dt(closes, 'f')})"
        embed.add_field(name=d(loc, "card.deadline"), value=when)
    # An empty view clears the buttons when the post is edited (closed, or already answered).
    view = discord.ui.View(timeout=None)
    if not reply.closed and reply.your_score is None:
        embed.set_footer(text=d(loc, "daily.how"))
        view.add_item(daily_button(reply.post_id, loc))
    return [Outgoing([embed], view)]


@render.register
def _daily_reveal(reply: DailyReveal, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [t(loc, "feedback.question", question=reply.question)]
    if reply.answers == 0:
        lines.append(t(loc, "reveal.nobody"))
    else:
        lines.append(t(loc, "reveal.answers", count=reply.answers))
        lines.append(phrasing.reveal_distribution(reply))
        if reply.best:
            lines += ["", f"**{t(loc, 'reveal.best')}**", *phrasing.reveal_best(reply)]
    embeds = long_embeds(phrasing.reveal_title(reply), "\n".join(lines), AMBER)
    embeds += long_embeds(
        t(loc, "reveal.reference").rstrip("：:"),
        reply.reference_answer.rstrip(),
        GREY,
        continued=d(loc, "feedback.reference_more"),
    )
    return [Outgoing(chunk) for chunk in pack(embeds)]


@render.register
def _weekly_digest(reply: WeeklyDigest, style: Style) -> list[Outgoing]:
    lines = [phrasing.digest_totals(reply), "", f"**{phrasing.digest_top_header(reply)}**"]
    lines += phrasing.digest_top(reply)
    lines += ["", phrasing.digest_improved(reply), "", phrasing.digest_hardest(reply)]
    question = phrasing.digest_hardest_question(reply, 300)
    if question:
        lines.append(question)
    embeds = long_embeds(phrasing.digest_title(reply), "\n".join(lines), GOLD)
    return [Outgoing(chunk) for chunk in pack(embeds)]


@render.register
def _config(reply: ConfigView, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [reply.text, ""] if reply.text else []
    if not reply.configured:
        lines.append(d(loc, "config.none"))
    else:
        lines += [line.strip() for line in phrasing.config_settings(reply)]
        when = discord.utils.format_dt(reply.next_post_at, "f") if reply.next_post_at else ""
        state = (
            d(loc, "config.off")
            if not reply.enabled and not reply.disabled_reason
            else phrasing.config_state(reply, when)
        )
        if state:
            lines.append(state.strip())
    lines += ["", phrasing.config_me(reply)]
    title = t(loc, "config.header").rstrip("：:") if reply.configured else None
    embeds = long_embeds(title, "\n".join(lines), BLURPLE)
    return [Outgoing(chunk, private=True) for chunk in pack(embeds)]


@render.register
def _forget_confirm(reply: ForgetConfirm, style: Style) -> list[Outgoing]:
    # The core's sentence says how to confirm by typing; here the buttons do it.
    text = d(
        reply.locale,
        "forget.confirm",
        attempts=reply.attempts,
        sessions=reply.sessions,
        reviews=reply.review_cards,
        daily=reply.daily_answers,
    )
    embed = discord.Embed(description=f"⚠️ {text}", colour=RED)
    return [Outgoing([embed], forget_buttons(reply.locale), private=True)]
