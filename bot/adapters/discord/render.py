"""Replies → Discord messages: embeds and buttons, one function per reply kind.

Discord's limits are kept here and nowhere else: 4,096 characters per embed description,
6,000 per message's embeds together, 10 embeds per message, 256 per title, 1,024 per field.
Long text (a reference answer) is split at line boundaries into as many embeds, and embeds
into as many messages, as it takes; nothing is cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import singledispatch

import discord

from bot.adapters.discord.components import (
    DailyAnswerButton,
    ForgetButton,
    MarkButton,
    QuestionButton,
)
from bot.adapters.discord.texts import d
from bot.core.i18n import format_duration, format_number, format_span, shorten, t
from bot.core.ids import MarkAction, QuestionAction
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

DESCRIPTION_MAX = 4096
MESSAGE_EMBEDS_MAX_CHARS = 6000
EMBEDS_PER_MESSAGE = 10
TITLE_MAX = 256

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


@singledispatch
def render(reply: Reply, style: Style) -> list[Outgoing]:
    raise TypeError(f"no Discord rendering for {type(reply).__name__}")


@render.register
def _question(reply: QuestionCard, style: Style) -> list[Outgoing]:
    return [Outgoing([question_embed(reply, style)], question_buttons(reply))]


def question_embed(reply: QuestionCard, style: Style, *, closed: bool = False) -> discord.Embed:
    loc = reply.locale
    title = t(
        loc,
        "card.header",
        position=reply.position,
        total=reply.total,
        topic=reply.topic_name,
        difficulty=t(loc, f"difficulty.{reply.difficulty}"),
    )
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
        embed.add_field(name=d(loc, "card.deadline"), value=d(loc, "card.closed"))
    else:
        embed.add_field(
            name=d(loc, "card.deadline"),
            value=f"{discord.utils.format_dt(reply.deadline, 'R')} "
            f"({format_duration(loc, reply.time_limit_s)})",
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
    loc = reply.locale
    text = t(loc, "hint.header", number=reply.number, available=reply.available, point=reply.point)
    embed = discord.Embed(
        description="💡 "
        + text
        + "\n"
        + t(
            loc,
            "hint.max_score",
            max=format_number(reply.max_score),
            time=format_duration(loc, reply.seconds_left),
        ),
        colour=AMBER,
    )
    return [Outgoing([embed])]


@render.register
def _feedback(reply: Feedback, style: Style) -> list[Outgoing]:
    loc = reply.locale
    header = t(
        loc,
        "feedback.header",
        position=reply.position,
        total=reply.total,
        score=format_number(reply.score),
        max=format_number(reply.max_score),
        points=format_number(reply.points),
        time=format_duration(loc, reply.time_taken_s),
    )
    lines = [t(loc, "feedback.refined")] if reply.refined else []
    lines.append(t(loc, "feedback.question", question=shorten(reply.question, 200)))
    if reply.outcome == "answered" and reply.earlier_points > 0:
        lines.append(t(loc, "feedback.earlier_points", points=format_number(reply.earlier_points)))
    lines.append(t(loc, "feedback.offline") if reply.while_offline else f"**{reply.verdict}**")
    if reply.covered:
        lines += ["", f"**{t(loc, 'feedback.covered')}**"]
        for point in reply.covered:
            matched = (
                t(loc, "feedback.matched", words=", ".join(point.matched)) if point.matched else ""
            )
            lines.append(f"✅ {point.point}{matched}")
    if reply.missed:
        lines += ["", f"**{t(loc, 'feedback.missed')}**"]
        lines += [f"❌ {point}" for point in reply.missed]
    if reply.judge_pending:
        lines += ["", t(loc, "feedback.judge_pending")]
    colour = GREEN if reply.score >= 70 else AMBER if reply.score >= 40 else RED
    embeds = _long_embeds(header, "\n".join(lines), colour)
    reference = _long_embeds(
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
    lines = []
    for item in reply.items:
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
    lines += [
        "",
        "**"
        + t(
            loc,
            "summary.total",
            asked=reply.asked,
            planned=reply.planned,
            score=format_number(reply.total_score),
            possible=format_number(reply.total_possible),
            average=format_number(reply.average_score),
            points=format_number(reply.points),
        )
        + "**",
    ]
    if reply.weakest_topics:
        lines.append(t(loc, "summary.weakest", topics=", ".join(reply.weakest_topics)))
    else:
        lines.append(t(loc, "summary.no_weak"))
    embeds = _long_embeds(t(loc, f"summary.{reply.ended}").rstrip("：:"), "\n".join(lines), GOLD)
    return [Outgoing(chunk) for chunk in pack(embeds)]


@render.register
def _board(reply: Board, style: Style) -> list[Outgoing]:
    loc = reply.locale
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        f"{medals.get(row.rank, '')}"
        + t(
            loc,
            "board.row",
            rank=row.rank,
            name=row.name,
            points=format_number(row.points),
            attempts=row.attempts,
        )
        + (t(loc, "board.you") if row.is_you else "")
        for row in reply.rows
    ] or [t(loc, "board.empty")]
    return _plain(t(loc, f"board.{reply.period}"), "\n".join(lines), GOLD)


@render.register
def _stats(reply: StatsView, style: Style) -> list[Outgoing]:
    loc = reply.locale
    if reply.attempts == 0:
        return _plain(t(loc, "stats.header"), t(loc, "stats.empty"), BLURPLE)
    lines = [
        t(
            loc,
            "stats.totals",
            attempts=reply.attempts,
            answered=reply.answered,
            average=format_number(reply.average_score),
            points=format_number(reply.points),
        ),
        "",
        f"**{t(loc, 'stats.by_topic')}**",
        *[
            t(
                loc,
                "stats.topic_row",
                topic=row.topic_name,
                attempts=row.attempts,
                average=format_number(row.average_score),
            )
            for row in reply.by_topic
        ],
    ]
    if reply.reviews_due:
        lines += ["", t(loc, "stats.reviews_due", count=reply.reviews_due)]
    elif reply.next_review_in_s is not None:
        lines += ["", t(loc, "stats.next_review", when=format_span(loc, reply.next_review_in_s))]
    return _plain(t(loc, "stats.header"), "\n".join(lines), BLURPLE)


@render.register
def _topics(reply: TopicsView, style: Style) -> list[Outgoing]:
    loc = reply.locale
    lines = [
        t(
            loc,
            "topics.row",
            id=f"`{topic.id}`",
            name=topic.name,
            other=topic.other_name,
            questions=topic.questions,
        )
        for topic in reply.topics
    ]
    return _plain(t(loc, "topics.header"), "\n".join(lines), BLURPLE)


@render.register
def _help(reply: HelpView, style: Style) -> list[Outgoing]:
    return _plain(None, f"```\n{reply.text}\n```", BLURPLE, private=True)


@render.register
def _notice(reply: Notice, style: Style) -> list[Outgoing]:
    return _plain(None, reply.text, BLURPLE, private=True)


@render.register
def _error(reply: ErrorNotice, style: Style) -> list[Outgoing]:
    return _plain(None, f"⚠️ {reply.text}", RED, private=True)


def daily_button(post_id: int, locale: str) -> DailyAnswerButton:
    return DailyAnswerButton(post_id, locale)


def forget_buttons(locale: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(True, locale))
    view.add_item(ForgetButton(False, locale))
    return view


# ---- Discord's size limits ----------------------------------------------------------------


def split_lines(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut between lines (within a line only
    when one line alone is longer than `limit`)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def pack(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: at most 10 and 6,000 characters per message."""
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        length = len(embed)
        if messages[-1] and (
            size + length > MESSAGE_EMBEDS_MAX_CHARS or len(messages[-1]) >= EMBEDS_PER_MESSAGE
        ):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += length
    return messages


def _long_embeds(
    title: str | None, text: str, colour: int, *, continued: str | None = None
) -> list[discord.Embed]:
    # Room for the title and a footer in the same message: descriptions stop well short of
    # 6,000 together with them.
    limit = DESCRIPTION_MAX - 200
    embeds = []
    for number, piece in enumerate(split_lines(text, limit)):
        heading = title if number == 0 else (continued or title)
        embeds.append(
            discord.Embed(
                title=heading[:TITLE_MAX] if heading else None, description=piece, colour=colour
            )
        )
    return embeds


def _plain(title: str | None, text: str, colour: int, *, private: bool = False) -> list[Outgoing]:
    embeds = _long_embeds(title, text, colour)
    return [Outgoing(chunk, private=private) for chunk in pack(embeds)]


def _cut(text: str) -> str:
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"
