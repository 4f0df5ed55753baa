"""The default offline grader: key points through aliases, blended with reference overlap, guarded.

No network and no model: normalisation, substring search and a precomputed index, so a grade
takes well under a millisecond and the same answer always gets the same grade.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from bot.core.grading import guards
from bot.core.grading.claims import (
    ClaimMatcher,
    ReadAnswer,
    by_list_items,
    facets_stated,
    listed_items,
    listed_terms,
    read_answer,
    stated_misconceptions,
)
from bot.core.grading.glossary import Glossary, Glossed
from bot.core.grading.index import BankIndex, QuestionProfile, build_profile
from bot.core.grading.matching import Alias
from bot.core.grading.normalize import (
    Compact,
    compact,
    compact_key,
    content_size,
    latin_share,
    normalize,
    tokens,
)
from bot.core.grading.types import (
    GUARD_DONT_KNOW,
    GUARD_EMPTY,
    GUARD_KEYWORD_LIST,
    GUARD_MISCONCEPTION,
    GUARD_OFF_TOPIC,
    GUARD_REPEATS_QUESTION,
    GUARD_TERMS_WITHOUT_CLAIMS,
    GradeResult,
    StatedMisconception,
    Verdict,
)
from content.loader import Bank
from content.schema import Question

GRADER_NAME = "offline-keypoints"
GRADER_VERSION = "2.0"
# Questions from outside the bank whose profiles are kept (ad-hoc questions must not grow memory).
_OUTSIDE_LIMIT = 256
# The core refuses answers over 4000 characters before grading; a direct caller passing more
# gets the beginning graded, so the work per grade stays bounded.
MAX_GRADED_CHARS = 12_000


@dataclass(frozen=True)
class Tuning:
    """The grader's constants in one place, each with the reason for its value."""

    # A complete interview answer rarely names every key point of a curated list; covering this
    # share of the weight already earns full key-point credit.
    full_coverage: float = 0.7
    # Below 1 the curve gives early points more credit than later ones: naming the main idea is
    # worth more than the seventh detail.
    coverage_exponent: float = 0.8
    # Share of the reference's weighted vocabulary a complete answer typically reuses.
    full_recall: float = 0.25
    # Weight of the reference overlap in the blend for a Chinese answer. An English answer
    # cannot share CJK bigrams with a Chinese reference, so the weight falls with its Latin share.
    overlap_weight: float = 0.3
    overlap_weight_latin: float = 0.1
    # From this share of Latin letters on, an answer is also read as English through the glossary.
    english_from: float = 0.3
    # A point whose only matching alias is a word of the question itself.
    echo_credit: float = 0.3
    # A point said in other words: between `low` and `high` of its statement's weighted words
    # present, credit rises from 0 to `paraphrase_credit` of the point.
    paraphrase_low: float = 0.3
    paraphrase_high: float = 0.8
    paraphrase_credit: float = 0.6
    # Off-topic: almost nothing of the answer belongs to this question, much of it to another;
    # a generic alias or two (梯度, 显存) hit by chance does not make such an answer on-topic.
    off_topic_max_coverage: float = 0.4
    off_topic_own: float = 0.1
    off_topic_other: float = 0.5
    off_topic_cap: float = 5.0
    # Points for an answer on the question's subject, scaled by how much of it is on-subject.
    topical_bonus: float = 8.0
    # A bare keyword list keeps a fraction of its grade, never more than the cap.
    keyword_list_factor: float = 0.3
    keyword_list_cap: float = 15.0
    # A point whose terms are named but whose facets are not stated together: knowing the word
    # is worth something, but it is not the point.
    named_credit: float = 0.45
    # Stuffing in prose: vague praise, at least this many points named, this many items in bare
    # enumerations, and at most this share of the named points stated as claims that are not
    # made of listed items.
    stuffing_min_named: int = 3
    stuffing_min_listed: int = 3
    stuffing_max_stated: float = 0.34
    # ... and the enumerations make at least this share of the answer.
    stuffing_listed_share: float = 0.2
    # What a named-only point is worth in an answer that strings terms together.
    stuffing_named_credit: float = 0.1
    # A stated misconception caps the grade; each further one lowers the cap. A strict
    # interviewer fails a confident wrong claim (label 0): the cap sits at the level of keyword
    # stuffing (label 1), not above it (at 30 the wrong answers outranked stuffing in every
    # curation set).
    misconception_cap: float = 20.0
    misconception_step: float = 8.0
    # Off-topic within the topic: another question of the same topic has this share of its
    # weight stated, and this question less than `neighbour_ratio` of that.
    neighbour_candidates: int = 4
    neighbour_stated: float = 0.5
    neighbour_ratio: float = 0.5


