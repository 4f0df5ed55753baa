"""Evaluation figures: Spearman, means per label, the worst label-0 score, unknown questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.grading import OfflineGrader
from bot.core.grading.evaluation import LabelledSetError, evaluate, load_labelled, spearman
from bot.grade_cli import grade_eval
from content.loader import Bank


def test_spearman_of_perfect_and_reversed_rankings() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


def test_spearman_shares_ranks_between_ties() -> None:
    # scipy.stats.spearmanr([1, 2, 2, 3], [1, 2, 3, 4]) == 0.9486832980505138
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833, abs=1e-6)


def test_spearman_of_constant_scores_is_zero() -> None:
    assert spearman([5, 5, 5], [0, 1, 2]) == 0.0


LABELLED = """\
- question: 遇到OOV（Out Of Vocabulary）怎么做?
  answers:
    - label: 4
      text: 用BPE、WordPiece等子词切分把生僻词拆成已知子词；字节级BPE能把任何字符落到256个字节上；也可以扩充词表后继续训练，或者用UNK替换。
    - label: 2
      text: 用UNK代替。
    - label: 0
      text: 不知道
- question: fx-activation-functions
  answers:
    - label: 3
      text: ReLU、GeLU、Swish，还有SwiGLU，LLaMA用的是SwiGLU。
    - label: 0
      text: Adam和SGD。
"""


def test_evaluate_reports_the_figures(tmp_path: Path, bank: Bank, grader: OfflineGrader) -> None:
    path = tmp_path / "labelled.yaml"
    path.write_text(LABELLED, encoding="utf-8")
    report = evaluate(grader, bank, load_labelled(path), min_seconds=0.0)
    assert report.answers == 5
    assert set(report.mean_by_label) == {0, 2, 3, 4}
    assert report.max_label0 is not None and report.max_label0 < 25
    assert report.spearman > 0.8
    assert report.grades_per_second > 0
    assert [g.question_id for g in report.graded][:3] == ["fx-oov"] * 3


KINDED = """\
- question: fx-lora-principle
  answers:
    - {kind: stuffing, label: 1, text: LoRA 通过低秩、冻结、原权重、零初始化和合并实现高效微调，这些都非常重要。}
    - {kind: stuffing, label: 0, text: LoRA 涉及低秩、冻结、合并和初始化，这些都非常关键。}
    - {kind: terse, label: 3, text: 冻结原权重W → 只训低秩旁路BA → B初始化为0 → 训完合并回W，推理无额外延迟}
    - {kind: terse, label: 2, text: 冻结原权重，只训练两个小矩阵。}
    - {kind: terse, label: 4, text: 更新量低秩；冻结原权重只训A、B；B零初始化；合并后推理无额外延迟。}
    - {label: 0, text: 不知道}
"""


def test_grade_eval_json_reports_figures_per_kind(tmp_path: Path, bank: Bank) -> None:
    path = tmp_path / "kinded.yaml"
    path.write_text(KINDED, encoding="utf-8")
    printed: list[str] = []
    assert grade_eval(bank, path, as_json=True, out=printed.append) == 0
    figures = json.loads(printed[0])
    assert set(figures["by_kind"]) == {"stuffing", "terse"}
    stuffing, terse = figures["by_kind"]["stuffing"], figures["by_kind"]["terse"]
    assert stuffing["count"] == 2 and stuffing["mean"] <= 35
    assert terse["count"] == 3 and terse["mean"] > stuffing["mean"]
    assert terse["spearman"] is not None
    assert stuffing["spearman"] is None  # two answers: no rank correlation to speak of
    assert figures["spearman"] > 0.5


def test_unknown_questions_are_all_named(tmp_path: Path, bank: Bank, grader: OfflineGrader) -> None:
    path = tmp_path / "labelled.yaml"
    path.write_text(
        "- question: 不存在的题目一\n  answers: []\n- question: 不存在的题目二\n  answers: []\n",
        encoding="utf-8",
    )
    with pytest.raises(LabelledSetError) as caught:
        evaluate(grader, bank, load_labelled(path))
    assert "不存在的题目一" in str(caught.value) and "不存在的题目二" in str(caught.value)


@pytest.mark.parametrize(
    "content",
    ["- question: x\n  answers:\n    - label: 7\n      text: a\n", "not: [a list", "{}"],
    ids=["label-out-of-range", "broken-yaml", "not-a-list"],
)
def test_malformed_labelled_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "labelled.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelledSetError):
        load_labelled(path)
