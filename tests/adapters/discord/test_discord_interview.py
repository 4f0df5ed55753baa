"""A member's interview on Discord: a private thread, the buttons, the answer modal, timeouts."""

from __future__ import annotations

from harness import GOOD, DiscordBot
from payloads import GENERAL, Member

from bot.core import ids
from bot.core.ids import QuestionAction

ALICE = Member(750000000000000001, "alice")


async def start(bot: DiscordBot, member: Member = ALICE, **options: object) -> int:
    """/interview start; the id of the thread it opened."""
    await bot.feed(bot.payloads.slash(member, "start", **options))
    return int(bot.fake.threads()[-1]["id"])


def question_of(bot: DiscordBot, thread: int) -> QuestionAction:
    card = [m for m in bot.public(thread) if m.custom_ids()][-1]
    action = ids.decode(card.custom_ids()[0])
    assert isinstance(action, QuestionAction)
    return action


def question_id_in(bot: DiscordBot, thread: int) -> str:
    """Which fixture question the open card asks (by its text)."""
    card = [m for m in bot.public(thread) if m.custom_ids()][-1]
    text = card.embeds[-1]["description"]
    return next(q.id for q in bot.core.interviews._bank.questions.values() if q.question in text)


async def test_start_opens_a_private_thread_with_the_first_question(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(ALICE, "start", topic="rag", count=2, time=300)
    await bot.feed(payload)
    assert bot.fake.callbacks[int(payload["id"])]["type"] == 5  # deferred before the core ran
    [thread] = bot.fake.threads()
    assert thread["type"] == 12 and thread["parent_id"] == str(GENERAL)
    assert (int(thread["id"]), ALICE.id) in bot.fake.thread_members
    [card] = bot.public(int(thread["id"]))  # "started" and the first question: one message
    started = card.embeds[0]["description"]
    assert "2" in started and "5 分钟" in started
    assert "第 1/2 题" in card.embeds[-1]["title"]
    assert "<t:" in card.text() and ":R>" in card.text()  # a live countdown
    assert card.labels() == ["回答", "提示", "跳过", "结束"]
    [pointer] = bot.fake.replies_to(payload["token"])
    assert pointer.ephemeral and f"<#{thread['id']}>" in pointer.content


async def test_answer_modal_round_trip_grades_and_closes_the_card(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=2)
    action = question_of(bot, thread)
    card = [m for m in bot.public(thread) if m.custom_ids()][-1]
    press = bot.payloads.button(ALICE, card, ids.encode(action))
    await bot.feed(press)
    modal = bot.fake.callbacks[int(press["id"])]
    assert modal["type"] == 9 and modal["data"]["custom_id"] == ids.encode(action)
    [text_input] = modal["data"]["components"][0]["components"]
    assert text_input["max_length"] == 4000 and text_input["style"] == 2
    answer = GOOD[question_id_in(bot, thread)]
    await bot.feed(bot.payloads.modal(ALICE, modal["data"]["custom_id"], answer, message=card))
    after = bot.public(thread)
    feedback = next(m for m in after if "得分" in m.text())
    assert "✅" in feedback.text() and "参考答案" in feedback.text()
    assert "第 2/2 题" in after[-1].embeds[-1]["title"]
    closed = bot.fake.messages[card.id]
    assert closed.custom_ids() == [] and "已结束" in closed.embeds[-1]["fields"][-1]["value"]
    assert "面试开始" in closed.embeds[0]["description"]  # the line it came with stays


async def test_hint_skip_and_stop_buttons(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=3)
    card = [m for m in bot.public(thread) if m.custom_ids()][-1]
    hint, skip, stop = card.custom_ids()[1:]
    await bot.feed(bot.payloads.button(ALICE, card, hint))
    assert "提示 1/" in bot.last_in(thread).text()
    await bot.feed(bot.payloads.button(ALICE, card, skip))
    assert "第 2/3 题" in bot.last_in(thread).embeds[-1]["title"]
    second = bot.last_in(thread)
    await bot.feed(bot.payloads.button(ALICE, second, second.custom_ids()[3]))
    assert "面试已提前结束" in bot.last_in(thread).text()
    assert bot.fake.channels[thread]["thread_metadata"]["archived"] is True
    assert bot.fake.messages[second.id].custom_ids() == []


async def test_timeout_arrives_in_the_thread_through_the_messenger(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=2, time=60)
    card = [m for m in bot.public(thread) if m.custom_ids()][-1]
    await bot.advance(61)
    texts = [m.text() for m in bot.public(thread)]
    assert any("时间到" in text for text in texts)
    assert "第 2/2 题" in bot.last_in(thread).embeds[-1]["title"]
    assert bot.fake.messages[card.id].custom_ids() == []  # the old card shows it closed


async def test_slash_answer_opens_the_modal_for_the_current_question(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=1)
    action = question_of(bot, thread)
    payload = bot.payloads.slash(ALICE, "answer", channel_id=thread)
    await bot.feed(payload)
    modal = bot.fake.callbacks[int(payload["id"])]
    assert modal["type"] == 9 and modal["data"]["custom_id"] == ids.encode(action)
    submit = bot.payloads.modal(
        ALICE, ids.encode(action), GOOD[question_id_in(bot, thread)], channel_id=thread
    )
    await bot.feed(submit)
    assert "面试结束" in bot.last_in(thread).text()


async def test_started_inside_a_public_thread_opens_beside_it(bot: DiscordBot) -> None:
    public = bot.fake._thread(GENERAL, {"name": "讨论"}, 11)
    await bot.feed(
        bot.payloads.slash(ALICE, "start", channel_id=int(public["id"]), topic="rag", count=2)
    )
    private = bot.fake.threads()[-1]
    assert private["type"] == 12 and private["parent_id"] == str(GENERAL)
    assert "第 1/2 题" in bot.last_in(int(private["id"])).embeds[-1]["title"]
