"""The shipped bank loads, validates, and accounts for every seed question line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from content.checks import load_exclusions, validate
from content.commands import content_app
from content.loader import SHIPPED_BANK_DIR, BankError, load_bank
from content.stats import bank_stats

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed banks not found at {SEEDS}")


def test_every_shipped_bank_file_loads() -> None:
    files = sorted(SHIPPED_BANK_DIR.glob("*.yaml"))
    assert files, "the shipped bank has no files"
    bank = load_bank()
    assert {bank.origin[q].stem for q in bank.questions} == {f.stem for f in files}
    for question in bank.questions.values():
        assert question.topic in bank.topics
        assert bank.origin[question.id].stem == question.topic  # one file per topic
        assert 3 <= len(question.key_points) <= 8
        assert all(kp.aliases for kp in question.key_points)


def test_every_shipped_question_has_been_reviewed() -> None:
    drafts = [q.id for q in load_bank().questions.values() if q.needs_review]
    assert drafts == []


def test_topics_are_found_by_id_chinese_english_and_alias() -> None:
    bank = load_bank()
    assert bank.find_topic("rag") == bank.find_topic("RAG与应用") == bank.find_topic("检索增强")
    assert bank.find_topic("Fine-tuning and PEFT") == bank.find_topic("lora")
    assert bank.find_topic("烹饪") is None


def test_questions_are_found_by_id_text_or_seed_phrasing() -> None:
    bank = load_bank()
    some = next(q for q in bank.questions.values() if q.variants)
    assert bank.find_question(some.id) == some
    assert bank.find_question(some.question) == some
    assert bank.find_question(some.variants[0]) == some


@needs_seeds
def test_every_seed_question_line_is_in_sources_or_excluded() -> None:
    assert validate(seeds=SEEDS) == []


@needs_seeds
def test_known_seed_errors_are_corrected_in_the_bank() -> None:
    bank = load_bank()
    zero = next(q for q in bank.questions.values() if "ZeRO" in q.question and "阶段" in q.question)
    assert zero.revised
    rows = {
        line.split("|")[1].strip(" *"): line
        for line in zero.answer.splitlines()
        if "| **ZeRO-" in line
    }
    assert "梯度" in rows["ZeRO-2"] and "参数" not in rows["ZeRO-2"]  # stage 2 adds gradients
    assert "参数" in rows["ZeRO-3"]  # stage 3 partitions the parameters themselves
    paged = bank.find_question("推理优化技术 Paged Attention 的作用是什么？")
    assert paged is not None and paged.revised and "KV" in paged.answer
    reasoning = bank.find_question("大模型有推理能力吗？")
    assert reasoning is not None and reasoning.revised and "RNN" not in reasoning.answer.upper()


@needs_seeds
def test_stats_count_seed_files_merges_and_exclusions() -> None:
    bank = load_bank()
    stats = bank_stats(bank, load_exclusions([SHIPPED_BANK_DIR]), SEEDS)
    assert stats.bank_size == len(bank.questions)
    assert stats.merged > 0  # the same questions appear in several seeds
    for seed in stats.per_seed_file:
        assert seed.questions == seed.found_by_importer, seed.file
    assert sum(stats.per_topic.values()) == stats.bank_size


def test_a_broken_bank_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rag.yaml").write_text(
        "topic: rag\nquestions:\n  - id: rag-x\n    topic: rag\n    question: 问题？\n"
        "    answer: 答案\n    key_points: []\n",
        encoding="utf-8",
    )
    with pytest.raises(BankError) as caught:
        load_bank([tmp_path])
    assert any(p.startswith(f"{tmp_path / 'rag.yaml'}:7:") for p in caught.value.problems)
    result = CliRunner().invoke(content_app, ["validate", str(tmp_path)])
    assert result.exit_code == 1 and "rag.yaml:7:" in result.output


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "rag.yaml").write_text("topic: rag\nquestions:\n  - id: [unclosed\n", "utf-8")
    with pytest.raises(BankError) as caught:
        load_bank([tmp_path])
    assert caught.value.problems[0].startswith(f"{tmp_path / 'rag.yaml'}:")


_POINTS = """\
    key_points:
      - point: 向量检索召回候选文档
        aliases: [向量检索]
        facets: [[向量检索, 语义检索], [召回, 检索到]]
      - point: 把检索结果放进提示词
        aliases: [提示词]
        facets: [[检索结果, 文档], [放进提示词, 拼进prompt]]
      - point: 模型依据资料生成答案
        aliases: [生成]
{third_facets}"""


def _bad_bank(tmp_path: Path, *, third_facets: str, misconceptions: str = "") -> Path:
    text = (
        "topic: rag\nquestions:\n  - id: rag-bad\n    topic: rag\n    question: RAG 怎么工作？\n"
        "    answer: 先检索，再把结果放进提示词生成。\n"
        + _POINTS.format(third_facets=third_facets)
        + misconceptions
    )
    (tmp_path / "rag.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "rag.yaml"


@pytest.mark.parametrize(
    ("third_facets", "misconceptions", "line", "words"),
    [
        ("", "", 14, "has no facets"),
        ("        facets: [[生成, '。。'], [依据资料]]\n", "", 16, "'。。' can never match"),
        ("        facets: [[生成], []]\n", "", 16, "facet 2 has no spellings"),
        (
            "        facets: [[生成], [依据资料]]\n",
            "    misconceptions:\n      - claim: 模型依据资料生成答案\n"
            "        patterns: [不看资料]\n        why: 要依据资料\n",
            18,
            "identical to a key point",
        ),
        (
            "        facets: [[生成], [依据资料]]\n",
            "    misconceptions:\n      - claim: RAG 需要重新训练模型\n"
            "        patterns: ['+', 重新训练]\n        why: 不需要训练\n",
            19,
            "'+' can never match",
        ),
        (
            "        facets: [[生成], [依据资料]]\n",
            "    misconceptions:\n      - claim: RAG 要把检索结果放进提示词\n"
            "        patterns: [放进提示词]\n        why: 其实是对的\n",
            18,
            "also a key point's spelling",
        ),
    ],
    ids=[
        "no-facets",
        "punctuation-facet",
        "empty-facet",
        "misconception-is-a-point",
        "empty-pattern",
        "pattern-is-a-facet",
    ],
)
def test_claims_that_cannot_work_are_refused_with_file_line_and_question(
    tmp_path: Path, third_facets: str, misconceptions: str, line: int, words: str
) -> None:
    file = _bad_bank(tmp_path, third_facets=third_facets, misconceptions=misconceptions)
    problems = validate([tmp_path], shipped=False)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{file}:{line}: question 'rag-bad': "), problems
    assert words in problems[0]
    result = CliRunner().invoke(content_app, ["validate", str(tmp_path), "--no-shipped"])
    assert result.exit_code == 1 and f"rag.yaml:{line}: question 'rag-bad'" in result.output


def test_a_well_formed_claim_bank_validates(tmp_path: Path) -> None:
    _bad_bank(
        tmp_path,
        third_facets="        facets: [[生成, generate], [依据资料+答案]]\n",
        misconceptions="    misconceptions:\n      - claim: RAG 需要重新训练模型\n"
        "        patterns: [重新训练+模型]\n        why: RAG 不改模型参数\n",
    )
    assert validate([tmp_path], shipped=False) == []


def test_facet_drafts_make_an_old_bank_file_valid_and_keep_curated_facets(tmp_path: Path) -> None:
    from content.facet_drafts import draft

    old = (
        "topic: rag\nquestions:\n  - id: rag-old\n    topic: rag\n    question: RAG 怎么工作？\n"
        "    answer: 先检索，再生成。\n    key_points:\n"
        "      - point: 检索\n        aliases: [检索, retrieval]\n"
        "      - point: 放进提示词\n        aliases:\n          - 提示词\n          - prompt\n"
        "      - point: 生成\n        aliases: [生成]\n        facets: [[生成], [依据资料]]\n"
    )
    (tmp_path / "rag.yaml").write_text(old, encoding="utf-8")
    assert any("has no facets" in p for p in validate([tmp_path], shipped=False))
    drafted = draft(old)
    assert draft(drafted) == drafted  # a second run changes nothing
    (tmp_path / "rag.yaml").write_text(drafted, encoding="utf-8")
    assert validate([tmp_path], shipped=False) == []
    points = load_bank([tmp_path], shipped=False).questions["rag-old"].key_points
    assert [p.facets for p in points] == [
        [["检索", "retrieval"]],
        [["提示词", "prompt"]],
        [["生成"], ["依据资料"]],
    ]


def test_the_bank_yaml_loader_reads_what_the_safe_loader_reads(tmp_path: Path) -> None:
    import yaml

    from content.yaml_lines import load_located

    text = (
        "a: 1\nb: 中文\nc: true\nd: ~\ne: 1.5\nf: [x, 2, 中, 'yes', no]\ng: \"3\"\nh: No\n"
        "i: -1\nj: .5\nk: 2024-01-01\nl: &x [a]\nm: *x\nn: 0x1F\no: +3\np:\nq: ''\n"
        "r: {<<: {s: 1}, t: !!str 2}\nu: !!set {v}\nw: |\n  block\n  text\n"
    )
    sample = tmp_path / "sample.yaml"
    sample.write_text(text, encoding="utf-8")
    assert load_located(sample).data == yaml.safe_load(text)
    for file in sorted(SHIPPED_BANK_DIR.glob("*.yaml")):
        assert load_located(file).data == yaml.safe_load(file.read_text(encoding="utf-8")), file


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [1, 2\n", 3),  # unclosed flow sequence
        ("a: &x [*x]\n", 1),  # an alias inside the node it names
        ("? [1, 2]\n: v\n", 1),  # a key that cannot be a dict key
        ("a: !!python/name:os.system x\n", 1),  # not a safe tag
    ],
)
def test_a_broken_yaml_file_is_reported_with_its_line_and_loads_nothing(
    tmp_path: Path, text: str, line: int
) -> None:
    from content.yaml_lines import YamlFileError, load_located

    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(YamlFileError) as caught:
        load_located(broken)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{broken}:{line}: YAML syntax")
