"""Words only the Slack front end shows (button labels, the modal, App Home), in both languages.

Sentences the core says (notices, errors, help) come from `bot.core.i18n`; these are the labels
around Slack's own furniture.
"""

from __future__ import annotations

_TEXTS: dict[str, tuple[str, str]] = {
    "help.slack_prefix": (
        "在 Slack 里，命令都写在 /interview 后面，例如 `/interview start rag 3 5m`；"
        "加上 here 就在本频道的讨论串里面试。面试中也可以直接在私信或讨论串里回复答案。",
        "On Slack, every command follows /interview, e.g. `/interview start rag 3 5m`; add here "
        "to run the interview in a thread in this channel. During an interview, just reply in "
        "the DM or thread to answer.",
    ),
    "button.answer": ("作答", "Answer"),
    "button.hint": ("提示", "Hint"),
    "button.skip": ("跳过", "Skip"),
    "button.stop": ("结束", "Stop"),
    "button.too_low": ("评分偏低", "Grade too low"),
    "button.too_high": ("评分偏高", "Grade too high"),
    "button.start_review": ("开始复习", "Start review"),
    "button.forget_yes": ("确认删除", "Yes, delete"),
    "button.forget_no": ("取消", "Cancel"),
    "card.answer_by": ("请在 {time} 前作答（你的时区）", "Answer by {time} (your time zone)"),
    "card.how_to_answer": (
        "点「作答」填写答案，或直接在这里回复。",
        "Press Answer, or just reply here.",
    ),
    "daily.how_to_answer": (
        "点「作答」回答（也可以输入 `/interview daily 你的回答`）；反馈只有你能看到。",
        "Press Answer (or type `/interview daily your answer`); only you see the feedback.",
    ),
    "daily.see_thread": (
        "🔔 结果和参考答案已在频道里这道题的讨论串中揭晓。",
        "🔔 The results and the reference answer are revealed in this question's thread.",
    ),
    "config.off": (
        "  已停止（输入 /interview config daily <时间> 重新开启）",
        "  Off (type /interview config daily <time> to turn it back on)",
    ),
    "card.closed": ("本题已结束。", "This question is closed."),
    "modal.title": ("作答", "Your answer"),
    "modal.submit": ("提交", "Submit"),
    "modal.cancel": ("取消", "Cancel"),
    "modal.label": ("你的答案", "Your answer"),
    "modal.placeholder": (
        "用自己的话作答，覆盖要点即可（最多 3000 字）",
        "Answer in your own words; cover the key points (up to 3,000 characters)",
    ),
    "modal.empty": ("答案不能为空。", "The answer cannot be empty."),
    "modal.too_long": (
        "答案最多 {limit} 个字符，现在是 {length} 个。",
        "Answers are at most {limit} characters; this one has {length}.",
    ),
    "modal.not_saved": (
        "暂时没能确认保存你的答案，请稍后再提交一次（先复制好答案）。",
        "Your answer could not be confirmed as saved in time; please submit again in a "
        "moment (copy it first).",
    ),
    "modal.refused": (
        "这个答案没有被接受，什么都没有改变。",
        "This answer was not accepted; nothing was changed.",
    ),
    "start.in_dm": (
        "面试已在你和我的私信里开始，去那里作答吧。",
        "Your interview has started in your direct messages with me: answer there.",
    ),
    "start.here_card": (
        "🎤 <@{user}> 的模拟面试在本帖的讨论串里进行。",
        "🎤 <@{user}>'s mock interview runs in this thread.",
    ),
    "start.in_thread": (
        "面试已在本频道的讨论串里开始。",
        "Your interview has started in a thread in this channel.",
    ),
    "start.cannot_post_here": (
        "我没法在这个频道发消息：先用 /invite 邀请我进来，或者去掉 here 在私信里面试。",
        "I cannot post in this channel: /invite me first, or leave out here to run the "
        "interview in your direct messages.",
    ),
    "flow.elsewhere": (
        "已发到你的面试所在的位置：{where}",
        "Posted where your interview runs: {where}",
    ),
    "where.dm": ("私信", "your direct messages"),
    "where.thread": ("<#{channel}> 的讨论串", "a thread in <#{channel}>"),
    "config.admins_only": (
        "抱歉，只有工作区管理员可以修改每日一题的设置。",
        "Sorry, only workspace admins can change the daily challenge settings.",
    ),
    "home.title": ("模拟面试", "Mock interviews"),
    "home.reviews_due": ("到期复习：{count} 道", "Reviews due: {count}"),
    "home.no_reviews": ("暂无到期复习。", "No reviews due."),
    "home.how_to_start": (
        "在任意频道输入 `/interview start` 开始一场模拟面试，`/interview help` 查看全部命令。",
        "Type `/interview start` in any channel to begin a mock interview, "
        "`/interview help` for every command.",
    ),
    "fallback.question": (
        "第 {position}/{total} 题：{question}",
        "Q{position}/{total}: {question}",
    ),
    "fallback.feedback": ("第 {position} 题得分 {score}", "Question {position}: {score}"),
    "fallback.summary": ("面试小结", "Interview summary"),
    "feedback.reference_more": ("参考答案（续）", "Reference answer (continued)"),
}


def st(locale: str, key: str, /, **params: object) -> str:
    """A Slack-only text in `locale` (Chinese unless 'en')."""
    zh, en = _TEXTS[key]
    template = en if locale == "en" else zh
    return template.format(**params) if params else template


def keys() -> list[str]:
    return list(_TEXTS)
