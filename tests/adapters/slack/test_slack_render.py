"""Block Kit within Slack's limits: 3,000 characters a section, 50 blocks a message; bank and
member text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from slack_world import block_text

from bot.adapters.slack.blocks import BLOCKS_MAX, SECTION_MAX, markdown_to_mrkdwn, split_lines
from bot.adapters.slack.render import render
from bot.core.replies import CoveredPointView, Feedback, QuestionCard

SHANGHAI = ZoneInfo("Asia/Shanghai")


def feedback(reference: str) -> Feedback:
    return Feedback(
        locale="zh-CN",
        session_id="a" * 32,
        attempt_id=7,
        position=1,
        total=2,
        question_id="q",
        topic_name="RAG",
        difficulty=2,
        question="什么是 <b>RAG</b>？",
        outcome="answered",
        score=80,
        max_score=100,
        points=8,
        covered=[CoveredPointView(point="检索", matched=["retrieval"])],
        missed=["缓解幻觉"],
        verdict="不错",
        reference_answer=reference,
        grader="offline 1",
        time_taken_s=42,
    )


def sections(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]


def test_a_long_reference_answer_splits_at_line_ends_within_limits() -> None:
    lines = [f"第 {i} 行：" + "要点" * 40 for i in range(200)]
    messages = render([feedback("\n".join(lines))], tz=SHANGHAI)
    assert all(len(m.blocks) <= BLOCKS_MAX for m in messages)
    texts = sections(messages)
    assert all(len(text) <= SECTION_MAX for text in texts)
    shown = "\n".join(texts)
    for i in (0, 99, 199):  # every line arrives whole
        assert lines[i] in shown


def test_an_enormous_answer_spreads_over_several_messages() -> None:
    lines = ["x" * 2990 for _ in range(60)]
    messages = render([feedback("\n".join(lines))], tz=SHANGHAI)
    assert len(messages) == 2 and all(len(m.blocks) <= BLOCKS_MAX for m in messages)
    # The grade buttons stay with the feedback, on its last message.
    assert "[评分偏低]" in block_text(messages[-1].blocks)


def test_one_overlong_line_is_cut_not_lost() -> None:
    pieces = split_lines("y" * 7000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


def test_a_preformatted_block_cut_between_sections_is_closed_and_reopened() -> None:
    code = "\n".join(f"step {i}: x = f(x) * 2" for i in range(300))
    pieces = split_lines(f"说明：\n```\n{code}\n```\n之后的文字")
    assert len(pieces) >= 3 and all(len(p) <= SECTION_MAX for p in pieces)
    assert all(p.count("```") == 2 for p in pieces)  # each piece opens and closes its block
    assert pieces[1].startswith("```\nstep") and pieces[-1].endswith("之后的文字")


def test_a_markdown_table_reads_as_a_preformatted_block() -> None:
    table = "分片：\n\n| 阶段 | 显存 |\n|---|---|\n| **ZeRO-1** | 4Ψ |\n| ZeRO-3 | 16Ψ/N |\n\n完。"
    shown = markdown_to_mrkdwn(table)
    assert "```\n| 阶段 | 显存 |\n| ZeRO-1 | 4Ψ |\n| ZeRO-3 | 16Ψ/N |\n```" in shown
    assert "|---" not in shown and "*" not in shown and shown.endswith("完。")


def test_member_and_bank_text_cannot_ping_or_link() -> None:
    [message] = render([feedback("<!channel> 看 <http://evil|这里>")], tz=SHANGHAI)
    text = block_text(message.blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "&lt;b&gt;RAG&lt;/b&gt;" in text


def test_question_card_shows_the_deadline_in_the_members_time_zone() -> None:
    card = QuestionCard(
        locale="en",
        session_id="b" * 32,
        attempt_id=1,
        position=1,
        total=1,
        question_id="q",
        topic_id="rag",
        topic_name="RAG",
        difficulty=1,
        question="What is RAG?",
        deadline=datetime(2026, 1, 1, 10, 5, tzinfo=UTC),
        seconds_left=300,
        time_limit_s=300,
        hints=[],
        max_score=100,
    )
    [berlin] = render([card], tz=ZoneInfo("Europe/Berlin"))
    [shanghai] = render([card], tz=SHANGHAI)
    assert "Answer by 11:05" in block_text(berlin.blocks)
    assert "Answer by 18:05" in block_text(shanghai.blocks)
    ids = [e["action_id"] for b in berlin.blocks for e in b.get("elements", []) if "action_id" in e]
    assert ids == [f"iv:{verb}:{'b' * 32}:1" for verb in ("answer", "hint", "skip", "stop")]


def test_a_daily_card_offers_the_button_only_while_open_and_unanswered() -> None:
    from datetime import UTC, datetime

    from bot.adapters.slack.render_daily import daily_card
    from bot.core.replies import DailyCard

    card = DailyCard(
        locale="zh-CN", post_id=7, local_date="2026-01-05", question_id="q", question="什么是量化？",
        topic_id="quantization", topic_name="量化", difficulty=1,
        closes_at=datetime(2026, 1, 5, 11, tzinfo=UTC), answers=3, closed=False,
    )  # fmt: skip
    shown = {
        "open": block_text(daily_card(card).blocks),
        "answered": block_text(daily_card(card.model_copy(update={"your_score": 80})).blocks),
        "closed": block_text(daily_card(card.model_copy(update={"closed": True})).blocks),
    }
    assert "[作答]" in shown["open"] and "讨论串" not in shown["open"]
    assert "[作答]" not in shown["answered"] and "80" in shown["answered"]
    assert "[作答]" not in shown["closed"] and "讨论串" in shown["closed"]
