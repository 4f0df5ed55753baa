"""The offline grader as a member meets it: fair scores, honest feedback, no crash on any input."""

from __future__ import annotations

import random

import pytest

from bot.core.grading import (
    GUARD_DONT_KNOW,
    GUARD_EMPTY,
    GUARD_KEYWORD_LIST,
    GUARD_OFF_TOPIC,
    GUARD_REPEATS_QUESTION,
    Grader,
    GradeResult,
    OfflineGrader,
)
from content.loader import Bank
from content.schema import KeyPoint, Question

COMPLETE = (
    "PEFT冻结预训练模型的大部分参数，只训练少量新增参数，代表方法有LoRA、Adapter、Prefix Tuning。"
    "之所以需要它，是因为全参数微调要为所有参数保存梯度和优化器状态，显存和算力开销巨大；"
    "PEFT每个任务只需存很小的增量权重，多任务切换方便，还能缓解灾难性遗忘。"
)
PARTIAL = "就是LoRA这类微调方法，比较省资源。"
WRONG = "PEFT是一种预训练方法，用来从零训练大模型。"


def _question(points: list[tuple[str, list[str]]], text: str = "一道临时的题目？") -> Question:
    return Question(
        id="adhoc-question",
        topic="architecture",
        question=text,
        answer="参考答案。",
        key_points=[KeyPoint(point=p, aliases=a) for p, a in points]
        + [KeyPoint(point=f"占位要点{i}", aliases=[f"占位词{i}"]) for i in range(3 - len(points))],
    )


def test_grader_satisfies_the_contract(grader: OfflineGrader) -> None:
    assert isinstance(grader, Grader)
    assert grader.name and grader.version


def test_scores_rank_complete_over_partial_over_wrong(
    grader: OfflineGrader, question: Question
) -> None:
    complete = grader.grade(question, COMPLETE)
    partial = grader.grade(question, PARTIAL)
    wrong = grader.grade(question, WRONG)
    assert complete.score >= 75
    assert 10 <= partial.score <= 60
    assert wrong.score < 15
    assert complete.verdict in ("excellent", "good")
    assert wrong.verdict == "weak"


def test_feedback_names_covered_points_with_the_words_that_matched(
    grader: OfflineGrader, question: Question
) -> None:
    result = grader.grade(question, PARTIAL)
    covered = {c.point: c for c in result.covered}
    peft_methods = question.key_points[1]
    assert peft_methods.point in covered
    assert covered[peft_methods.point].matched == ["LoRA"]
    assert covered[peft_methods.point].weight == peft_methods.weight
    missed = {m.point for m in result.missed}
    assert missed | set(covered) == {p.point for p in question.key_points}
    assert not missed & set(covered)
    assert (result.grader, result.version) == (grader.name, grader.version)


def test_result_round_trips_as_json_for_storage(grader: OfflineGrader, question: Question) -> None:
    result = grader.grade(question, COMPLETE)
    assert GradeResult.model_validate_json(result.model_dump_json()) == result


def test_same_answer_always_gets_the_same_grade(grader: OfflineGrader, question: Question) -> None:
    assert grader.grade(question, COMPLETE) == grader.grade(question, COMPLETE)


@pytest.mark.parametrize(
    "variant",
    [
        # traditional script
        "PEFT凍結預訓練模型的大部分參數，只訓練少量新增參數，代表方法有LoRA、Adapter、Prefix Tuning。"
        "之所以需要它，是因為全參數微調要為所有參數保存梯度和優化器狀態，顯存和算力開銷巨大；"
        "PEFT每個任務只需存很小的增量權重，多任務切換方便，還能緩解災難性遺忘。",
        # full-width Latin letters and upper case
        COMPLETE.replace("LoRA", "ＬＯＲＡ").replace("Adapter", "ＡＤＡＰＴＥＲ"),
        # spaces, hyphens and underscores inside terms
        COMPLETE.replace("Prefix Tuning", "prefix-tuning").replace("LoRA", "Lo_RA"),
    ],
    ids=["traditional", "full-width", "separators"],
)
def test_spelling_and_script_do_not_change_the_grade(
    grader: OfflineGrader, question: Question, variant: str
) -> None:
    base = grader.grade(question, COMPLETE)
    other = grader.grade(question, variant)
    assert {c.point for c in other.covered} == {c.point for c in base.covered}
    assert abs(other.score - base.score) <= 5


