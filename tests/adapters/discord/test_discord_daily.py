"""The daily challenge on Discord, as an admin and members meet it: /interview config (admins
only), the post with its Answer button and modal, the answer count edited in, the reveal in a
thread on the post, /interview daily, the weekly digest on Monday, and forget-me with its
confirm button."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import transcript
from harness import GOOD, DiscordBot
from payloads import GENERAL, Member
from test_discord_interview import ALICE
from test_discord_refusals import BOB, private_text
from test_discord_transcript import readable

from bot.core import ids
from bot.core.ids import DailyAnswerAction

ADMIN = Member(750000000000000009, "admin", admin=True)
# The fake clock starts on Monday 2026-01-05 09:00 UTC = 17:00 in Shanghai.
DUE = datetime(2026, 1, 5, 9, 5, tzinfo=UTC)


async def configure(bot: DiscordBot, **options: object) -> None:
    payload = bot.payloads.slash(
        ADMIN, "config", time="17:05", timezone="Asia/Shanghai", window="2h", **options
    )
    await bot.feed(payload)
    assert "已保存" in private_text(bot, payload)


async def run_poster(bot: DiscordBot, when: datetime) -> None:
    """Let the daily poster do what is due at `when` (post, reveal)."""
    bot.clock.set(max(when, bot.clock.now()))
    await bot.core.daily_poster.tick()
    await bot.core.daily_poster.wait_idle()


async def post_today(bot: DiscordBot) -> int:
    """The poster's time comes: the id of today's post in #general."""
    await run_poster(bot, DUE)
    [post] = [m for m in bot.public(GENERAL) if m.custom_ids() and "daily" in m.custom_ids()[0]]
    return post.id


async def test_only_admins_configure_the_daily_question(bot: DiscordBot) -> None:
    refused = bot.payloads.slash(ALICE, "config", time="09:00")
    await bot.feed(refused)
    assert "只有工作区管理员" in private_text(bot, refused)
    shown = bot.payloads.slash(ALICE, "config")
    await bot.feed(shown)
    assert "还没有设置每日一题" in private_text(bot, shown)  # nothing changed
    await configure(bot)
    bad = bot.payloads.slash(ADMIN, "config", time="25:00")
    await bot.feed(bad)
    assert "25:00" in private_text(bot, bad)


async def test_timezone_autocomplete_offers_iana_names(bot: DiscordBot) -> None:
    payload = bot.payloads.autocomplete(ADMIN, "config", "timezone", "shang")
    await bot.feed(payload)
    choices = bot.fake.callbacks[int(payload["id"])]["data"]["choices"]
    assert [c["value"] for c in choices] == ["Asia/Shanghai"]


async def test_daily_post_answer_count_and_reveal(bot: DiscordBot) -> None:
    await configure(bot)
    post_id = await post_today(bot)
    post = bot.fake.messages[post_id]
    assert "每日一题" in post.text() and post.labels() == ["作答"]
    action = ids.decode(post.custom_ids()[0])
    assert isinstance(action, DailyAnswerAction)
    press = bot.payloads.button(ALICE, post, post.custom_ids()[0])
    await bot.feed(press)
    modal = bot.fake.callbacks[int(press["id"])]
    assert modal["type"] == 9 and modal["data"]["custom_id"] == post.custom_ids()[0]
    question_id = next(
        q.id for q in bot.core.interviews._bank.questions.values() if q.question in post.text()
    )
    submit = bot.payloads.modal(ALICE, post.custom_ids()[0], GOOD[question_id], message=post)
    await bot.feed(submit)
    assert "得分" in private_text(bot, submit)  # feedback only the answerer sees
    await bot.core.daily_poster.wait_idle()
    assert "已有 1 人作答" in bot.fake.messages[post_id].text()  # the count, edited in
    again = bot.payloads.modal(ALICE, post.custom_ids()[0], "再答一次", message=post)
    await bot.feed(again)
    assert "已经回答过" in private_text(bot, again)
    today = bot.payloads.slash(BOB, "daily")
    await bot.feed(today)
    assert "answered so far" in private_text(bot, today)
    await run_poster(bot, DUE + timedelta(hours=2, minutes=1))  # the window closes
    reveal = [m for m in bot.public(post_id)]  # the thread under the post has the post's id
    assert reveal and "揭晓" in reveal[0].text() and "参考答案" in reveal[-1].text()
    assert bot.fake.channels[post_id]["type"] == 11
    closed = bot.fake.messages[post_id]
    assert closed.custom_ids() == [] and "已截止" in closed.text()


