"""Replies → Discord messages: embeds and buttons, one function per reply kind.

Sizes are kept within Discord's limits by `limits.py`: long text becomes several embeds, and
embeds several messages; nothing is cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import singledispatch

import discord

from bot.adapters.discord.components import (
    DailyAnswerButton,
    ForgetButton,
    MarkButton,
    QuestionButton,
)
from bot.adapters.discord.limits import (
    DESCRIPTION_MAX,
    EMBEDS_PER_MESSAGE,
    MESSAGE_EMBEDS_MAX_CHARS,
    TITLE_MAX,
    long_embeds,
    pack,
)
from bot.adapters.discord.texts import d
from bot.core import phrasing
from bot.core.i18n import format_duration, format_number, t
from bot.core.ids import DailyAnswerAction, ForgetAction, MarkAction, QuestionAction
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

BLURPLE, GREEN, AMBER, RED, GREY, GOLD = 0x5865F2, 0x57F287, 0xFEE75C, 0xED4245, 0x99AAB5, 0xF1C40F


@dataclass
class Outgoing:
    """One Discord message to send: text, embeds, and the buttons under them."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    content: str = ""
    private: bool = False  # an error or notice: only the member should see it
    source: Reply | None = None  # the reply it shows (a question card is tracked to close it)


@dataclass(frozen=True)
class Style:
    """What the renderer must know about the place: can members type their answer there?"""

    typed_answers: bool = False


PLAIN = Style()


def render_all(replies: Iterable[Reply], style: Style = PLAIN) -> list[Outgoing]:
    out: list[Outgoing] = []
    for reply in replies:
        for message in render(reply, style):
            message.source = reply
            out.append(message)
    return out


def fewer_messages(outs: Iterable[Outgoing]) -> list[Outgoing]:
    """Messages for a channel: one without buttons or text goes into the next one when both
    fit in one message (the "interview started" line with the first question card). The
    merged message shows the later one's reply and buttons."""
    merged: list[Outgoing] = []
    for out in outs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.view is None
            and not last.content
            and not out.content
            and len(last.embeds) + len(out.embeds) <= EMBEDS_PER_MESSAGE
            and sum(len(e) for e in [*last.embeds, *out.embeds]) <= MESSAGE_EMBEDS_MAX_CHARS
        ):
            out = Outgoing([*last.embeds, *out.embeds], out.view, source=out.source)
            merged[-1] = out
        else:
            merged.append(out)
    return merged


@singledispatch
def render(reply: Reply, style: Style) -> list[Outgoing]:
    raise TypeError(f"no Discord rendering for {type(reply).__name__}")


@render.register
def _question(reply: QuestionCard, style: Style) -> list[Outgoing]:
    return [Outgoing([question_embed(reply, style)], question_buttons(reply))]


def question_embed(reply: QuestionCard, style: Style, *, closed: bool = False) -> discord.Embed:
    loc = reply.locale
    title = phrasing.card_title(reply)
    lines = [reply.question]
    if reply.hints:
        lines += ["", t(loc, "card.hints"), *[f"💡 {hint}" for hint in reply.hints]]
    embed = discord.Embed(
        title=title[:TITLE_MAX],
        description=_cut("\n".join(lines)),
        colour=GREY if closed else BLURPLE,
    )
    embed.add_field(name=d(loc, "card.max"), value=format_number(reply.max_score))
    if closed:
        embed.add_field(name=d(loc, "card.state"), value=d(loc, "card.closed"))
    else:
        embed.add_field(
            name=d(loc, "card.deadline"),
            value=d(
                loc,
                "card.deadline_value",
                when=discord.utils.format_dt(reply.deadline, "R"),
                limit=format_duration(loc, reply.time_limit_s),
            ),
        )
        embed.set_footer(
            text=d(loc, "card.answer_how_typed" if style.typed_answers else "card.answer_how")
        )
    return embed


def question_buttons(reply: QuestionCard) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for verb in ("answer", "hint", "skip", "stop"):
        action = QuestionAction(verb=verb, session_id=reply.session_id, position=reply.position)
        view.add_item(QuestionButton(action, reply.locale))
    return view


def closed_question(reply: QuestionCard, style: Style) -> Outgoing:
    """The card as it reads once its question is over: greyed, no buttons."""
    return Outgoing([question_embed(reply, style, closed=True)], discord.ui.View(timeout=None))


@render.register
def _hint(reply: HintCard, style: Style) -> list[Outgoing]:
    embed = discord.Embed(
        description=f"💡 {phrasing.hint_point(reply)}\n{phrasing.hint_cost(reply)}", colour=AMBER
    )
    return [Outgoing([embed])]