def verdict_for(score: float) -> Verdict:
    if score >= 85:
        return "excellent"
    if score >= 65:
        return "good"
    if score >= 40:
        return "partial"
    if score > 0:
        return "weak"
    return "empty"


class OfflineGrader:
    """Grades against the bank it was built with; other questions are profiled on first use."""

    name = GRADER_NAME
    version = GRADER_VERSION

    def __init__(self, bank: Bank, tuning: Tuning | None = None) -> None:
        self._tuning = tuning or Tuning()
        self._glossary = Glossary()
        self._index = BankIndex(bank.questions.values())
        # Profiles by question id, built on first use. Bank questions stay; questions from
        # outside the bank (an ad-hoc `grade --question "..."`) are bounded in number.
        self._profiles: dict[str, QuestionProfile] = {}
        self._outside = 0

    def grade(self, question: Question, answer: str) -> GradeResult:
        try:
            return self._grade(question, answer)
        except Exception:  # the contract: any string grades; a bug here must not lose an answer
            # structlog is imported here, not at start-up: this path should never run.
            import structlog

            structlog.get_logger(__name__).exception(
                "grading failed; using plain alias coverage", question=question.id
            )
            return self._fallback(question, answer)

    def _fallback(self, question: Question, answer: str) -> GradeResult:
        """Plain alias containment: crude, but it cannot fail the way the full path might."""
        key = compact_key(str(answer))
        covered = [
            (i, [a for a in p.aliases if compact_key(a) and compact_key(a) in key])
            for i, p in enumerate(question.key_points)
        ]
        covered = [(i, words) for i, words in covered if words]
        total = sum(p.weight for p in question.key_points) or 1.0
        score = 100.0 * sum(question.key_points[i].weight for i, _ in covered) / total
        result = self._result(question, score, covered, [])
        return result.model_copy(update={"version": f"{self.version}+fallback"})

    def prepare(self) -> None:
        """Build every bank question's tables now, not at its first answer (about 3 ms each):
        for a process that starts to grade a rush of answers at once."""
        for question in self._index.questions.values():
            self._profile(question)

    def _profile(self, question: Question) -> QuestionProfile:
        profile = self._profiles.get(question.id)
        if profile is not None and (profile.question is question or profile.question == question):
            return profile
        profile = build_profile(question, self._index.weights, self._glossary)
        if self._index.holds(question):
            self._profiles[question.id] = profile
        elif self._outside < _OUTSIDE_LIMIT:
            self._outside += 1
            self._profiles[question.id] = profile
        return profile

    def _grade(self, question: Question, answer: str) -> GradeResult:
        tuning = self._tuning
        text = answer[:MAX_GRADED_CHARS] if isinstance(answer, str) else ""
        normalized = normalize(text)
        packed = compact(normalized)
        if guards.is_empty(packed):
            return self._result(question, 0.0, [], [GUARD_EMPTY])
        if guards.says_dont_know(packed):
            return self._result(question, 0.0, [], [GUARD_DONT_KNOW])
        profile = self._profile(question)
        answer_tokens = tokens(normalized)
        if guards.repeats_question(answer_tokens, packed, profile):
            return self._result(question, 0.0, [], [GUARD_REPEATS_QUESTION])
        latin = latin_share(normalized)
        english = None
        if latin >= tuning.english_from:
            # Read the English through the glossary; its Chinese names join the answer's tokens
            # so the overlap measures below work across the two languages.
            english = self._glossary.read(normalized)
            answer_tokens = answer_tokens | english.gloss_tokens

        read = read_answer(normalized, english, packed)
        claims = self._claims(profile, packed, english, answer_tokens, read)
        credit = claims.credit
        coverage = credit / profile.total_weight
        point_score = min(1.0, coverage / tuning.full_coverage) ** tuning.coverage_exponent

        score = self._blend(profile, answer_tokens, latin, point_score)

        fired: list[str] = []
        covered = claims.covered
        standing = self._stuffed(profile, claims, read)
        if standing is not None:
            # Graded on the claims alone: the reference overlap and the topical bonus would pay
            # for the very terms that were strung together, and a "claim" made only of listed
            # terms ("低秩、冻结、原权重") is no claim.
            fired.append(GUARD_TERMS_WITHOUT_CLAIMS)
            claims.demote(claims.strong - standing)
            coverage = claims.stuffed_credit / profile.total_weight
            score = 100.0 * min(1.0, coverage / tuning.full_coverage) ** tuning.coverage_exponent
            covered = [c for c in covered if c[0] in claims.strong]
        # How much of the answer this question explains; the other questions of its topic, or of
        # the whole bank, only for an answer that may be about one of them (few answers are).
        own = self._index.own_fit(answer_tokens, profile.topical)
        if (
            coverage <= tuning.off_topic_max_coverage
            and own <= tuning.off_topic_own
            and self._best_other(question.id, answer_tokens) >= tuning.off_topic_other
        ) or self._neighbour_fits_better(profile, claims, read, answer_tokens, packed, english):
            fired.append(GUARD_OFF_TOPIC)
            score = min(score, tuning.off_topic_cap)
        elif GUARD_TERMS_WITHOUT_CLAIMS not in fired:
            # An answer on this question's subject, even a wrong one, ranks above one that is
            # about something else.
            score += tuning.topical_bonus * own
        if guards.is_keyword_list(normalized):
            fired.append(GUARD_KEYWORD_LIST)
            score = min(score * tuning.keyword_list_factor, tuning.keyword_list_cap)
        score, stated_wrong = self._misconceptions(profile, read, score, fired)
        return self._result(question, score, covered, fired, stated_wrong)

    def _blend(self, profile: Any, answer_tokens: Any, latin: float, point_score: float) -> float:
        """Key-point coverage blended with the rarity-weighted overlap against the reference."""
        tuning = self._tuning
        shared = profile.shared_weight(answer_tokens)
        recall = shared / profile.reference_mass
        overlap_score = min(1.0, recall / tuning.full_recall)
        overlap_weight = tuning.overlap_weight * (1 - latin) + tuning.overlap_weight_latin * latin
        return float(100.0 * ((1 - overlap_weight) * point_score + overlap_weight * overlap_score))

    def _misconceptions(
        self, profile: Any, read: Any, score: float, fired: list[str]
    ) -> tuple[float, list[StatedMisconception]]:
        """Known wrong statements cap the score, lower for each one more."""
        tuning = self._tuning
        wrong = stated_misconceptions(profile.misconceptions, read)
        if wrong:
            fired.append(GUARD_MISCONCEPTION)
            cap = tuning.misconception_cap - tuning.misconception_step * (len(wrong) - 1)
            score = min(score, max(cap, 5.0))
        stated = [
            StatedMisconception(claim=m.claim, correct=m.why, matched=words) for m, words in wrong
        ]
        return score, stated

    def _claims(
        self,
        profile: QuestionProfile,
        packed: Compact,
        english: Glossed | None,
        answer_tokens: set[str],
        read: ReadAnswer,
    ) -> _Claims:
        """Each key point's credit: stated (all facets in one sentence), named, or said in
        other words (paraphrase)."""
        tuning = self._tuning
        out = _Claims(tuning.stuffing_named_credit)
        for i, matcher in enumerate(profile.points):
            weight = matcher.point.weight
            claim = profile.claims[i]
            found = matcher.matches(packed, english)
            echo_only = bool(found) and matcher.only_echoes(found)
            partial = self._paraphrase_credit(
                profile.point_words[i], profile.point_totals[i], answer_tokens
            )
            if not claim.has_facets:
                # A point without facets (an importer draft): its aliases are all there is.
                if found and not echo_only:
                    out.stated(i, [a.shown for a in found], weight, strong=False)
                    continue
                if found:
                    partial = max(partial, tuning.echo_credit)
                out.partial(partial, weight, named=bool(found))
                continue
            said, words = self._said(claim, found, packed, english, read, profile.subject)
            if said == len(claim.facets):
                # A claim proper: the concept and what is said about it, or a spelling that joins
                # words. A single-facet point met by one term is only named.
                strong = len(claim.facets) > 1 or any("+" in w for w in words)
                # A facet spelling is stored folded ("rag"); the alias keeps its case ("RAG").
                folded = {w.casefold() for w in words}
                shown = words + [a.shown for a in found if a.shown.casefold() not in folded]
                out.stated(i, shown, weight, strong=strong)
                continue
            named = (bool(found) and not echo_only) or said > 0
            if named:
                share = said / len(claim.facets)
                partial = max(partial, tuning.named_credit * (0.5 + 0.5 * share))
            elif found:
                partial = max(partial, tuning.echo_credit)
            out.partial(partial, weight, named=named)
        return out

    @staticmethod
    def _said(
        claim: ClaimMatcher,
        found: list[Alias],
        packed: Compact,
        english: Glossed | None,
        read: ReadAnswer,
        subject: tuple[str, ...] = (),
    ) -> tuple[int, list[str]]:
        """How many facets of the point one sentence states, and the words that showed them."""
        if claim.whole is None:
            return facets_stated(claim, read, subject)
        hits = found if claim.same_as_aliases else claim.whole.matches(packed, english)
        if not hits or claim.whole.only_echoes(hits):
            return 0, []
        return 1, [hits[0].shown]

    def _stuffed(
        self, profile: QuestionProfile, claims: _Claims, read: ReadAnswer
    ) -> set[int] | None:
        """Many of the question's terms, few of its claims, the terms strung together: then the
        points whose claims are stated within one item of the lists (they stand), else None."""
        tuning = self._tuning
        named = claims.named_count + len(claims.covered)
        if named < tuning.stuffing_min_named or not read.fluff:
            # A list of examples is a fine answer to "which methods are there"; a list padded
            # with vague praise ("这些都非常重要", "涉及…") instead of what the terms do is not.
            return None
        listed_keys = listed_items(read)
        if listed_terms(listed_keys, self._index.terms) < tuning.stuffing_min_listed:
            return None
        # A long explanation with one list in it is not a list with some praise around it.
        listed_size = sum(content_size(item) for item in listed_keys)
        if listed_size < tuning.stuffing_listed_share * content_size(read.whole):
            return None
        pieces = by_list_items(read)
        claimed = {
            i
            for i in claims.strong
            if facets_stated(profile.claims[i], pieces, profile.subject)[0]
            == len(profile.claims[i].facets)
        }
        if len(claimed) > tuning.stuffing_max_stated * named:
            return None
        return claimed

    def _neighbour_fits_better(
        self,
        profile: QuestionProfile,
        claims: _Claims,
        read: ReadAnswer,
        answer_tokens: set[str],
        packed: Compact,
        english: Glossed | None,
    ) -> bool:
        """Off-topic within a topic: the answer states another question's claims much better
        than this one's, even though the two share vocabulary."""
        tuning = self._tuning
        question = profile.question
        own = claims.stated_weight / profile.total_weight
        if own >= tuning.neighbour_ratio:
            return False  # no other question can state twice as much
        fit = self._near_fit(question, answer_tokens)
        own_fit = fit.get(question.id, 0.0)
        others = heapq.nlargest(
            tuning.neighbour_candidates,
            (
                (value, qid)
                for qid in self._index.in_topic(question.topic)
                if qid != question.id and (value := fit.get(qid, 0.0)) > own_fit
            ),
        )
        for other_fit, qid in others:
            if other_fit <= own_fit:
                break  # its vocabulary explains the answer no better than this question's
            other = self._profile(self._index.questions[qid])
            stated = 0.0
            for i, claim in enumerate(other.claims):
                if claim.has_facets:
                    found = (
                        other.points[i].matches(packed, english) if claim.same_as_aliases else []
                    )
                    said, _ = self._said(claim, found, packed, english, read, other.subject)
                    if said == len(claim.facets):
                        stated += other.points[i].point.weight
            share = stated / other.total_weight
            if share >= tuning.neighbour_stated and own < tuning.neighbour_ratio * share:
                return True
        return False

    def _paraphrase_credit(
        self, words: dict[str, float], total: float, answer_tokens: set[str]
    ) -> float:
        """Partial credit for a point said in other words: share of the point's own weighted
        words the answer uses (of `total`, their weights' sum), mapped onto 0..paraphrase_credit."""
        if total <= 0:
            return 0.0
        share = sum(w for t, w in words.items() if t in answer_tokens) / total
        low, high = self._tuning.paraphrase_low, self._tuning.paraphrase_high
        return self._tuning.paraphrase_credit * min(1.0, max(0.0, (share - low) / (high - low)))

    def _near_fit(self, question: Question, answer_tokens: set[str]) -> dict[str, float]:
        """`BankIndex.fit` for the question's topic and the bank's question of its id."""
        index = self._index
        twin = index.questions.get(question.id)
        if twin is not None and twin.topic != question.topic:
            return index.fit(answer_tokens)  # an edited question that changed topic
        return index.fit_in_topic(answer_tokens, question.topic)

    def _best_other(self, own_id: str, answer_tokens: set[str]) -> float:
        """The most of the answer any other question of the bank explains."""
        fit = self._index.fit(answer_tokens)
        return max((v for qid, v in fit.items() if qid != own_id), default=0.0)

    def _result(
        self,
        question: Question,
        score: float,
        covered: list[tuple[int, list[str]]],
        fired: list[str],
        wrong: list[StatedMisconception] | None = None,
    ) -> GradeResult:
        hit = {i: words for i, words in covered}
        score = round(max(0.0, min(100.0, score)), 1)
        # One validation of the whole result (in pydantic-core) instead of one per point.
        return GradeResult.model_validate(
            {
                "score": score,
                "covered": [
                    {"point": p.point, "weight": p.weight, "matched": hit[i]}
                    for i, p in enumerate(question.key_points)
                    if i in hit
                ],
                "missed": [
                    {"point": p.point, "weight": p.weight}
                    for i, p in enumerate(question.key_points)
                    if i not in hit
                ],
                "guards": fired,
                "misconceptions": wrong or [],
                "verdict": "empty" if GUARD_EMPTY in fired or score <= 0 else verdict_for(score),
                "grader": self.name,
                "version": self.version,
            }
        )