def test_an_english_answer_counts_like_a_chinese_one(
    grader: OfflineGrader, question: Question
) -> None:
    english = (
        "PEFT freezes most of the pretrained weights and trains only a small number of new "
        "parameters, for example LoRA, adapters or prefix tuning. We need it because full "
        "fine-tuning keeps gradients and optimizer states for every parameter, so the GPU memory "
        "and compute cost is huge, and each task would store a full copy of the model. With PEFT "
        "each task only stores a small delta, switching between tasks is easy, and it reduces "
        "catastrophic forgetting."
    )
    chinese = grader.grade(question, COMPLETE)
    result = grader.grade(question, english)
    assert result.score >= 75
    assert abs(result.score - chinese.score) <= 15
    assert len(result.covered) >= len(chinese.covered) - 1


def test_an_english_partial_answer_is_not_inflated(
    grader: OfflineGrader, question: Question
) -> None:
    result = grader.grade(question, "It is a family of methods such as LoRA.")
    assert result.score < 60


@pytest.mark.parametrize(
    "answer", ["", "   ", "\n\t \u3000", "。。。", "🙂🙂🙂", "<p></p>", "\x00\x07"]
)
def test_empty_answers_score_zero(grader: OfflineGrader, question: Question, answer: str) -> None:
    result = grader.grade(question, answer)
    assert result.score == 0
    assert result.guards == [GUARD_EMPTY]
    assert result.verdict == "empty"
    assert result.covered == []
    assert len(result.missed) == len(question.key_points)


@pytest.mark.parametrize(
    "answer",
    ["不知道", "不知道。", "我真的不会", "这题不清楚", "跳过", "pass", "PASS!", "idk", "No idea",
     "I don't know", "sorry, I really don't know", "不會"],
)  # fmt: skip
def test_dont_know_answers_score_zero(
    grader: OfflineGrader, question: Question, answer: str
) -> None:
    result = grader.grade(question, answer)
    assert result.score == 0
    assert result.guards == [GUARD_DONT_KNOW]


def test_a_real_answer_that_admits_doubt_is_still_graded(
    grader: OfflineGrader, question: Question
) -> None:
    result = grader.grade(
        question, "细节我不太清楚，但PEFT会冻结大部分参数，只训练LoRA这样的少量参数。"
    )
    assert GUARD_DONT_KNOW not in result.guards
    assert result.score >= 30


@pytest.mark.parametrize(
    "answer",
    [
        "什么是参数高效微调(PEFT)？为什么需要它？",
        "什么是参数高效微调 (PEFT) ，为什么需要它",
        "什麼是參數高效微調(PEFT)？為什麼需要它？",
        "PEFT是什么？",
    ],
    ids=["exact", "punctuation", "traditional", "variant"],
)
def test_repeating_the_question_scores_zero(
    grader: OfflineGrader, question: Question, answer: str
) -> None:
    result = grader.grade(question, answer)
    assert result.score == 0
    assert GUARD_REPEATS_QUESTION in result.guards


def test_an_answer_to_another_question_is_off_topic(
    grader: OfflineGrader, question: Question
) -> None:
    about_optimizers = (
        "大模型一般用AdamW，它把权重衰减和梯度更新解耦；Adam用一阶矩和二阶矩自适应调整学习率。"
    )
    result = grader.grade(question, about_optimizers)
    assert GUARD_OFF_TOPIC in result.guards
    assert result.score < 10


def test_a_short_on_topic_answer_is_not_called_off_topic(
    grader: OfflineGrader, question: Question
) -> None:
    assert GUARD_OFF_TOPIC not in grader.grade(question, PARTIAL).guards


def test_a_bare_keyword_list_scores_low(grader: OfflineGrader, question: Question) -> None:
    listed = grader.grade(question, "参数 高效 微调 LoRA Adapter 冻结 显存 遗忘")
    explained = grader.grade(
        question, "PEFT冻结大部分参数，用LoRA、Adapter训练少量参数，省显存，还能减少遗忘。"
    )
    assert GUARD_KEYWORD_LIST in listed.guards
    assert listed.score < 25
    assert GUARD_KEYWORD_LIST not in explained.guards
    assert explained.score > listed.score + 20


