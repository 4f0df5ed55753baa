"""Builds the daily challenge's replies from store records and bank questions (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.commands import Locale
from bot.core.daily.config import Calendar
from bot.core.interview.present import topic_name
from bot.core.replies import ConfigView, DailyCard, DailyReveal, RevealEntry, ScoreBand
from content.loader import Bank
from content.schema import Question
from storage.daily_models import DailyAnswerRow, DailyConfigRecord, DailyPostRecord

BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))
BEST_SHOWN = 3


def shown_name(display_name: str | None, user_id: str, *, show_name: bool) -> str | None:
    """How a channel post may name a member: only if they opted in (`config me show-name=on`);
    None stands for "a member"."""
    return (display_name or user_id) if show_name else None


def card(
    bank: Bank,
    post: DailyPostRecord,
    question: Question,
    *,
    locale: Locale,
    closed: bool,
    your_score: float | None = None,
) -> DailyCard:
    return DailyCard(
        locale=locale,
        post_id=post.id,
        local_date=post.local_date,
        question_id=question.id,
        question=question.question,
        topic_id=question.topic,
        topic_name=topic_name(bank, question.topic, locale),
        difficulty=question.difficulty,
        closes_at=post.closes_at,
        answers=post.answers,
        closed=closed,
        your_score=your_score,
    )


def reveal(
    bank: Bank,
    post: DailyPostRecord,
    question: Question,
    answers: Sequence[DailyAnswerRow],
    *,
    locale: Locale,
) -> DailyReveal:
    """The reference answer, the score bands and the best scores (names only if opted in)."""
    bands = [
        ScoreBand(
            low=low, high=high, count=sum(1 for a in answers if low <= round(a.score) <= high)
        )
        for low, high in BANDS
    ]
    best = [
        RevealEntry(
            name=shown_name(a.display_name, a.user_id, show_name=a.show_name), score=a.score
        )
        # The store lists best first, ties by who answered first; a 0 is nobody's best.
        for a in answers[:BEST_SHOWN]
        if a.score > 0
    ]
    return DailyReveal(
        locale=locale,
        post_id=post.id,
        local_date=post.local_date,
        question=question.question,
        topic_name=topic_name(bank, question.topic, locale),
        difficulty=question.difficulty,
        reference_answer=question.answer,
        answers=len(answers),
        distribution=bands,
        best=best,
    )


def config_view(
    bank: Bank,
    config: DailyConfigRecord | None,
    *,
    channel_id: str | None,
    locale: Locale,
    show_name: bool,
    now: datetime,
    text: str | None = None,
) -> ConfigView:
    if config is None:
        return ConfigView(
            locale=locale,
            configured=False,
            enabled=False,
            channel_id=channel_id,
            time=None,
            timezone=None,
            days=[],
            topics=[],
            difficulty=None,
            window_s=None,
            digest=False,
            next_post_at=None,
            disabled_reason=None,
            show_name=show_name,
            text=text,
        )
    return ConfigView(
        locale=locale,
        configured=True,
        enabled=config.enabled,
        channel_id=config.channel_id,
        time=f"{config.post_hour:02d}:{config.post_minute:02d}",
        timezone=config.timezone,
        days=[int(d) for d in config.days],
        topics=[topic_name(bank, topic, locale) for topic in config.topics or []],
        difficulty=config.difficulty,
        window_s=config.window_s,
        digest=config.digest,
        next_post_at=Calendar.of(config).next_due(now) if config.enabled else None,
        disabled_reason=config.disabled_reason,
        show_name=show_name,
        text=text,
    )
