"""Bad input on Discord: a clear ephemeral message in the member's language, nothing changed,
never a traceback in a channel."""

from __future__ import annotations

from fake_discord import FakeDiscord
from harness import GOOD, DiscordBot, start_bot
from payloads import NO_THREADS, Member
from test_discord_interview import ALICE, question_id_in, start

from bot.core.clock import FakeClock
from content.loader import Bank

BOB = Member(750000000000000002, "bob", locale="en-US")


def private_text(bot: DiscordBot, payload: dict[str, object]) -> str:
    replies = bot.fake.replies_to(str(payload["token"]))
    assert replies and all(m.ephemeral for m in replies)
    return "\n".join(m.text() for m in replies)


async def test_out_of_range_options_are_refused_in_the_members_language(bot: DiscordBot) -> None:
    for options, expected in (
        ({"count": 50}, "Count 50 is out of range"),
        ({"time": 5}, "5 s is out of range"),
        ({"difficulty": 7}, "Difficulty 7 is out of range"),
    ):
        payload = bot.payloads.slash(BOB, "start", **options)
        await bot.feed(payload)
        assert expected in private_text(bot, payload)
    assert bot.fake.threads() == []


async def test_unknown_topic_is_refused_without_opening_a_thread(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(ALICE, "start", topic="astrology")
    await bot.feed(payload)
    assert "astrology" in private_text(bot, payload)
    assert bot.fake.threads() == []


async def test_another_members_button_and_modal_change_nothing(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=2)
    card = bot.last_in(thread)
    answer_id, hint_id = card.custom_ids()[:2]
    before = len(bot.public(thread))
    press = bot.payloads.button(BOB, card, hint_id)
    await bot.feed(press)
    assert "someone else's interview" in private_text(bot, press)
    submit = bot.payloads.modal(BOB, answer_id, "I answer for alice", message=card)
    await bot.feed(submit)
    assert "someone else's interview" in private_text(bot, submit)
    assert len(bot.public(thread)) == before  # no hint, no feedback in alice's thread


async def test_modal_submitted_after_the_question_closed(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=2)
    card = bot.last_in(thread)
    answer_id, _, skip_id, _ = card.custom_ids()
    good = GOOD[question_id_in(bot, thread)]
    await bot.feed(bot.payloads.button(ALICE, card, skip_id))
    late = bot.payloads.modal(ALICE, answer_id, good, message=card)
    await bot.feed(late)
    assert "已经结束" in private_text(bot, late)
    assert "第 2/2 题" in bot.last_in(thread).embeds[-1]["title"]  # still on question 2


async def test_a_command_in_a_dm_asks_for_a_server(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(BOB, "start", in_dm=True, channel_id=_dm_of(bot.fake, BOB))
    await bot.feed(payload)
    assert bot.fake.callbacks[int(payload["id"])]["data"]["flags"] & 64
    assert "server" in bot.fake.callbacks[int(payload["id"])]["data"]["content"]


async def test_where_threads_are_refused_the_interview_moves_to_dms(bot: DiscordBot) -> None:
    bot.fake.no_threads_in.add(NO_THREADS)
    payload = bot.payloads.slash(ALICE, "start", topic="rag", count=1, channel_id=NO_THREADS)
    await bot.feed(payload)
    assert "私信" in private_text(bot, payload)
    dm = _dm_of(bot.fake, ALICE)
    card = bot.last_in(dm)
    assert "第 1/1 题" in card.embeds[-1]["title"]
    # The DM's buttons carry no server: the core finds the session's, and it works.
    answer_id = card.custom_ids()[0]
    submit = bot.payloads.modal(ALICE, answer_id, GOOD[question_id_in(bot, dm)], message=card)
    await bot.feed(submit)
    assert "面试结束" in bot.last_in(dm).text()


async def test_a_member_who_cannot_join_the_thread_gets_the_interview_in_dms(
    bot: DiscordBot,
) -> None:
    # The member is added to the new thread while the core starts the session; when Discord
    # refuses, that session is stopped (it counts nowhere), the thread removed, DMs used.
    bot.fake.no_joins_for.add(ALICE.id)
    payload = bot.payloads.slash(ALICE, "start", topic="rag", count=1)
    await bot.feed(payload)
    assert "私信" in private_text(bot, payload)
    assert bot.fake.threads() == []
    card = bot.last_in(_dm_of(bot.fake, ALICE))
    assert "第 1/1 题" in card.embeds[-1]["title"] and len(card.custom_ids()) == 4
    stats = bot.payloads.slash(ALICE, "stats")
    await bot.feed(stats)
    assert "还没有完成过题目" in private_text(bot, stats)  # the stopped question counts nowhere


async def test_a_pasted_5000_character_answer_is_refused(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=1)
    card = bot.last_in(thread)
    submit = bot.payloads.modal(ALICE, card.custom_ids()[0], "长" * 5000, message=card)
    await bot.feed(submit)
    assert "5000" in private_text(bot, submit)
    assert bot.last_in(thread).id == card.id  # nothing graded


async def test_buttons_work_after_a_restart(
    db_url: str, fake: FakeDiscord, bank: Bank, clock: FakeClock
) -> None:
    first = await start_bot(db_url, fake, bank, clock)
    try:
        thread = await start(first, topic="rag", count=2)
        card = first.last_in(thread)
    finally:
        await first.close()
    second = await start_bot(db_url, fake, bank, clock)  # a new process, the same database
    try:
        await second.feed(second.payloads.button(ALICE, card, card.custom_ids()[2]))  # skip
        assert "第 2/2 题" in second.last_in(thread).embeds[-1]["title"]
        press = second.payloads.button(ALICE, card, card.custom_ids()[1])  # its hint: closed
        await second.feed(press)
        assert "已经结束" in private_text(second, press)
    finally:
        await second.close()


def _dm_of(fake: FakeDiscord, member: Member) -> int:
    response = fake._open_dm({"recipient_id": str(member.id)})
    assert response.status == 200
    return next(
        cid
        for cid, channel in fake.channels.items()
        if channel["type"] == 1 and channel["recipients"][0]["id"] == str(member.id)
    )


async def test_answer_button_of_a_closed_or_foreign_question_opens_no_modal(
    bot: DiscordBot,
) -> None:
    thread = await start(bot, topic="rag", count=2)
    card = bot.last_in(thread)
    answer_id, _, skip_id, _ = card.custom_ids()
    foreign = bot.payloads.button(BOB, card, answer_id)
    await bot.feed(foreign)
    assert bot.fake.callbacks[int(foreign["id"])]["type"] == 4  # a message, not a modal
    assert "someone else's interview" in private_text(bot, foreign)
    late = bot.payloads.button(ALICE, card, answer_id)  # a client still showing the old card
    await bot.feed(bot.payloads.button(ALICE, card, skip_id))
    await bot.feed(late)
    assert bot.fake.callbacks[int(late["id"])]["type"] == 4
    assert "已经结束" in private_text(bot, late)
