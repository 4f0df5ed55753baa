"""Grading: the contract types, the offline key-point grader and its factory.

The core imports only from here; the grader's internals live in sibling modules.
"""

from __future__ import annotations

from bot.core.grading.offline import OfflineGrader, build_offline_grader
from bot.core.grading.pool import GradingPool, InlineGrading
from bot.core.grading.types import (
    GUARD_DONT_KNOW,
    GUARD_EMPTY,
    GUARD_KEYWORD_LIST,
    GUARD_MISCONCEPTION,
    GUARD_OFF_TOPIC,
    GUARD_REPEATS_QUESTION,
    GUARD_TERMS_WITHOUT_CLAIMS,
    AnswerGrading,
    CoveredPoint,
    Grader,
    GradeResult,
    MissedPoint,
    StatedMisconception,
    Verdict,
)

__all__ = [
    "AnswerGrading",
    "GUARD_DONT_KNOW",
    "GUARD_EMPTY",
    "GUARD_KEYWORD_LIST",
    "GUARD_MISCONCEPTION",
    "GUARD_OFF_TOPIC",
    "GUARD_REPEATS_QUESTION",
    "GUARD_TERMS_WITHOUT_CLAIMS",
    "CoveredPoint",
    "GradeResult",
    "Grader",
    "GradingPool",
    "InlineGrading",
    "MissedPoint",
    "OfflineGrader",
    "StatedMisconception",
    "Verdict",
    "build_offline_grader",
]
