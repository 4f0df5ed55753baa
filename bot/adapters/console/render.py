"""Plain text for every reply: one function per reply kind (the console prints the result)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import singledispatch
from zoneinfo import ZoneInfo

from bot.adapters.console.texts import TEXTS
from bot.core import phrasing
from bot.core.i18n import join_sentences, shorten, t
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
        phrasing.card_title(view),
        f"{phrasing.card_time_left(view)} · {phrasing.card_max_score(view)}",
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
    return "\n".join(["💡 " + phrasing.hint_point(view), phrasing.hint_cost(view)])


@render.register
def _feedback(view: Feedback) -> str:
    loc = view.locale
    lines = [RULE]
    if view.refined:
        lines.append(t(loc, "feedback.refined"))
    lines += [phrasing.feedback_title(view), phrasing.feedback_question(view, 80)]
    earlier = phrasing.feedback_earlier_points(view)
    if earlier:
        lines.append(earlier)
    lines.append(phrasing.feedback_verdict(view))
    lines += view.misconceptions
    if view.covered:
        lines += ["", t(loc, "feedback.covered")]
        lines += [f"  ✅ {phrasing.covered_point(loc, point)}" for point in view.covered]
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
    lines += [phrasing.summary_item(loc, item) for item in view.items]
    lines += [phrasing.summary_total(view), phrasing.summary_weakest(view)]
    return "\n".join(lines)


@render.register
def _board(view: Board) -> str:
    loc = view.locale
    lines = [t(loc, f"board.{view.period}")]
    if not view.rows:
        lines.append(t(loc, "board.empty"))
    lines += [
        "…" if row is None else phrasing.board_row(loc, row) for row in phrasing.board_rows(view)
    ]
    return "\n".join(lines)


@render.register
def _stats(view: StatsView) -> str:
    loc = view.locale
    if view.attempts == 0:
        return t(loc, "stats.empty")
    lines = [t(loc, "stats.header"), phrasing.stats_totals(view), t(loc, "stats.by_topic")]
    lines += [f"  {row}" for row in phrasing.stats_topic_rows(view)]
    lines += [line for line in (phrasing.stats_review(view), phrasing.stats_streak(view)) if line]
    return "\n".join(lines)


@render.register
def _topics(view: TopicsView) -> str:
    loc = view.locale
    lines = [t(loc, "topics.header")]
    lines += [f"  {phrasing.topic_row(loc, topic)}" for topic in view.topics]
    lines.append(t(loc, "topics.usage"))
    return "\n".join(lines)


@render.register
def _help(view: HelpView) -> str:
    if view.command is not None:
        return view.text
    # Leaving is the console's own business: the shared overview does not mention it.
    return f"{view.text}\n{TEXTS.t(view.locale, 'console.help_exit')}"


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
        phrasing.daily_title(view),
        "",
        view.question,
        "",
        phrasing.daily_status(view, _local(view.closes_at)),
        phrasing.daily_answers(view),
    ]
    your_score = phrasing.daily_your_score(view)
    if your_score is not None:
        lines.append(your_score)
    elif not view.closed:
        lines.append(t(loc, "daily.how_to_answer"))
    return "\n".join(lines)


@render.register
def _daily_reveal(view: DailyReveal) -> str:
    loc = view.locale
    lines = [
        RULE,
        phrasing.reveal_title(view),
        t(loc, "feedback.question", question=shorten(view.question, 80)),
    ]
    if view.answers == 0:
        lines.append(t(loc, "reveal.nobody"))
    else:
        lines += [t(loc, "reveal.answers", count=view.answers), phrasing.reveal_distribution(view)]
        if view.best:
            lines.append(t(loc, "reveal.best"))
            lines += [f"  {entry}" for entry in phrasing.reveal_best(view)]
    lines += ["", t(loc, "reveal.reference"), view.reference_answer.rstrip()]
    return "\n".join(lines)


@render.register
def _weekly_digest(view: WeeklyDigest) -> str:
    lines = [RULE, phrasing.digest_title(view), phrasing.digest_totals(view), ""]
    lines.append(phrasing.digest_top_header(view))
    lines += [f"  {row}" for row in phrasing.digest_top(view)]
    lines += ["", phrasing.digest_improved(view), phrasing.digest_hardest(view)]
    question = phrasing.digest_hardest_question(view, 80)
    if question:
        lines.append(f"  {question}")
    return "\n".join(lines)


@render.register
def _config(view: ConfigView) -> str:
    loc = view.locale
    lines = [view.text] if view.text else []
    if not view.configured:
        lines.append(t(loc, "config.none"))
    else:
        lines += [t(loc, "config.header"), *phrasing.config_settings(view)]
        next_post = view.next_post_at
        state = phrasing.config_state(view, _local(next_post, view.timezone) if next_post else "")
        if state:
            lines.append(state)
    lines.append(phrasing.config_me(view))
    return "\n".join(lines)


@render.register
def _forget_confirm(view: ForgetConfirm) -> str:
    return f"⚠️ {join_sentences(view.locale, view.text, TEXTS.t(view.locale, 'forget.how'))}"
