"""Normalisation and matching details that decide whether a member's wording is recognised."""

from __future__ import annotations

import pytest

from bot.core.grading.glossary import Glossary
from bot.core.grading.matching import compile_point
from bot.core.grading.normalize import compact, compact_key, latin_share, normalize, tokens
from content.schema import KeyPoint


@pytest.mark.parametrize(
    "spelling",
    ["KV Cache", "kv-cache", "KV_CACHE", "ｋｖ　ｃａｃｈｅ", "kvcache", "K.V. Cache"],
)
def test_spellings_of_a_term_share_one_key(spelling: str) -> None:
    assert compact_key(spelling) == "kvcache"


def test_traditional_script_becomes_simplified() -> None:
    assert normalize("線性增長與顯存") == "线性增长与显存"


def test_markup_and_control_characters_are_dropped() -> None:
    assert compact(normalize("<b>LoRA</b>\x00\u200b微调")).text == "lora微调"


def test_tokens_are_cjk_bigrams_and_latin_words() -> None:
    assert tokens(normalize("显存占用 GPU memory")) == {"显存", "存占", "占用", "gpu", "memory"}


def test_latin_share_tells_english_from_chinese() -> None:
    assert latin_share(normalize("模型权重常驻显存")) == 0
    assert latin_share(normalize("weights stay in GPU memory")) == 1
    assert 0 < latin_share(normalize("用 LoRA 微调")) < 0.5


def test_matching_reports_the_alias_as_the_bank_spells_it() -> None:
    matcher = compile_point(KeyPoint(point="p", aliases=["KV Cache", "键值缓存"]))
    found = matcher.matches(compact(normalize("用kv-cache缓存历史")))
    assert [a.shown for a in found] == ["KV Cache"]


@pytest.mark.parametrize(
    ("alias", "english", "said"),
    [
        ("线性增长", "memory grows linearly with the sequence", True),
        ("线性增长", "linear growth of the cache", True),
        ("缓存分配器", "the caching allocator keeps blocks", True),
        ("不归还", "it does not return memory to the driver", True),
        ("KV缓存", "the KV cache is large", True),
        (
            "线性增长",
            "linear algebra is used in every layer of every model, and only much later the batch grows",
            False,
        ),
        ("知识截止", "knowledge is great", False),
    ],
)
def test_english_answers_meet_chinese_aliases_through_the_glossary(
    alias: str, english: str, said: bool
) -> None:
    glossary = Glossary()
    matcher = compile_point(KeyPoint(point="p", aliases=[alias]), glossary=glossary)
    text = normalize(english)
    assert bool(matcher.matches(compact(text), glossary.read(text))) is said


def test_an_alias_outside_the_glossary_is_left_to_exact_matching() -> None:
    assert Glossary().units("一本正经") is None
