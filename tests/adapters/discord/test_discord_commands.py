"""Every /interview subcommand through the real CommandTree, and what Discord is told about
them (localised descriptions and choices)."""

from __future__ import annotations

from harness import GOOD, DiscordBot
from test_discord_interview import ALICE, question_id_in, start
from test_discord_refusals import BOB, private_text


async def test_commands_are_synced_with_chinese_and_english_descriptions(bot: DiscordBot) -> None:
    [group] = bot.fake.synced[f"guild:{bot.fake.guild_id}"]
    assert group["name"] == "interview"
    assert group["description_localizations"]["zh-CN"] == "LLM 岗模拟面试"
    subs = {option["name"]: option for option in group["options"]}
    assert set(subs) >= {
        "start",
        "answer",
        "hint",
        "skip",
        "stop",
        "status",
        "review",
        "mark",
        "topics",
        "leaderboard",
        "stats",
        "lang",
        "help",
    }
    assert subs["start"]["description"] == "Start a mock interview"
    assert subs["start"]["description_localizations"]["zh-CN"] == "开始一场模拟面试"
    period = next(o for o in subs["leaderboard"]["options"] if o["name"] == "period")
    assert [c["name_localizations"]["zh-CN"] for c in period["choices"]] == ["本周", "本月", "全部"]
    count = next(o for o in subs["start"]["options"] if o["name"] == "count")
    assert (count["min_value"], count["max_value"]) == (1, 20)


async def test_topic_autocomplete_lists_the_bank_in_the_members_language(bot: DiscordBot) -> None:
    payload = bot.payloads.autocomplete(BOB, "start", "topic", "qua")
    await bot.feed(payload)
    reply = bot.fake.callbacks[int(payload["id"])]
    assert reply["type"] == 8
    [choice] = reply["data"]["choices"]
    assert choice["value"] == "quantization" and choice["name"].startswith("Quantisation")


async def test_status_hint_skip_stop_as_slash_commands_in_the_thread(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=3)
    for sub, expected in (("status", "第 1/3 题"), ("hint", "提示 1/"), ("skip", "第 2/3 题")):
        await bot.feed(bot.payloads.slash(ALICE, sub, channel_id=thread))
        assert expected in bot.last_in(thread).text()
    await bot.feed(bot.payloads.slash(ALICE, "stop", channel_id=thread))
    assert "面试已提前结束" in bot.last_in(thread).text()


async def test_status_outside_the_thread_is_private(bot: DiscordBot) -> None:
    await start(bot, topic="rag", count=1)
    payload = bot.payloads.slash(ALICE, "status")
    await bot.feed(payload)
    assert "第 1/1 题" in private_text(bot, payload)


async def test_topics_leaderboard_stats_help(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=1)
    card = bot.last_in(thread)
    good = GOOD[question_id_in(bot, thread)]
    await bot.feed(bot.payloads.modal(ALICE, card.custom_ids()[0], good, message=card))
    for sub, options, expected in (
        ("topics", {}, "rag"),
        ("leaderboard", {"period": "all"}, "alice"),
        ("leaderboard", {}, "本周排行榜"),
        ("stats", {}, "你的战绩"),
        ("help", {"command": "start"}, "start [主题]"),
    ):
        payload = bot.payloads.slash(ALICE, sub, **options)
        await bot.feed(payload)
        assert expected in private_text(bot, payload), sub


async def test_mark_from_the_feedback_button_and_the_command(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=2)
    card = bot.last_in(thread)
    await bot.feed(bot.payloads.modal(ALICE, card.custom_ids()[0], "检索增强生成", message=card))
    feedback = next(m for m in bot.public(thread) if m.custom_ids() and "mark" in m.custom_ids()[0])
    assert feedback.labels() == ["评分偏低", "评分偏高"]
    press = bot.payloads.button(ALICE, feedback, feedback.custom_ids()[0])
    await bot.feed(press)
    assert "偏低" in private_text(bot, press) or "记下" in private_text(bot, press)
    payload = bot.payloads.slash(ALICE, "mark", verdict="too_high")
    await bot.feed(payload)
    assert private_text(bot, payload)


async def test_lang_switches_every_text_to_english(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(ALICE, "lang", locale="en")
    await bot.feed(payload)
    assert "English from now on" in private_text(bot, payload)
    thread = await start(bot, topic="rag", count=1)
    card = bot.last_in(thread)
    assert "Question 1/1" in card.embeds[-1]["title"]
    assert card.labels() == ["Answer", "Hint", "Skip", "Stop"]


async def test_discord_locale_is_followed_until_lang_is_set(bot: DiscordBot) -> None:
    thread = await start(bot, BOB, topic="rag", count=1)  # BOB's Discord is in English
    assert "Question 1/1" in bot.last_in(thread).embeds[-1]["title"]


async def test_review_with_nothing_due_says_so(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(ALICE, "review")
    await bot.feed(payload)
    assert private_text(bot, payload)
    assert bot.fake.threads() == []


async def test_autocomplete_follows_the_language_chosen_with_lang(bot: DiscordBot) -> None:
    await bot.feed(bot.payloads.slash(BOB, "lang", locale="zh-CN"))
    payload = bot.payloads.autocomplete(BOB, "start", "topic", "")
    await bot.feed(payload)
    names = [c["name"] for c in bot.fake.callbacks[int(payload["id"])]["data"]["choices"]]
    assert names and all(" 题" in name for name in names)


async def test_stats_of_another_member(bot: DiscordBot) -> None:
    thread = await start(bot, BOB, topic="rag", count=1)
    card = bot.last_in(thread)
    await bot.feed(bot.payloads.button(BOB, card, card.custom_ids()[2]))  # skip
    payload = bot.payloads.slash(ALICE, "stats", member=BOB)
    await bot.feed(payload)
    text = private_text(bot, payload)
    assert "bob 的战绩" in text and "完成 1 题" in text and "复习" not in text


async def test_hint_typed_in_the_channel_lands_in_the_thread(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=1)
    payload = bot.payloads.slash(ALICE, "hint")  # in #general
    await bot.feed(payload)
    assert "提示 1/" in bot.last_in(thread).text()
    assert f"<#{thread}>" in private_text(bot, payload)
