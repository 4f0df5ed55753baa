"""Grading never raises, whatever the text: the contract every answer relies on.

Property-based: hypothesis writes the answers, biased towards what breaks text handling
(sentence ends, arrows, list glue, negations, the question's own terms, control characters).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.grading import OfflineGrader
from bot.core.grading.offline import GRADER_VERSION
from content.loader import Bank

# Pieces the grader's own parsing looks for, mixed into arbitrary text.
_PIECES = st.sampled_from(
    [
        "。", "，", "、", "→", "->", ":", "；", "\n", "和", "不是", "并不", "not ", "n't",
        "这些都非常重要", "涉及", "LoRA", "冻结", "原权重", "低秩", "B 初始化为 0", "模型更小",
        "+", "ΔW=BA", "KV Cache", "😀", "\x00", "\u200b", "<b>", "ｆｕｌｌ", "線性增長",
    ]
)  # fmt: skip
_ANSWERS = st.lists(st.one_of(st.text(max_size=40), _PIECES), max_size=30).map("".join)


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(answer=_ANSWERS, which=st.integers(min_value=0, max_value=1_000))
def test_any_text_grades_without_an_exception(
    grader: OfflineGrader, bank: Bank, answer: str, which: int
) -> None:
    questions = sorted(bank.questions)
    question = bank.questions[questions[which % len(questions)]]
    result = grader.grade(question, answer)
    assert 0 <= result.score <= 100
    # Not the fallback path: that one is for bugs, and a bug is what this test looks for.
    assert result.version == GRADER_VERSION
    assert {c.point for c in result.covered}.isdisjoint({m.point for m in result.missed})
