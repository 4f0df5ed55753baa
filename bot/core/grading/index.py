"""What the grader precomputes per question, and the bank-wide index used for off-topic checks.

The bank-wide weights and postings are built once with the grader; each question's profile is
built the first time that question is graded and then kept, so a grade costs only the work on the
answer itself. Token weights are inverse document frequencies over the whole bank: words every answer uses
(模型, 训练) count for little, words that identify a question (SwiGLU, 余弦退火) count for a lot.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.grading.claims import (
    ClaimMatcher,
    MisconceptionMatcher,
    compile_claim,
    compile_misconception,
)
from bot.core.grading.glossary import Glossary
from bot.core.grading.matching import PointMatcher, compile_point
from bot.core.grading.normalize import compact_key, normalize, tokens
from content.schema import Question, pattern_parts


@dataclass(frozen=True, slots=True)
class QuestionProfile:
    question: Question
    points: tuple[PointMatcher, ...]
    total_weight: float
    # The question and its seed phrasings, compact: to notice an answer that only repeats them.
    asked: tuple[str, ...]
    asked_tokens: frozenset[str]
    # Per key point: the weighted words of its own statement (not the question's words), for
    # partial credit when an answer says the point in words no alias anticipated.
    point_words: tuple[dict[str, float], ...]
    # Tokens of the reference answer and key points, each with its weight, and their sum.
    reference: dict[str, float]
    reference_mass: float
    # Reference plus aliases plus question: everything that marks an answer as "about this".
    topical: frozenset[str]
    # Names of the question's subject (its spellings that occur in the question), compact.
    subject: tuple[str, ...] = ()
    # Per key point: its facets, compiled; and the question's known misconceptions.
    claims: tuple[ClaimMatcher, ...] = ()
    misconceptions: tuple[MisconceptionMatcher, ...] = ()
    # Per key point: the sum of `point_words`' weights.
    point_totals: tuple[float, ...] = ()
    # The reference's tokens in order, their weights in that order: to add up the weights of
    # the tokens an answer shares with it in the order `reference` has them.
    reference_order: dict[str, int] | None = None
    reference_weights: tuple[float, ...] = ()

    def shared_weight(self, answer_tokens: set[str]) -> float:
        """The sum of `reference`'s weights of the tokens in `answer_tokens`, added in the
        reference's order (the same float as iterating `reference`, for much less work)."""
        order = self.reference_order
        if order is None:
            return sum(w for t, w in self.reference.items() if t in answer_tokens)
        weights = self.reference_weights
        return sum(weights[i] for i in sorted(order[t] for t in answer_tokens if t in order))


# One-character tokens (a lone CJK character between punctuation) that say nothing in a key
# point's statement.
_FILLER_TOKENS = frozenset({"的", "和", "与", "或", "等", "在", "是"})


def _profile_text(question: Question) -> str:
    parts = [question.question, *question.variants, question.answer]
    for point in question.key_points:
        parts.append(point.point)
        parts.extend(point.aliases)
    return "\n".join(parts)


def _reference_text(question: Question) -> str:
    return "\n".join([question.answer, *(p.point for p in question.key_points)])


class Weights:
    """Inverse document frequency of tokens over the bank's questions."""

    def __init__(self, documents: Iterable[set[str]]) -> None:
        df: dict[str, int] = defaultdict(int)
        count = 0
        for document in documents:
            count += 1
            for token in document:
                df[token] += 1
        self.count = max(count, 1)
        self.idf = {t: math.log((self.count + 1) / (n + 0.5)) for t, n in df.items()}
        # A token the bank never uses counts as rarer than any it does use.
        self.unseen = math.log((self.count + 1) / 0.5)

    def of(self, token: str) -> float:
        return self.idf.get(token, self.unseen)

    def known(self, token: str) -> bool:
        return token in self.idf


