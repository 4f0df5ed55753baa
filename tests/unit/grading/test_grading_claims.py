"""Key points as claims: what a member who games the grader, or one who answers in their own
words, meets. The question is the fixture bank's LoRA question, whose key points have curated
facets and one known misconception."""

from __future__ import annotations

import pytest

from bot.core.grading import (
    GUARD_KEYWORD_LIST,
    GUARD_MISCONCEPTION,
    GUARD_OFF_TOPIC,
    GUARD_TERMS_WITHOUT_CLAIMS,
    OfflineGrader,
)
from bot.core.grading.claims import compile_misconception, read_answer, stated_misconceptions
from bot.core.grading.normalize import normalize
from bot.core.interview.present import misconception_lines
from content.loader import Bank
from content.schema import Misconception, Question

EXPLAINED = (
    "LoRA 认为微调时权重的更新量是低秩的，所以冻结原权重，只在旁路训练两个小矩阵 B 和 A；"
    "B 初始化为 0，训练开始时与原模型一致；训练完把 BA 合并回原权重，推理没有额外延迟。"
)
STUFFED = "LoRA 通过低秩、冻结、原权重、零初始化和合并实现高效微调，这些都非常重要。"


@pytest.fixture(scope="module")
def lora(bank: Bank) -> Question:
    return bank.questions["fx-lora-principle"]


def test_a_point_is_credited_when_its_facets_are_said_together(
    grader: OfflineGrader, lora: Question
) -> None:
    together = grader.grade(lora, "LoRA 会冻结原权重，只训练旁路的两个小矩阵。")
    apart = grader.grade(lora, "先冻结。原权重很大。")
    freeze = lora.key_points[1].point
    assert freeze in {c.point for c in together.covered}
    assert freeze not in {c.point for c in apart.covered}
    assert apart.score < together.score


def test_naming_the_terms_in_prose_is_graded_on_claims_and_says_so(
    grader: OfflineGrader, lora: Question
) -> None:
    stuffed = grader.grade(lora, STUFFED)
    explained = grader.grade(lora, EXPLAINED)
    assert GUARD_TERMS_WITHOUT_CLAIMS in stuffed.guards
    assert stuffed.score <= 35
    assert stuffed.covered == []
    assert explained.score >= 85 and GUARD_TERMS_WITHOUT_CLAIMS not in explained.guards


@pytest.mark.parametrize(
    "answer",
    [
        "冻结原权重W → 旁路学低秩更新ΔW=BA → B初始化为0 → 训完合并回W，推理无额外延迟",
        "冻结原权重，只训A、B；ΔW=BA低秩；B零初始化；合并后推理无额外延迟",
    ],
    ids=["arrow-chain", "terse"],
)
def test_a_terse_or_arrow_chain_answer_is_not_a_keyword_list(
    grader: OfflineGrader, lora: Question, answer: str
) -> None:
    result = grader.grade(lora, answer)
    assert GUARD_KEYWORD_LIST not in result.guards
    assert GUARD_TERMS_WITHOUT_CLAIMS not in result.guards
    assert result.score >= 70


def test_a_known_misconception_caps_the_grade_and_is_named(
    grader: OfflineGrader, lora: Question
) -> None:
    wrong = grader.grade(lora, "LoRA 把模型压缩成低秩矩阵，冻结原权重，所以模型更小，推理也更快。")
    assert GUARD_MISCONCEPTION in wrong.guards
    assert wrong.score <= 30
    assert [m.claim for m in wrong.misconceptions] == [lora.misconceptions[0].claim]
    assert wrong.misconceptions[0].correct == lora.misconceptions[0].why
    (line,) = misconception_lines("zh-CN", [m.model_dump() for m in wrong.misconceptions])
    assert line.startswith("❗ 这一点说错了：LoRA 减少了模型本身的参数量")
    assert "正确的是" in line and "原权重冻结不动" in line
    (english,) = misconception_lines("en", [m.model_dump() for m in wrong.misconceptions])
    assert english.startswith("❗ This is wrong:")


def test_denying_a_misconception_is_not_stating_it(grader: OfflineGrader, lora: Question) -> None:
    result = grader.grade(
        lora, "LoRA 并不会让模型本身的参数量变少：它冻结原权重，只训练旁路的低秩增量 BA。"
    )
    assert result.misconceptions == [] and GUARD_MISCONCEPTION not in result.guards
    assert result.score >= 65


def test_a_good_answer_to_a_neighbouring_question_is_off_topic(
    grader: OfflineGrader, bank: Bank, lora: Question
) -> None:
    peft_answer = bank.questions["fx-peft-what-why"].answer
    result = grader.grade(lora, peft_answer)
    assert GUARD_OFF_TOPIC in result.guards
    assert result.score <= 10


def test_an_english_answer_states_the_claims_too(grader: OfflineGrader, lora: Question) -> None:
    result = grader.grade(
        lora,
        "LoRA assumes the weight update is low-rank. It keeps the pretrained weight W frozen and "
        "trains two small matrices B and A beside it; B is initialized to zero, so training starts "
        "from the original model. After training BA is merged into W, so inference has no extra "
        "latency.",
    )
    assert result.score >= 75
    assert len(result.covered) >= 3


def test_a_list_of_claims_with_some_praise_is_not_stuffing(
    grader: OfflineGrader, lora: Question
) -> None:
    result = grader.grade(
        lora,
        "LoRA 的要点包括：权重更新量是低秩的、冻结原权重只训 BA、B 初始化为 0、"
        "训练后合并回原权重推理无延迟，这些都非常重要。",
    )
    assert GUARD_TERMS_WITHOUT_CLAIMS not in result.guards
    assert result.score >= 70


@pytest.mark.parametrize(
    ("answer", "stated"),
    [
        ("LLaMA 的输入没有长度限制，只是越长越慢。", True),  # the wrong claim is itself a denial
        ("LLaMA 的输入并不是没有长度限制，它受训练长度约束。", False),  # denied once more
        ("不管是不是长文本 LLaMA 都没有长度限制。", True),  # "是不是" denies nothing
        ("LLaMA 的输入可以无限长。", True),
        ("LLaMA 的输入不一定可以无限长。", False),  # "not necessarily" denies it
        ("LLaMA 的输入不可能无限长，受训练长度限制。", False),
        ("避免以为 LLaMA 的输入可以无限长。", False),  # advice against it
    ],
)
def test_a_misconception_that_is_a_denial_is_caught_unless_the_answer_denies_it(
    answer: str, stated: bool
) -> None:
    wrong = Misconception(
        claim="LLaMA 的输入可以无限长",
        patterns=["没有长度限制", "可以无限长"],
        why="受训练长度限制",
    )
    found = stated_misconceptions(
        (compile_misconception(wrong),), read_answer(normalize(answer), None)
    )
    assert bool(found) is stated, found
