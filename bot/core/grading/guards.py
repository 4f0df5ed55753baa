"""Guards: answers that must not earn points however many key words they contain.

Each check is a pure function of the normalised answer (and the question's profile), cheap enough
to run on every grade.
"""

from __future__ import annotations

import re

from bot.core.grading.index import QuestionProfile
from bot.core.grading.normalize import Compact, content_size

# "I don't know" in the ways people type it, compact (no spaces) and lower case.
_DONT_KNOW = (
    "不知道", "不晓得", "不会", "不清楚", "不了解", "不懂", "没学过", "没听过", "没听说过", "忘了",
    "想不起来", "答不上来", "跳过", "下一题",
    "pass", "skip", "idk", "noidea", "dontknow", "donotknow", "notsure", "nextquestion", "nextone",
)  # fmt: skip
# What may remain around such a phrase and still be only "I don't know".
_FILLER = re.compile(
    r"我|真的|确实|实在|完全|这个|这题|这道题|问题|了|呢|啊|呀|吧|哈|嗯|额|呃|抱歉|对不起|不好意思|"
    r"sorry|really|i|im|honestly|the|answer|this|one|question|just|please|sure|ok|okay|um|uh|hmm"
)
_DONT_KNOW_MAX_LEN = 24
# An answer whose words are this much the question's own words has added nothing.
_REPEAT_SHARE = 0.8

# Words that join ideas into an explanation. A keyword list has almost none of them.
_CONNECTIVES_CJK = (
    "是", "的", "因为", "所以", "可以", "通过", "用", "把", "会", "在", "让", "使", "而", "但",
    "如果", "就", "能", "对", "为", "了", "要", "将", "时", "后", "来", "更", "都", "不", "比",
    "需要", "导致", "由于", "以", "从", "到", "即", "等", "有",
)  # fmt: skip
_CONNECTIVES_LATIN = frozenset({
    "is", "are", "was", "be", "because", "so", "to", "of", "by", "when", "which", "that", "it",
    "its", "uses", "use", "used", "with", "for", "in", "on", "the", "a", "an", "can", "will",
    "this", "these", "than", "then", "into", "from", "as", "if", "keeps", "keep", "makes", "make",
    "need", "needs",
})  # fmt: skip
_SEGMENT_SPLIT = re.compile(r"[\s,，、;；/|]+")
# A sentence ending followed by more text means prose ("LLM.int8" is not a sentence end).
_SENTENCE_END = re.compile(r"(?:[。!?！？]|\.\s)\s*\S")
# Explanations use joining words in well over a fifth of their words; lists almost never do.
_LIST_CONNECTIVE_SHARE = 0.15
# Arrows, colons and equals signs relate one thing to another: an arrow chain of steps
# ("切分 → 向量化 → 检索"), "DP：切数据", "ΔW=BA" explain, however tersely.
_RELATION = re.compile(r"→|->|=>|⇒|⟶|[:：=≈]")


def is_empty(answer: Compact) -> bool:
    """Nothing gradeable: whitespace, punctuation, emoji."""
    return not answer.text


def says_dont_know(answer: Compact) -> bool:
    """A short answer that is only "不知道 / 跳过 / pass / idk" and filler."""
    if len(answer.text) > _DONT_KNOW_MAX_LEN:
        return False
    text = answer.text
    found = False
    for phrase in _DONT_KNOW:
        start = answer.text.find(phrase)
        # Latin phrases must be whole words: "bypass" is not "pass".
        if start != -1 and (
            not phrase.isascii() or (answer.edge_ok(start) and answer.edge_ok(start + len(phrase)))
        ):
            found = True
            text = text.replace(phrase, "")
    if not found:
        return False
    rest = _FILLER.sub("", text)
    return len(rest) <= 2


def repeats_question(answer_tokens: set[str], answer: Compact, profile: QuestionProfile) -> bool:
    """The answer is the question (or one of its phrasings) said back, with little added."""
    text = answer.text
    for asked in profile.asked:
        if text == asked or (asked in text and len(text) <= len(asked) * 1.25 + 4):
            return True
    if not answer_tokens:
        return False
    inside = sum(1 for t in answer_tokens if t in profile.asked_tokens)
    return inside / len(answer_tokens) >= _REPEAT_SHARE


def is_keyword_list(normalized: str) -> bool:
    """Several short terms separated by spaces or commas, with nothing that explains them."""
    stripped = normalized.strip()
    if _SENTENCE_END.search(stripped) or _RELATION.search(stripped):
        return False
    segments = [s for s in _SEGMENT_SPLIT.split(stripped) if s]
    if len(segments) < 3:
        return False
    if any(content_size(s) > 8 for s in segments):
        return False
    joined = sum(1 for s in segments if _has_connective(s))
    return joined / len(segments) < _LIST_CONNECTIVE_SHARE


def _has_connective(segment: str) -> bool:
    if segment in _CONNECTIVES_LATIN:
        return True
    return any(word in segment for word in _CONNECTIVES_CJK)
