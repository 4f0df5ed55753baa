"""What only the console says: its prompts and goodbyes, in both languages.

Chat front ends have buttons and their own words for these; the core's catalogue keeps what
every front end shares.
"""

from __future__ import annotations

from bot.core.i18n import Catalogue

TEXTS = Catalogue(
    {
        "card.how_to_answer": (
            "直接回复你的答案（hint 提示 · skip 跳过 · stop 结束）",
            "Reply with your answer (hint · skip · stop)",
        ),
        "feedback.mark_hint": (
            "觉得评分不准？发送 mark low（偏低）或 mark high（偏高）。",
            "Grade off? Send mark low (too low) or mark high (too high).",
        ),
        # Chat front ends ask with buttons; the console is answered by typing.
        "forget.how": (
            "确认请发送 forget-me confirm，取消请发送 forget-me cancel。",
            "Send forget-me confirm to go ahead, forget-me cancel to keep it.",
        ),
        "console.eof_waiting": (
            "输入已结束；等待本场面试结束（剩余题目会按时超时）。按 Ctrl-C 退出。",
            "Input ended; waiting for the interview to finish (remaining questions will time out). "
            "Ctrl-C to quit.",
        ),
        "console.bye": (
            "再见！进行中的面试会保留，再次运行 interview-bot console 即可继续。",
            "Bye! An interview in progress is kept; run interview-bot console again to go on.",
        ),
        "console.bye_idle": ("再见！", "Bye!"),
        "console.help_exit": (
            "  （控制台里输入 exit / 退出 离开，进行中的面试会保留）",
            "  (in the console, exit leaves; an interview in progress is kept)",
        ),
    }
)