async def answer_today(bot: DiscordBot, post_id: int, answers: dict[Member, str]) -> str:
    """Members press Answer on today's post and submit the modal (GOOD, or the text given).
    The button's custom_id (a modal opened before the close still carries it)."""
    post = bot.fake.messages[post_id]
    question_id = next(
        q.id for q in bot.core.interviews._bank.questions.values() if q.question in post.text()
    )
    for member, text in answers.items():
        answer = GOOD[question_id] if text == "good" else text
        await bot.feed(bot.payloads.modal(member, post.custom_ids()[0], answer, message=post))
    await bot.core.daily_poster.wait_idle()
    return post.custom_ids()[0]


async def test_the_weekly_digest_is_posted_on_monday_before_the_question(bot: DiscordBot) -> None:
    await configure(bot, digest=True)
    await bot.feed(bot.payloads.slash(ADMIN, "config", show_name=True))
    post_id = await post_today(bot)
    await answer_today(bot, post_id, {ADMIN: "good", ALICE: "不知道", BOB: "不知道"})
    await run_poster(bot, DUE + timedelta(days=7))  # the next Monday, 17:05 in Shanghai
    digest, card = bot.public(GENERAL)[-2:]
    assert card.labels() == ["作答"] and "2026-01-12" in card.text()
    text = digest.text()
    assert digest.labels() == [] and digest.embeds[0]["title"].startswith("📊 每周小结")
    assert "2026-01-05 至 2026-01-11" in text
    assert "1. admin — " in text and "一位成员" not in text.split("进步最大")[0]  # no points
    assert "进步最大：暂无" in text  # one week of history only
    assert "最难的题：2026-01-05 的每日一题" in text and "3 人作答" in text
    await run_poster(bot, DUE + timedelta(days=7, minutes=1))
    assert sum("每周小结" in m.text() for m in bot.public(GENERAL)) == 1


async def test_forget_me_asks_first_and_the_button_confirms(bot: DiscordBot) -> None:
    thread = 0
    await bot.feed(bot.payloads.slash(ALICE, "start", topic="rag", count=1))
    thread = int(bot.fake.threads()[-1]["id"])
    card = bot.last_in(thread)
    await bot.feed(bot.payloads.button(ALICE, card, card.custom_ids()[2]))  # skip: 1 answer
    ask = bot.payloads.slash(ALICE, "forget-me")
    await bot.feed(ask)
    [confirm] = bot.fake.replies_to(ask["token"])
    assert confirm.ephemeral and confirm.labels() == ["确认删除", "取消"]
    cancel = bot.payloads.button(ALICE, confirm, confirm.custom_ids()[1])
    await bot.feed(cancel)
    assert "什么都没有删除" in bot.fake.messages[confirm.id].text()
    ask = bot.payloads.slash(ALICE, "forget-me")
    await bot.feed(ask)
    [confirm] = bot.fake.replies_to(ask["token"])
    await bot.feed(bot.payloads.button(ALICE, confirm, confirm.custom_ids()[0]))
    done = bot.fake.messages[confirm.id]
    assert "已删除" in done.text() and done.custom_ids() == []
    stats = bot.payloads.slash(ALICE, "stats")
    await bot.feed(stats)
    assert "还没有完成过题目" in private_text(bot, stats)


async def test_admin_run_transcript(bot: DiscordBot) -> None:
    await bot.feed(bot.payloads.slash(ADMIN, "config"))
    await configure(bot, digest=True)
    await bot.feed(bot.payloads.slash(ADMIN, "config", show_name=True))
    post_id = await post_today(bot)
    post = bot.fake.messages[post_id]
    button = await answer_today(bot, post_id, {ADMIN: "good", ALICE: "不知道"})
    await bot.feed(bot.payloads.slash(ALICE, "daily"))
    await bot.feed(bot.payloads.modal(BOB, button, "大概是把文档切成小块？", message=post))
    await bot.core.daily_poster.wait_idle()
    await run_poster(bot, DUE + timedelta(hours=2, minutes=1))
    await bot.feed(bot.payloads.slash(ADMIN, "leaderboard"))
    await run_poster(bot, DUE + timedelta(days=7))  # next Monday: the digest, then the question
    await bot.feed(bot.payloads.slash(ADMIN, "config", off=True))
    await bot.feed(bot.payloads.slash(ALICE, "forget-me"))
    path = transcript.write(
        "admin", bot.fake, {GENERAL: "#general", post_id: "thread on the daily post"}
    )
    text = path.read_text(encoding="utf-8")
    readable(text)
    assert "每日一题" in text and "揭晓" in text and "每周小结" in text