def build_profile(
    question: Question, weights: Weights, glossary: Glossary | None = None
) -> QuestionProfile:
    asked_texts = [question.question, *question.variants]
    asked = tuple(k for k in (compact_key(t) for t in asked_texts) if k)
    points = tuple(compile_point(p, asked, glossary) for p in question.key_points)
    reference_tokens = tokens(normalize(_reference_text(question)))
    reference = {t: weights.of(t) for t in reference_tokens}
    asked_tokens: set[str] = set()
    for text in asked_texts:
        asked_tokens |= tokens(normalize(text))
    point_words = tuple(
        {
            t: weights.of(t)
            for t in tokens(normalize(p.point))
            if t not in asked_tokens and t not in _FILLER_TOKENS
        }
        for p in question.key_points
    )
    spellings = {
        compact_key(part)
        for p in question.key_points
        for spelling in (*p.aliases, *(s for facet in p.facets for s in facet))
        for part in pattern_parts(spelling)
    }
    subject = tuple(k for k in spellings if len(k) >= 4 and any(k in text for text in asked))
    return QuestionProfile(
        point_totals=tuple(sum(words.values()) for words in point_words),
        reference_order={token: i for i, token in enumerate(reference)},
        reference_weights=tuple(reference.values()),
        subject=subject,
        claims=tuple(compile_claim(p, glossary, asked) for p in question.key_points),
        misconceptions=tuple(compile_misconception(m, glossary) for m in question.misconceptions),
        question=question,
        points=points,
        point_words=point_words,
        total_weight=sum(p.weight for p in question.key_points) or 1.0,
        asked=asked,
        asked_tokens=frozenset(asked_tokens),
        reference=reference,
        reference_mass=sum(reference.values()) or 1.0,
        topical=frozenset(tokens(normalize(_profile_text(question)))),
    )


class BankIndex:
    """Bank-wide token weights, and postings from each token to the questions that use it.

    Per-question profiles are built by the grader on first use: start-up then costs one pass of
    tokenising the bank, and a question never asked costs nothing more.
    """

    def __init__(self, questions: Iterable[Question]) -> None:
        questions = list(questions)
        self.questions: dict[str, Question] = {q.id: q for q in questions}
        self._by_topic: dict[str, tuple[str, ...]] = {}
        for question in questions:
            self._by_topic[question.topic] = (*self._by_topic.get(question.topic, ()), question.id)
        documents = [tokens(normalize(_profile_text(q))) for q in questions]
        self.weights = Weights(documents)
        postings: dict[str, list[str]] = defaultdict(list)
        for question, document in zip(questions, documents, strict=True):
            for token in document:
                postings[token].append(question.id)
        self._postings = dict(postings)
        # The same postings cut to each topic's questions: an answer is compared with its own
        # question's topic on every grade, with the whole bank only when it may be off-topic.
        self._topic_postings: dict[str, dict[str, tuple[str, ...]]] = {}
        for topic, ids in self._by_topic.items():
            members = set(ids)
            self._topic_postings[topic] = {
                token: kept
                for token, holders in self._postings.items()
                if (kept := tuple(qid for qid in holders if qid in members))
            }
        # Every spelling of every key point (each part of a "+" spelling), compact: the bank's
        # terms, to tell a list of terms from a list of claims.
        self.terms = frozenset(
            key
            for q in questions
            for p in q.key_points
            for spelling in (*p.aliases, *(s for facet in p.facets for s in facet))
            for part in pattern_parts(spelling)
            if len(key := compact_key(part)) >= 2
        )

    def in_topic(self, topic: str) -> tuple[str, ...]:
        """The ids of the bank's questions of one topic."""
        return self._by_topic.get(topic, ())

    def holds(self, question: Question) -> bool:
        """True when this very question (same id and content) is part of the indexed bank."""
        known = self.questions.get(question.id)
        return known is not None and (known is question or known == question)

    def fit(self, answer_tokens: set[str]) -> dict[str, float]:
        """How much of the answer (by weight) each bank question's vocabulary explains, 0–1."""
        return self._fit(answer_tokens, self._postings)

    def own_fit(self, answer_tokens: set[str], vocabulary: frozenset[str]) -> float:
        """`fit` of one question, given its vocabulary (`QuestionProfile.topical`): the same
        figure, added up in the same order, without the other questions."""
        idf = self.weights.idf
        mass = 0.0
        explained = 0.0
        for token in answer_tokens:
            weight = idf.get(token)
            if weight is None:
                continue
            mass += weight
            if token in vocabulary:
                explained += weight
        return explained / mass if mass > 0 else 0.0

    def fit_in_topic(self, answer_tokens: set[str], topic: str) -> dict[str, float]:
        """`fit`, for the questions of one topic only (the same figures, much less work)."""
        return self._fit(answer_tokens, self._topic_postings.get(topic, {}))

    def _fit(
        self, answer_tokens: set[str], postings: dict[str, list[str]] | dict[str, tuple[str, ...]]
    ) -> dict[str, float]:
        # The answer's mass counts every token the bank knows, whichever postings are summed.
        idf = self.weights.idf
        mass = 0.0
        explained: dict[str, float] = defaultdict(float)
        for token in answer_tokens:
            weight = idf.get(token)
            if weight is None:
                continue
            mass += weight
            for question_id in postings.get(token, ()):
                explained[question_id] += weight
        if mass <= 0:
            return {}
        return {qid: value / mass for qid, value in explained.items()}
