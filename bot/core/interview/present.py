"""Builds replies from store records and bank questions (no I/O, no decisions)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

from bot.core.commands import Locale
from bot.core.i18n import format_duration, has, join_names, join_sentences, pick, t, with_note
from bot.core.notices import error
from bot.core.replies import (
    CoveredPointView,
    ErrorNotice,
    Feedback,
    Outcome,
    QuestionCard,
    Summary,
    SummaryItem,
)
from content.loader import Bank
from content.schema import Question
from storage.models import AttemptRecord, SessionRecord

# A topic is "weak" in a summary when its average score is below this.
WEAK_TOPIC_BELOW = 60.0
WEAKEST_SHOWN = 3
_KNOWN_VERDICTS = frozenset({"excellent", "good", "partial", "weak", "empty"})


def topic_name(bank: Bank, topic_id: str, locale: Locale) -> str:
    topic = bank.topics.get(topic_id)
    if topic is None:
        return topic_id
    return pick(locale, topic.zh, topic.en)


def seconds_left(deadline: datetime, now: datetime) -> int:
    return max(0, math.ceil((deadline - now).total_seconds()))


def question_card(
    bank: Bank,
    session: SessionRecord,
    attempt: AttemptRecord,
    question: Question,
    *,
    now: datetime,
    locale: Locale,
) -> QuestionCard:
    return QuestionCard(
        locale=locale,
        session_id=session.id,
        attempt_id=attempt.id,
        position=attempt.position,
        total=len(session.question_ids),
        question_id=question.id,
        topic_id=question.topic,
        topic_name=topic_name(bank, question.topic, locale),
        difficulty=question.difficulty,
        question=question.question,
        deadline=attempt.deadline_at,
        seconds_left=seconds_left(attempt.deadline_at, now),
        time_limit_s=session.time_limit_s,
        hints=[kp.point for kp in question.key_points[: attempt.hints_used]],
        max_score=attempt.max_score,
    )


def feedback(
    bank: Bank,
    session: SessionRecord,
    attempt: AttemptRecord,
    question: Question,
    *,
    locale: Locale,
    while_offline: bool = False,
    earlier_points: float = 0.0,
) -> Feedback:
    outcome: Outcome = "stopped" if attempt.state == "asking" else attempt.state
    grade: dict[str, Any] = attempt.grade or {}
    wrong: list[str] = []
    if outcome == "answered":
        covered = [
            CoveredPointView(point=str(p["point"]), matched=[str(m) for m in p.get("matched", [])])
            for p in grade.get("covered", [])
        ]
        missed = [str(p["point"]) for p in grade.get("missed", [])]
        verdict = _verdict(locale, grade, every_point=bool(covered) and not missed)
        wrong = misconception_lines(locale, grade.get("misconceptions", []))
        grader = " ".join(str(grade[k]) for k in ("grader", "version") if k in grade) or None
    else:
        covered, missed = [], [kp.point for kp in question.key_points]
        verdict = t(locale, f"verdict.{outcome}")
        grader = None
        wrong = []
    return Feedback(
        locale=locale,
        session_id=session.id,
        attempt_id=attempt.id,
        position=attempt.position,
        total=len(session.question_ids),
        question_id=question.id,
        topic_name=topic_name(bank, question.topic, locale),
        difficulty=question.difficulty,
        question=question.question,
        outcome=outcome,
        score=attempt.score or 0.0,
        max_score=attempt.max_score,
        points=attempt.points,
        covered=covered,
        missed=missed,
        verdict=verdict,
        reference_answer=question.answer,
        grader=grader,
        time_taken_s=_time_taken(attempt),
        while_offline=while_offline,
        earlier_points=earlier_points,
        misconceptions=wrong,
    )


def summary(
    bank: Bank,
    session: SessionRecord,
    attempts: list[AttemptRecord],
    *,
    ended: str,
    locale: Locale,
) -> Summary:
    items: list[SummaryItem] = []
    by_topic: dict[str, list[float]] = defaultdict(list)
    # The question open when the member stopped was never answered: it is neither asked nor
    # scored, so it does not drag down the total and average.
    for attempt in (a for a in attempts if a.state != "stopped"):
        question = bank.questions.get(attempt.question_id)
        score = attempt.score or 0.0
        items.append(
            SummaryItem(
                position=attempt.position,
                question=question.question if question else attempt.question_id,
                topic_name=topic_name(bank, attempt.topic, locale),
                outcome=attempt.state,
                score=score,
                max_score=attempt.max_score,
                points=attempt.points,
                time_taken_s=_time_taken(attempt),
            )
        )
        by_topic[attempt.topic].append(score)
    averages = sorted((sum(s) / len(s), topic) for topic, s in by_topic.items())
    weakest = [
        topic_name(bank, topic, locale) for avg, topic in averages if avg < WEAK_TOPIC_BELOW
    ][:WEAKEST_SHOWN]
    total = sum(item.score for item in items)
    return Summary(
        locale=locale,
        session_id=session.id,
        ended="stopped" if ended == "stopped" else "finished",
        items=items,
        asked=len(items),
        planned=len(session.question_ids),
        total_score=round(total, 1),
        total_possible=100.0 * len(items),
        average_score=round(total / len(items), 1) if items else 0.0,
        points=round(sum(item.points for item in items), 2),
        weakest_topics=weakest,
    )


def _time_taken(attempt: AttemptRecord) -> int:
    # An attempt finished after its deadline (expired while the bot was down) took the full time.
    end = min(attempt.finished_at or attempt.deadline_at, attempt.deadline_at)
    return max(0, round((end - attempt.asked_at).total_seconds()))


def filter_text(
    bank: Bank,
    locale: Locale,
    topic_id: str | None,
    difficulty: int | None,
    *,
    any_key: str = "error.filter_any",
) -> str:
    """What a session draws from, in words: "RAG与应用 · 中等", or "any topic"."""
    parts = []
    if topic_id is not None:
        parts.append(topic_name(bank, topic_id, locale))
    if difficulty is not None:
        parts.append(t(locale, f"difficulty.{difficulty}"))
    return " · ".join(parts) if parts else t(locale, any_key)


def unknown_topic(bank: Bank, locale: Locale, name: str) -> ErrorNotice:
    names = [
        with_note(locale, topic.id, pick(locale, topic.zh, topic.en))
        for topic in bank.topics.values()
        if any(q.topic == topic.id for q in bank.questions.values())
    ]
    return error(locale, "unknown_topic", name=name, topics=join_names(locale, names))


def session_exists(
    bank: Bank, locale: Locale, session: SessionRecord, position: int, left_s: int
) -> ErrorNotice:
    topic = filter_text(bank, locale, session.topic, session.difficulty, any_key="notice.any_topic")
    return error(
        locale,
        "session_exists",
        position=position,
        total=len(session.question_ids),
        topic=topic,
        time=format_duration(locale, left_s),
    )


def _verdict(locale: Locale, grade: dict[str, Any], *, every_point: bool) -> str:
    """The grader's verdict, then what its guards did (a cap, terms without claims)."""
    key = str(grade.get("verdict", "unknown"))
    verdict = t(locale, f"verdict.{key if key in _KNOWN_VERDICTS else 'unknown'}")
    guards = grade.get("guards", [])
    notes = [note for g in guards if (note := _guard_note(locale, g))]
    if "misconception" in guards and every_point:
        # Every point is there but the grade is capped: "most points are missing" (the capped
        # score's band) would be false; the cap's own note says why.
        return join_sentences(locale, *notes)
    return join_sentences(locale, verdict, *notes)


def _guard_note(locale: Locale, guard: str) -> str | None:
    return t(locale, f"guard.{guard}") if has(f"guard.{guard}") else None


def misconception_lines(locale: str, stated: list[dict[str, object]]) -> list[str]:
    """One "❗" line per misconception stored with a grade (`GradeResult.misconceptions`)."""
    return [
        t(
            locale,
            "grading.misconception",
            claim=str(item.get("claim", "")).rstrip("。."),
            correct=str(item.get("correct", "")).rstrip("。."),
        )
        for item in stated
        if isinstance(item, dict) and item.get("claim")
    ]