@render.register
def _feedback(reply: Feedback, style: Style) -> list[Outgoing]:
    loc = reply.locale
    header = phrasing.feedback_title(reply)
    lines = [t(loc, "feedback.refined")] if reply.refined else []
    lines.append(phrasing.feedback_question(reply, 200))
    earlier = phrasing.feedback_earlier_points(reply)
    if earlier:
        lines.append(earlier)
    lines.append(f"**{phrasing.feedback_verdict(reply)}**")
    lines += reply.misconceptions
    if reply.covered:
        lines += ["", f"**{t(loc, 'feedback.covered')}**"]
        lines += [f"✅ {phrasing.covered_point(loc, point)}" for point in reply.covered]
    if reply.missed:
        lines += ["", f"**{t(loc, 'feedback.missed')}**"]
        lines += [f"❌ {point}" for point in reply.missed]
    if reply.judge_pending:
        lines += ["", t(loc, "feedback.judge_pending")]
    colour = GREEN if reply.score >= 70 else AMBER if reply.score >= 40 else RED
    embeds = long_embeds(header, "\n".join(lines), colour)
    reference = long_embeds(
        t(loc, "feedback.reference").rstrip("：:"),
        reply.reference_answer.rstrip(),
        GREY,
        continued=d(loc, "feedback.reference_more"),
    )
    embeds += reference
    if reply.grader:
        embeds[-1].set_footer(text=t(loc, "feedback.grader", grader=reply.grader))
    view = None
    if reply.outcome == "answered" and not reply.refined:
        view = discord.ui.View(timeout=None)
        for verdict in ("too_low", "too_high"):
            action = MarkAction(attempt_id=reply.attempt_id, verdict=verdict)
            view.add_item(MarkButton(action, loc))
    messages = [Outgoing(chunk) for chunk in pack(embeds)]
    messages[-1].view = view
    return messages


@render.register
def _summary(reply: Summary, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [phrasing.summary_item(loc, item) for item in reply.items]
    lines += ["", f"**{phrasing.summary_total(reply)}**", phrasing.summary_weakest(reply)]
    embeds = long_embeds(t(loc, f"summary.{reply.ended}").rstrip("：:"), "\n".join(lines), GOLD)
    return [Outgoing(chunk) for chunk in pack(embeds)]


@render.register
def _board(reply: Board, style: Style) -> list[Outgoing]:
    loc = reply.locale
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        "…" if row is None else medals.get(row.rank, "") + phrasing.board_row(loc, row)
        for row in phrasing.board_rows(reply)
    ] or [t(loc, "board.empty")]
    return _plain(t(loc, f"board.{reply.period}"), "\n".join(lines), GOLD)


@render.register
def _stats(reply: StatsView, style: Style) -> list[Outgoing]:
    loc = reply.locale
    header = (
        t(loc, "stats.header_of", name=reply.of_member)
        if reply.of_member
        else t(loc, "stats.header")
    )
    if reply.attempts == 0:
        return _plain(header, t(loc, "stats.empty"), BLURPLE)
    lines = [
        phrasing.stats_totals(reply),
        "",
        f"**{t(loc, 'stats.by_topic')}**",
        *phrasing.stats_topic_rows(reply),
    ]
    extra = [line for line in (phrasing.stats_streak(reply), phrasing.stats_review(reply)) if line]
    if extra:
        lines += ["", *extra]
    return _plain(header, "\n".join(lines), BLURPLE)


@render.register
def _topics(reply: TopicsView, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [phrasing.topic_row(loc, topic, shown_id=f"`{topic.id}`") for topic in reply.topics]
    return _plain(t(loc, "topics.header"), "\n".join(lines), BLURPLE)


# The overview lists the slash commands as Discord shows them; one command's help is the
# core's (its options, ranges and examples are the same everywhere).
HELP_ORDER = (
    "start",
    "answer",
    "hint",
    "skip",
    "stop",
    "status",
    "review",
    "mark",
    "topics",
    "leaderboard",
    "stats",
    "daily",
    "config",
    "forget-me",
    "lang",
    "help",
)


@render.register
def _help(reply: HelpView, style: Style) -> list[Outgoing]:
    if reply.command is not None:
        return _plain(None, f"```\n{reply.text}\n```", BLURPLE, private=True)
    lines = [f"`/interview {name}` — {d(reply.locale, f'cmd.{name}')}" for name in HELP_ORDER]
    lines += ["", d(reply.locale, "help.more")]
    return _plain(d(reply.locale, "cmd.interview"), "\n".join(lines), BLURPLE, private=True)


# Notices whose core wording names commands as they are typed on the console.
DISCORD_WORDED = frozenset({"no_session"})


@render.register
def _notice(reply: Notice, style: Style) -> list[Outgoing]:
    text = d(reply.locale, f"notice.{reply.code}") if reply.code in DISCORD_WORDED else reply.text
    return _plain(None, text, BLURPLE, private=True)


@render.register
def _error(reply: ErrorNotice, style: Style) -> list[Outgoing]:
    return _plain(None, f"⚠️ {reply.text}", RED, private=True)


def daily_button(post_id: int, locale: str) -> DailyAnswerButton:
    return DailyAnswerButton(DailyAnswerAction(post_id=post_id), locale)


def forget_buttons(locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(ForgetAction(confirm=True), locale))
    view.add_item(ForgetButton(ForgetAction(confirm=False), locale))
    return view


def _plain(title: str | None, text: str, colour: int, *, private: bool = False) -> list[Outgoing]:
    embeds = long_embeds(title, text, colour)
    return [Outgoing(chunk, private=private) for chunk in pack(embeds)]


def _cut(text: str) -> str:
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


# The daily challenge's replies register themselves on `render` (kept apart for size).
from bot.adapters.discord import render_daily as _daily  # noqa: E402, F401
