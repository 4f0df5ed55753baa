"""The importer recognises each seed layout by itself and never overwrites curated work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from content.commands import content_app
from content.importer.records import ImportProblem, ParseResult
from content.importer.run import parse_file, run_import
from content.loader import load_bank

FIXTURES = Path(__file__).parent / "fixtures"


def parsed(name: str) -> ParseResult:
    result = parse_file(FIXTURES / name)
    assert isinstance(result, ParseResult), result
    return result


@pytest.mark.parametrize(
    ("name", "layout", "expected"),
    [
        (
            "index_headings.md",
            "index-and-headings",
            [(10, "什么是KV Cache？"), (15, "推理分哪些阶段？")],
        ),
        ("headings.md", "headings", [(7, "什么是 LoRA？"), (11, "为什么要除以根号d？")]),
        (
            "pdf_numbered.txt",
            "pdf-numbered",
            [(3, "为什么显存一直占着?"), (9, "int8和fp16哪个快?"), (12, "大模型怎么评测?")],
        ),
        ("qa.md", "q-and-a", [(5, "预训练的目标函数是什么？")]),
        ("notion.md", "notion", [(7, "bf16，fp16 的区别"), (15, "什么是 OOV？")]),
    ],
)
def test_each_layout_is_recognised_with_question_lines(
    name: str, layout: str, expected: list[tuple[int, str]]
) -> None:
    result = parsed(name)
    assert result.layout == layout
    assert [(q.line, q.text) for q in result.questions] == expected
    assert all(q.answer.strip() for q in result.questions)


def test_noise_is_dropped_and_lists_and_tables_stay_readable() -> None:
    notion = {q.text: q.answer for q in parsed("notion.md").questions}
    bf16 = notion["bf16，fp16 的区别"]
    assert "<img" not in bf16 and "- bf16 范围大" in bf16
    assert "https://" not in notion["什么是 OOV？"] and "参考" in notion["什么是 OOV？"]
    pdf = parsed("pdf_numbered.txt").questions[0].answer
    assert "- 模型参数常驻显存。" in pdf  # a lone "-" line is joined back to its item
    lora = parsed("headings.md").questions[0].answer
    assert not lora.startswith("什么是 LoRA")  # the repeated question line is not the answer


def test_non_questions_are_accounted_for_with_reasons() -> None:
    index = {e.line: e.reason for e in parsed("index_headings.md").excluded}
    assert "line 10" in index[4] and "line 15" in index[5]
    assert "sub-point" in index[6]
    table = [e.text for e in parsed("notion.md").excluded]
    assert table == ["Top-k抽样", "Temperature"]
    sections = {e.text for e in parsed("pdf_numbered.txt").excluded}
    assert {"目录", "LLM推理面试", "大模型评测面试"} <= sections


def test_unknown_and_unreadable_files_are_reported_with_file_and_line() -> None:
    for name in ("unknown.txt", "binary.txt"):
        problem = parse_file(FIXTURES / name)
        assert isinstance(problem, ImportProblem)
        assert str(problem).startswith(f"{name}:1: ")


def test_a_bad_file_among_good_ones_writes_nothing(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    result = CliRunner().invoke(
        content_app,
        ["import", str(FIXTURES / "qa.md"), str(FIXTURES / "unknown.txt"), "--bank", str(bank)],
    )
    assert result.exit_code == 1
    assert "unknown.txt:1:" in result.output and "nothing was written" in result.output
    assert list(bank.iterdir()) == []


def test_import_makes_a_loadable_team_bank_and_reimport_keeps_curation(tmp_path: Path) -> None:
    bank = tmp_path / "team"
    bank.mkdir()
    files = [FIXTURES / n for n in ("index_headings.md", "qa.md", "notion.md", "headings.md")]
    first = run_import(files, bank)
    assert first.ok and first.report is not None and first.report.drafted
    loaded = load_bank([bank])
    drafted = [loaded.questions[i] for i in first.report.drafted]
    assert all(q.needs_review and len(q.key_points) >= 3 for q in drafted)

    # A curator rewrites one drafted answer; the same file is imported again.
    target = next(q for q in drafted if q.question == "什么是KV Cache？")
    path = bank / f"{target.topic}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["questions"]:
        if item["id"] == target.id:
            item["answer"] = "策展后的参考答案。"
            item.pop("needs_review", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    second = run_import(files, bank)
    assert second.ok and second.report is not None
    assert second.report.drafted == [] and second.report.matched == first.report.matched + len(
        first.report.drafted
    )
    kept = load_bank([bank]).questions[target.id]
    assert kept.answer == "策展后的参考答案。" and not kept.needs_review


def test_the_same_question_in_two_files_merges_into_one_with_both_sources(tmp_path: Path) -> None:
    copy = tmp_path / "copy_of_qa.md"
    shutil.copy(FIXTURES / "qa.md", copy)
    bank = tmp_path / "team"
    bank.mkdir()
    outcome = run_import([FIXTURES / "qa.md", copy], bank)
    assert outcome.ok
    questions = list(load_bank([bank]).questions.values())
    objective = [q for q in questions if q.question == "预训练的目标函数是什么？"]
    assert len(objective) == 1
    assert {s.file for s in objective[0].sources} == {"qa.md", "copy_of_qa.md"}
