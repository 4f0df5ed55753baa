"""Words a member reads, wherever they read them: a grade capped by a wrong statement does not
claim points are missing that were covered, and posting days are named in the reader's
language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core import phrasing
from bot.core.interview import present
from content.loader import load_bank
from storage.models import AttemptRecord, SessionRecord

BANK = load_bank([Path(__file__).parent / "fixtures" / "bank"], shipped=False)
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _feedback(covered: list[str], missed: list[str], score: float) -> str:
    question = BANK.questions["rag-what-is-rag"]
    session = SessionRecord(
        id="a" * 32, member_id=1, platform="discord", workspace_id="1", channel_id="2",
        thread_id=None, state="active", topic="rag", difficulty=None,
        question_ids=[question.id], time_limit_s=300, current_index=0, locale="zh-CN",
        created_at=NOW, ended_at=None,
    )  # fmt: skip
    grade = {
        "covered": [{"point": p, "matched": []} for p in covered],
        "missed": [{"point": p} for p in missed],
        "verdict": "weak",
        "guards": ["misconception"],
        "misconceptions": [{"claim": "RAG 就是微调", "correct": "RAG 不改模型参数"}],
    }
    attempt = AttemptRecord(
        id=1, session_id=session.id, member_id=1, question_id=question.id, topic="rag",
        difficulty=1, position=1, state="answered", asked_at=NOW, deadline_at=NOW,
        finished_at=NOW, answer="…", score=score, max_score=100, hints_used=0, points=6,
        grade=grade, self_assessment=None,
    )  # fmt: skip
    return present.feedback(BANK, session, attempt, question, locale="zh-CN").verdict


def test_a_capped_grade_with_every_point_covered_does_not_say_points_are_missing() -> None:
    points = [kp.point for kp in BANK.questions["rag-what-is-rag"].key_points]
    verdict = _feedback(points, [], 30)
    assert verdict == "回答中有说错的地方，分数已封顶。"
    # With points really missing, the band's verdict still says so, then the cap.
    verdict = _feedback(points[:1], points[1:], 30)
    assert verdict.startswith("偏弱：大部分要点没有答到。") and verdict.endswith("分数已封顶。")


def test_posting_days_are_named_in_the_readers_language() -> None:
    assert phrasing.weekdays("zh-CN", range(7)) == "每天"
    assert phrasing.weekdays("en", range(7)) == "every day"
    assert phrasing.weekdays("zh-CN", [0, 2, 4]) == "周一、周三、周五"
    assert phrasing.weekdays("en", [5, 6]) == "Sat, Sun"