class _Claims:
    """What the answer does with each key point, collected by `OfflineGrader._claims`."""

    def __init__(self, stuffing_credit: float) -> None:
        self._stuffing_credit = stuffing_credit
        self.covered: list[tuple[int, list[str]]] = []
        self.credit = 0.0
        # The credit if the answer turns out to string terms together: strong claims only.
        self.stuffed_credit = 0.0
        self.stated_weight = 0.0
        self.strong: set[int] = set()
        self.named_count = 0
        self._weights: dict[int, float] = {}

    def stated(self, index: int, words: list[str], weight: float, *, strong: bool) -> None:
        self.covered.append((index, words))
        self.credit += weight
        self.stated_weight += weight
        self._weights[index] = weight
        if strong:
            self.strong.add(index)
            self.stuffed_credit += weight
        else:
            self.stuffed_credit += self._stuffing_credit * weight

    def demote(self, indexes: set[int]) -> None:
        """In a stuffed answer, claims that only string listed terms together count as named."""
        for index in indexes:
            self.strong.discard(index)
            self.stuffed_credit -= self._weights[index] * (1 - self._stuffing_credit)

    def partial(self, credit: float, weight: float, *, named: bool) -> None:
        self.credit += credit * weight
        if named:
            self.named_count += 1
            self.stuffed_credit += min(credit, self._stuffing_credit) * weight


def build_offline_grader(bank: Bank) -> OfflineGrader:
    return OfflineGrader(bank)