def test_an_english_keyword_list_is_caught_but_english_prose_is_not(
    grader: OfflineGrader, question: Question
) -> None:
    listed = grader.grade(question, "LoRA, adapter, freeze, GPU memory, storage, forgetting")
    prose = grader.grade(
        question,
        "It freezes the base model and trains a small adapter such as LoRA, which saves memory.",
    )
    assert GUARD_KEYWORD_LIST in listed.guards
    assert GUARD_KEYWORD_LIST not in prose.guards


def test_a_negated_term_does_not_cover_the_point(grader: OfflineGrader) -> None:
    q = _question([("KV Cache随序列长度线性增长", ["线性增长"])])
    assert grader.grade(q, "显存随序列长度线性增长。").covered
    assert not grader.grade(q, "显存随序列长度并不是线性增长。").covered


def test_short_latin_aliases_need_word_edges(grader: OfflineGrader) -> None:
    q = _question([("用RAG引入外部知识", ["RAG"])])
    assert not grader.grade(q, "storage and average latency matter").covered
    assert grader.grade(q, "可以用RAG引入外部知识").covered
    assert grader.grade(q, "combine two RAGs").covered


def test_naming_the_question_subject_alone_is_not_a_point(grader: OfflineGrader) -> None:
    q = _question(
        [("LoRA用两个低秩矩阵的乘积表示权重更新", ["LoRA", "低秩"])], text="LoRA的原理是什么？"
    )
    echo = grader.grade(q, "LoRA就是LoRA，一种方法。")
    real = grader.grade(q, "LoRA把权重更新分解成两个低秩矩阵。")
    assert not echo.covered
    assert real.covered
    assert real.score > echo.score


def test_questions_outside_the_bank_are_graded(grader: OfflineGrader) -> None:
    q = _question([("提到余弦退火", ["余弦退火", "cosine"])])
    assert grader.grade(q, "用 cosine 调度。").covered


WEIRD = [
    "```python\nimport os\nos.system('rm -rf /')\n```",
    "<script>alert('x')</script><b>LoRA</b>&nbsp;&amp;",
    "\x00\x01\x02\x1b[31mred\x1b[0m\u200b\u202e\ufeff",
    "\ud800\udfff lone surrogates",
    "😀" * 500,
    "LoRA " * 3000,
    "冻结" * 10000,
    "a" * 20000,
    "\u0301\u0301\u0301",
    "１２３４５６７８９０",
    "ﬁﬂ ℌ ㍿",
]


@pytest.mark.parametrize("answer", WEIRD)
def test_any_string_grades_without_an_exception(
    grader: OfflineGrader, question: Question, answer: str
) -> None:
    result = grader.grade(question, answer)
    assert 0 <= result.score <= 100
    assert result.version == grader.version  # the full path ran, not the fallback


def test_random_text_grades_without_an_exception(grader: OfflineGrader, question: Question) -> None:
    rng = random.Random(20240501)
    ranges = [(0, 0x7F), (0x80, 0x2FF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xD800, 0xDFFF),
              (0xFF00, 0xFFEF), (0x1F300, 0x1FAFF)]  # fmt: skip
    for _ in range(300):
        size = rng.randint(0, 400)
        text = "".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(size))
        result = grader.grade(question, text)
        assert 0 <= result.score <= 100
        assert result.version == grader.version


def test_building_the_grader_needs_no_network_or_files_beyond_the_bank(bank: Bank) -> None:
    fresh = OfflineGrader(bank)
    assert fresh.grade(bank.questions["fx-oov"], "用BPE子词切分").score > 0


def test_a_long_repetitive_english_answer_grades_quickly(
    grader: OfflineGrader, question: Question
) -> None:
    # Many repeats of glossary words once made the proximity check quadratic.
    answer = "memory cache grows linear " * 4000
    result = grader.grade(question, answer)
    assert 0 <= result.score <= 100


def test_pass_inside_a_word_is_not_giving_up(grader: OfflineGrader, question: Question) -> None:
    assert GUARD_DONT_KNOW not in grader.grade(question, "bypass").guards
