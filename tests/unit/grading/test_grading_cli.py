"""`interview-bot grade` and `grade-eval` as a person runs them (through the Typer app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import Result
from typer.testing import CliRunner

from bot.grade_cli import build_grade_app
from content.loader import Bank

ANSWER = "PEFT冻结大部分参数，只训练LoRA、Adapter这样的少量参数，省显存，每个任务只存很小的增量。"


class Run(Protocol):
    def __call__(self, *args: str, stdin: str | None = None) -> Result: ...


@pytest.fixture
def run(bank: Bank) -> Run:
    app = build_grade_app(load_bank=lambda: bank)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=stdin)

    return invoke


@pytest.mark.parametrize(
    "name",
    ["fx-peft-what-why", "什么是参数高效微调(PEFT)？为什么需要它？", "PEFT是什么？", "什麼是參數高效微調（PEFT）"
     "？為什麼需要它？"],
    ids=["id", "text", "variant", "traditional-full-width"],
)  # fmt: skip
def test_grade_finds_the_question_by_any_name(run: Run, name: str) -> None:
    result = run("grade", "--question", name, "--answer", ANSWER, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question_id"] == "fx-peft-what-why"
    assert 0 < data["score"] <= 100
    assert data["grader"] == "offline-keypoints"


def test_grade_prints_covered_and_missed_points(run: Run) -> None:
    result = run("grade", "-q", "fx-peft-what-why", "-a", ANSWER, "--lang", "en")
    assert result.exit_code == 0
    assert "Score " in result.stdout
    assert "✅" in result.stdout and "❌" in result.stdout
    assert "LoRA" in result.stdout


def test_grade_reads_the_answer_from_a_file_and_stdin(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    from_file = run("grade", "-q", "fx-peft-what-why", "-a", f"@{path}", "--json")
    from_stdin = run("grade", "-q", "fx-peft-what-why", "-a", "@-", "--json", stdin=ANSWER)
    inline = run("grade", "-q", "fx-peft-what-why", "-a", ANSWER, "--json")
    assert json.loads(from_file.stdout)["score"] == json.loads(inline.stdout)["score"]
    assert json.loads(from_stdin.stdout)["score"] == json.loads(inline.stdout)["score"]


def test_grade_with_a_missing_answer_file_exits_1(run: Run, tmp_path: Path) -> None:
    result = run("grade", "-q", "fx-peft-what-why", "-a", f"@{tmp_path / 'nope.txt'}")
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr


def test_grade_of_an_unknown_question_exits_1_with_a_message(run: Run) -> None:
    result = run("grade", "-q", "没有这道题", "-a", "随便")
    assert result.exit_code == 1
    assert "没有这道题" in result.stderr
    assert result.stdout == ""


def test_grade_eval_prints_the_figures(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(
        "- question: fx-oov\n  answers:\n"
        "    - {label: 4, text: 用BPE子词切分和字节级BPE，也可以扩充词表或用UNK替换。}\n"
        "    - {label: 0, text: 不知道}\n",
        encoding="utf-8",
    )
    human = run("grade-eval", str(path), "--lang", "en", "--details")
    assert human.exit_code == 0, human.output
    assert "Spearman" in human.stdout and "label 0" in human.stdout and "grades/s" in human.stdout
    data = json.loads(run("grade-eval", str(path), "--json").stdout)
    assert data["answers"] == 2
    assert data["max_label0"] == 0
    assert set(data) >= {"spearman", "mean_by_label", "grades_per_second"}
    assert "graded" not in data


def test_grade_eval_of_a_set_with_unknown_questions_exits_1(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text("- question: 不存在\n  answers: [{label: 1, text: x}]\n", encoding="utf-8")
    result = run("grade-eval", str(path))
    assert result.exit_code == 1
    assert "不存在" in result.stderr
