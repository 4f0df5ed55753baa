"""Texts only the Discord front end shows (labels, command descriptions), in both languages.

Sentences the core says (notices, errors, verdicts) come from `bot.core.i18n`; what is here
names Discord's own furniture: buttons, the modal, slash-command descriptions, thread names.
"""

from __future__ import annotations

from bot.core.commands import Locale

_TEXTS: dict[str, tuple[str, str]] = {
    # ---- buttons and the modal -------------------------------------------------------------
    "button.answer": ("回答", "Answer"),
    "button.hint": ("提示", "Hint"),
    "button.skip": ("跳过", "Skip"),
    "button.stop": ("结束", "Stop"),
    "button.too_low": ("评分偏低", "Grade too low"),
    "button.too_high": ("评分偏高", "Grade too high"),
    "button.daily_answer": ("作答", "Answer"),
    "button.forget_yes": ("确认删除", "Yes, delete"),
    "button.forget_no": ("取消", "Cancel"),
    "modal.title": ("第 {position} 题 · 你的回答", "Question {position}: your answer"),
    "modal.daily_title": ("每日一题 · 你的回答", "Daily question: your answer"),
    "modal.label": ("回答（最多 {limit} 字）", "Answer (up to {limit} characters)"),
    "modal.placeholder": ("写下你的思路和要点……", "Explain your reasoning and key points…"),
    # ---- notices the core words for typed commands (its example is the console's grammar) ----
    "notice.no_session": (
        "你现在没有进行中的面试。用 `/interview start` 开始一场（主题、题数、每题时间都可以选）。",
        "You have no interview in progress. Begin one with `/interview start` (pick a topic, "
        "how many questions and the time for each).",
    ),
    # ---- cards -------------------------------------------------------------------------------
    "card.deadline": ("截止", "Due"),
    "card.deadline_value": ("{when}（限时 {limit}）", "{when} ({limit} limit)"),
    "card.state": ("状态", "Status"),
    "card.max": ("本题最高分", "Max score"),
    "card.answer_how": (
        "点击「回答」按钮作答。",
        "Press Answer to reply.",
    ),
    "card.answer_how_typed": (
        "点击「回答」按钮作答，或直接在本帖回复。",
        "Press Answer, or simply reply in this thread.",
    ),
    "card.closed": ("🔒 本题已结束", "🔒 This question is closed"),
    "feedback.reference_more": ("参考答案（续）", "Reference answer (continued)"),
    # ---- where the interview happens ---------------------------------------------------------
    "thread.name": ("{name} 的面试 · {topic}", "{name}'s interview · {topic}"),
    "thread.any_topic": ("综合", "mixed"),
    "thread.here": ("你的面试在这里：{thread}", "Your interview is here: {thread}"),
    "thread.posted": ("已发到你的面试里：{thread}", "Posted in your interview: {thread}"),
    "thread.dm_fallback": (
        "我不能在这个频道开私密子区，所以面试改在私信里进行，请查看私信。",
        "I can't open a private thread in this channel, so your interview is in your DMs.",
    ),
    "thread.dm_closed": (
        "我既不能在这里开私密子区，也不能给你发私信（请允许服务器成员私信你），面试没有开始。",
        "I can neither open a private thread here nor DM you (allow DMs from server members), "
        "so no interview was started.",
    ),
    "error.guild_only": (
        "这个命令需要在服务器的频道里使用。",
        "Use this command in a server channel.",
    ),
    "error.not_admin": (
        "只有拥有“管理服务器”权限的成员才能修改设置。",
        "Only members with the Manage Server permission can change the settings.",
    ),
    "error.unknown_button": (
        "这个按钮已失效。",
        "This button no longer works.",
    ),
    # ---- the daily challenge -----------------------------------------------------------------
    "daily.how": (
        "点击「作答」回答，反馈只有你能看到。",
        "Press Answer: only you see the feedback.",
    ),
    "config.none": (
        "本频道还没有设置每日一题。管理员可以用 `/interview config time:09:00` 开启。",
        "This channel has no daily question yet. An admin can start one with "
        "`/interview config time:09:00`.",
    ),
    "config.off": (
        "已停止（`/interview config time:…` 重新开启）",
        "Off (`/interview config time:…` turns it back on)",
    ),
    "forget.confirm": (
        "确定要删除你的全部数据吗？将删除：{attempts} 条作答、{sessions} 场面试、{reviews} 张复习卡片、"
        "{daily} 条每日一题答案，以及你的设置和名字。此操作无法撤销。",
        "Delete everything the bot keeps about you? This removes {attempts} answers, {sessions} "
        "interviews, {reviews} review cards, {daily} daily answers, your settings and your name. "
        "It cannot be undone.",
    ),
    "cmd.daily": ("本频道今天的每日一题", "Today's daily question in this channel"),
    "cmd.config": (
        "每日一题设置（管理员）；不带选项时查看设置",
        "Daily question settings (admins); with no options, show them",
    ),
    "cmd.forget-me": ("删除机器人保存的你的全部数据", "Delete everything the bot keeps about you"),
    "opt.daily_time": ("出题时间，如 09:00", "Posting time, e.g. 09:00"),
    "opt.timezone": ("时区（IANA，如 Asia/Shanghai）", "Time zone (IANA, e.g. Asia/Shanghai)"),
    "opt.days": ("出题日，如 mon-fri、daily", "Days, e.g. mon-fri, daily"),
    "opt.topics": ("主题，如 rag,fine-tuning 或 all", "Topics, e.g. rag,fine-tuning or all"),
    "opt.window": ("作答时长，如 24h、90m、next", "Answer window, e.g. 24h, 90m, next"),
    "opt.digest": ("每周一发周报", "A weekly digest on Mondays"),
    "opt.off": ("停止本频道的每日一题", "Turn this channel's daily question off"),
    "opt.show_name": ("公布结果时显示我的名字", "Show my name in daily reveals"),
    "choice.any": ("不限", "Any"),
    # ---- slash command descriptions (the Translator) -----------------------------------------
    "cmd.interview": ("LLM 岗模拟面试", "Mock interviews for LLM engineering roles"),
    "cmd.start": ("开始一场模拟面试", "Start a mock interview"),
    "cmd.answer": ("回答当前题目（打开回答框）", "Answer the current question (opens a form)"),
    "cmd.hint": ("给出一个要点（降低本题最高分）", "Reveal one key point (lowers the max score)"),
    "cmd.skip": ("跳过当前题目", "Skip the current question"),
    "cmd.stop": ("提前结束面试", "End the interview early"),
    "cmd.status": ("当前题目和剩余时间", "The current question and the time left"),
    "cmd.review": ("复习到期的错题", "Go over the questions due for review"),
    "cmd.mark": ("上一题评分偏低或偏高", "Your last grade was too low or too high"),
    "cmd.topics": ("可选主题及题量", "The topics and their question counts"),
    "cmd.leaderboard": ("本服务器排行榜", "This server's standings"),
    "cmd.stats": ("作答统计", "Attempts and averages"),
    "cmd.lang": ("切换语言", "Switch language"),
    "cmd.help": ("命令说明", "How the commands work"),
    "help.more": (
        "某个命令的详细说明：`/interview help command:start`",
        "Details of one command: `/interview help command:start`",
    ),
    "opt.topic": ("主题（可搜索）", "Topic (type to search)"),
    "opt.count": ("题数 1–20", "Number of questions, 1–20"),
    "opt.time": ("每题秒数 30–1800", "Seconds per question, 30–1800"),
    "opt.difficulty": ("难度", "Difficulty"),
    "opt.period": ("时间范围", "Period"),
    "opt.verdict": ("评分偏低还是偏高", "Was the grade too low or too high"),
    "opt.locale": ("语言", "Language"),
    "opt.command": ("命令名", "Command name"),
    "opt.member": ("查看哪位成员（默认你自己）", "Whose stats (default: yours)"),
    "choice.week": ("本周", "This week"),
    "choice.month": ("本月", "This month"),
    "choice.all": ("全部", "All time"),
    "choice.easy": ("简单", "Easy"),
    "choice.medium": ("中等", "Medium"),
    "choice.hard": ("困难", "Hard"),
    "choice.too_low": ("偏低", "Too low"),
    "choice.too_high": ("偏高", "Too high"),
    "choice.zh": ("中文", "Chinese"),
    "choice.en": ("英文", "English"),
}


def d(locale: Locale | str, key: str, **params: object) -> str:
    """The Discord-only text for `key` in `locale` (Chinese unless English), formatted."""
    zh, en = _TEXTS[key]
    text = en if str(locale).lower().startswith("en") else zh
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _TEXTS
