"""How scores become points, and what a hint costs. Pure functions, one place to change them.

- A hint lowers the question's maximum score by HINT_PENALTY, never below MAX_SCORE_FLOOR:
  hints help, but a question answered with every hint still cannot be a top score.
- The final score is the grader's score capped at that maximum (not rescaled), so a hint only
  costs something if the answer would have scored above the new maximum.
- Points per question = score / 100 × the difficulty's weight: a perfect hard answer is worth
  three perfect easy ones.
- A question asked again (a review, or a pool that ran out of new questions) earns only what
  beats the points already earned on it: the reference answer was shown last time, so points
  for repeating it would let anyone farm the leaderboard. A question is worth its full points
  once, however many tries it takes. The score itself always counts.
"""

from __future__ import annotations

FULL_SCORE = 100.0
HINT_PENALTY = 20.0
MAX_SCORE_FLOOR = 40.0
DIFFICULTY_WEIGHT: dict[int, float] = {1: 10.0, 2: 20.0, 3: 30.0}


def max_score_after_hints(hints_used: int) -> float:
    return max(MAX_SCORE_FLOOR, FULL_SCORE - HINT_PENALTY * hints_used)


def capped_score(raw_score: float, max_score: float) -> float:
    return round(min(max(raw_score, 0.0), max_score), 1)


def points_for(score: float, difficulty: int, *, earned_before: float = 0.0) -> float:
    weight = DIFFICULTY_WEIGHT.get(difficulty, DIFFICULTY_WEIGHT[2])
    return round(max(0.0, score / FULL_SCORE * weight - earned_before), 2)
