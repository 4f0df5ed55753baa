"""The daily challenge's texts, zh-CN and English; part of the one catalogue in bot.core.i18n."""

from __future__ import annotations

_HELP_DAILY_ZH = """\
daily / 每日                  本频道今天的每日一题（已作答的话附上你的得分）
daily <回答> / 每日 <回答>     回答本频道今天的每日一题（每人只计一次分，反馈只有你能看到）
  · 作答截止后会在本频道公布参考答案、作答人数、分数分布和最高分
  · 连续在频道的出题日答题且得分 ≥ 60 会累计连胜（stats 查看）"""

_HELP_DAILY_EN = """\
daily                   today's daily question in this channel (with your score if you answered)
daily <answer>          answer today's daily question (scored once per member; only you see
                        the feedback)
  · when answers close, the reference answer, the number of answers, the score spread and the
    best scores are posted in the channel
  · answering on consecutive posting days with a score of 60 or more builds a streak (see stats)"""

_HELP_CONFIG_ZH = """\
config daily <时间> [键=值 …]   设置本频道的每日一题（仅工作区管理员），例如：
    config daily time=09:00 tz=Asia/Shanghai days=mon-fri topics=rag,fine-tuning difficulty=2 window=24h
  · time=：本地时间 HH:MM（00:00–23:59），也可直接写 config daily 09:00
  · timezone= / tz=：IANA 时区名，如 Asia/Shanghai、Europe/London（默认为机器人设置的时区）
  · days=：mon-fri、mon,wed,fri、weekdays、weekends、daily（默认每天）
  · topics=：主题 id 或名称，逗号分隔；all 表示全部主题（默认）
  · difficulty=：1–3 或 easy/medium/hard；any 表示不限（默认）
  · window=：作答时长，5m–7d，如 90m、24h；next 表示到下一次出题为止（默认）
  · digest=on|off：每周一在出题时间、当天的题之前发上周小结（积分前 5 名、进步最大、最难的题）
config daily off                停止本频道的每日一题（设置保留）
config show                     查看本频道的设置和你自己的设置
config me show-name=on|off      公布结果时是否显示你的名字（默认不显示，只写“一位成员”）"""

_HELP_CONFIG_EN = """\
config daily <time> [key=value …]   set this channel's daily question (workspace admins), e.g.
    config daily time=09:00 tz=Asia/Shanghai days=mon-fri topics=rag,fine-tuning difficulty=2 window=24h
  · time=: local time HH:MM (00:00–23:59); config daily 09:00 works too
  · timezone= / tz=: an IANA zone name such as Asia/Shanghai, Europe/London (default: the bot's configured zone)
  · days=: mon-fri, mon,wed,fri, weekdays, weekends, daily (default: every day)
  · topics=: topic ids or names, comma-separated; all for every topic (default)
  · difficulty=: 1–3 or easy/medium/hard; any for no filter (default)
  · window=: how long answers stay open, 5m–7d, e.g. 90m, 24h; next: until the next post (default)
  · digest=on|off: last week's digest every Monday at the post time, before the question
    (top 5 by points, most improved, hardest question)
config daily off                    stop this channel's daily question (the settings are kept)
config show                         this channel's settings and your own
config me show-name=on|off          whether reveals may show your name (default: "a member")"""

DAILY_CATALOGUE: dict[str, tuple[str, str]] = {
    "help.daily": (_HELP_DAILY_ZH, _HELP_DAILY_EN),
    "help.config": (_HELP_CONFIG_ZH, _HELP_CONFIG_EN),
    "help.forget-me": (
        "forget-me / 删除我的数据\n  删除你在本工作区的全部数据（作答、面试、复习卡片、每日一题答案、"
        "设置和名字），需要再确认一次：forget-me confirm；取消：forget-me cancel。",
        "forget-me\n  Deletes everything the bot keeps about you in this workspace (answers, "
        "interviews, review cards, daily answers, settings and your name), after a confirmation: "
        "forget-me confirm; forget-me cancel to keep it.",
    ),
    # ---- the daily card and its reveal -----------------------------------------------------
    "daily.header": (
        "📅 每日一题 · {date} · {topic} · {difficulty}",
        "📅 Daily question · {date} · {topic} · {difficulty}",
    ),
    "daily.feedback_header": (
        "每日一题 · 得分 {score}/{max} · +{points} 积分",
        "Daily question · score {score}/{max} · +{points} points",
    ),
    "daily.closes": ("作答截止：{when}", "Answers close: {when}"),
    "daily.answers": ("已有 {count} 人作答", "{count} answered so far"),
    "daily.closed": ("作答已截止", "Answers are closed"),
    "daily.your_score": ("你的得分：{score}/100", "Your score: {score}/100"),
    "daily.how_to_answer": (
        "（输入 daily <你的回答> 作答；反馈只有你能看到）",
        "(type daily <your answer> to answer; only you see the feedback)",
    ),
    "reveal.header": (
        "🔔 每日一题揭晓 · {date} · {topic} · {difficulty}",
        "🔔 Daily question revealed · {date} · {topic} · {difficulty}",
    ),
    "reveal.answers": ("共 {count} 人作答", "{count} answered"),
    "reveal.nobody": ("这次没有人作答。", "Nobody answered this time."),
    "reveal.distribution": ("分数分布：", "Score spread:"),
    "reveal.band": ("{low}–{high}：{count}", "{low}–{high}: {count}"),
    "reveal.best": ("最高分：", "Best scores:"),
    "reveal.entry": ("{rank}. {name} · {score}", "{rank}. {name} · {score}"),
    "reveal.anonymous": ("一位成员", "a member"),
    "reveal.reference": ("参考答案：", "Reference answer:"),
    "stats.streak": (
        "每日一题连胜：当前 {current} 天，最佳 {best} 天",
        "Daily streak: {current} now, best {best}",
    ),
    # ---- the weekly digest -----------------------------------------------------------------
    "digest.header": (
        "📊 每周小结 · {first} 至 {last}",
        "📊 Weekly digest · {first} to {last}",
    ),
    "digest.totals": (
        "上周完成题目：{attempts} 道 · 参与成员：{members} 人",
        "Questions finished last week: {attempts} · members taking part: {members}",
    ),
    "digest.top": ("上周积分榜：", "Points last week:"),
    "digest.no_points": ("上周没有人拿到积分。", "Nobody earned points last week."),
    "digest.improved": (
        "📈 进步最大：{name}，平均分比前一周从 {before} 升到 {after}"
        "（只比较两周各完成至少 {min} 题的成员）",
        "📈 Most improved: {name}, average score up from {before} the week before to {after} "
        "(among members with at least {min} questions finished in each week)",
    ),
    "digest.improved_none": (
        "📈 进步最大：暂无。连续两周各完成至少 {min} 题、平均分上升最多的人会出现在这里。",
        "📈 Most improved: nobody yet. Whoever finishes at least {min} questions in each of two "
        "weeks and raises their average score the most shows up here.",
    ),
    "digest.hardest": (
        "🧗 最难的题：{date} 的每日一题 · {topic} · {difficulty}，平均 {average} 分（{answers} 人作答）",
        "🧗 Hardest question: the daily question of {date} · {topic} · {difficulty}, average "
        "score {average} ({answers} answered)",
    ),
    "digest.hardest_none": (
        "🧗 最难的题：暂无（上周本频道没有至少 {min} 人作答的每日一题）。",
        "🧗 Hardest question: none (no daily question here had {min} or more answers last week).",
    ),
    # ---- configuration ---------------------------------------------------------------------
    "config.none": (
        "本频道还没有设置每日一题。管理员可以发送：config daily 09:00",
        "This channel has no daily question yet. An admin can send: config daily 09:00",
    ),
    "config.header": ("本频道的每日一题：", "This channel's daily question:"),
    "config.schedule": (
        "  时间：{time}（{timezone}） · 出题日：{days}",
        "  Time: {time} ({timezone}) · days: {days}",
    ),
    "config.pool": (
        "  主题：{topics} · 难度：{difficulty}",
        "  Topics: {topics} · difficulty: {difficulty}",
    ),
    "config.window": (
        "  作答时长：{window} · 每周小结：{digest}",
        "  Answers open: {window} · weekly digest: {digest}",
    ),
    "config.next": ("  下一次出题：{when}", "  Next post: {when}"),
    "config.off": (
        "  已停止（config daily <时间> 重新开启）",
        "  Off (config daily <time> turns it back on)",
    ),
    "config.disabled": (
        "  已被机器人停止：{reason}",
        "  Turned off by the bot: {reason}",
    ),
    "config.every_day": ("每天", "every day"),
    "config.day_mon": ("周一", "Mon"),
    "config.day_tue": ("周二", "Tue"),
    "config.day_wed": ("周三", "Wed"),
    "config.day_thu": ("周四", "Thu"),
    "config.day_fri": ("周五", "Fri"),
    "config.day_sat": ("周六", "Sat"),
    "config.day_sun": ("周日", "Sun"),
    "config.all_topics": ("全部", "all"),
    "config.any_difficulty": ("不限", "any"),
    "config.until_next": ("到下一次出题为止", "until the next post"),
    "config.on": ("开", "on"),
    "config.off_word": ("关", "off"),
    "config.me": ("你的设置：公布结果时{shown}你的名字", "Your setting: reveals {shown} your name"),
    "config.me_shown": ("显示", "show"),
    "config.me_hidden": ("不显示", "do not show"),
    # The settings shown below it say when the next post is due.
    "notice.daily_saved": ("已保存。", "Saved."),
    "notice.daily_off": ("已停止本频道的每日一题。", "This channel's daily question is off."),
    "notice.daily_not_configured": (
        "本频道没有开启每日一题，无需关闭。",
        "This channel has no daily question to turn off.",
    ),
    "notice.daily_disabled": (
        "频道 {channel} 的每日一题已自动停止：{reason}。重新邀请机器人或修好权限后，"
        "在该频道发送 config daily <时间> 即可重新开启。",
        "The daily question in channel {channel} was turned off: {reason}. Once the bot is back "
        "in the channel, send config daily <time> there to turn it on again.",
    ),
    "notice.show_name_on": (
        "好的：公布每日一题结果时会显示你的名字。",
        "Done: daily reveals will show your name.",
    ),
    "notice.show_name_off": (
        "好的：公布每日一题结果时不会显示你的名字，只写“一位成员”。",
        'Done: daily reveals will not show your name, only "a member".',
    ),
    "notice.daily_none": (
        "本频道今天还没有每日一题。",
        "There is no daily question in this channel yet today.",
    ),
    "notice.daily_closed": (
        "这道每日一题的作答已经截止，下面是揭晓结果。",
        "Answers to this daily question are closed; here is the reveal.",
    ),
    "notice.daily_already_answered": (
        "你已经回答过这道每日一题了（得分 {score}/100），每人只计一次分。",
        "You already answered this daily question (score {score}/100); one answer counts per member.",
    ),
    # ---- forget-me -------------------------------------------------------------------------
    "forget.confirm": (
        "确定要删除你的全部数据吗？将删除：{attempts} 条作答、{sessions} 场面试、"
        "{review_cards} 张复习卡片、{daily_answers} 条每日一题答案，以及你的设置和名字。"
        "此操作无法撤销。",
        "Delete everything the bot keeps about you? This removes answers: {attempts}, interviews: "
        "{sessions}, review cards: {review_cards}, daily answers: {daily_answers}, and your "
        "settings and name. It cannot be undone.",
    ),
    "notice.forget_cancelled": ("已取消，什么都没有删除。", "Cancelled; nothing was deleted."),
    "notice.forgotten": (
        "已删除：{attempts} 条作答、{sessions} 场面试、{review_cards} 张复习卡片、"
        "{daily_answers} 条每日一题答案，以及你的设置和名字。排行榜上不会再出现你。",
        "Deleted answers: {attempts}, interviews: {sessions}, review cards: {review_cards}, "
        "daily answers: {daily_answers}, and your settings and name. Boards no longer show you.",
    ),
    # ---- errors ----------------------------------------------------------------------------
    "error.daily_not_admin": (
        "只有工作区管理员可以设置每日一题，什么都没有改变。",
        "Only workspace admins can set up the daily question; nothing was changed.",
    ),
    "error.daily_needs_channel": (
        "请在要发每日一题的频道里发送这个命令（私信里不行）。",
        "Send this in the channel that should get the daily question (not in a DM).",
    ),
    "error.daily_bad_time": (
        "时间“{value}”不对：请写 00:00–23:59 之间的 HH:MM，例如 09:00。什么都没有改变。",
        '"{value}" is not a time: use HH:MM between 00:00 and 23:59, e.g. 09:00. Nothing was '
        "changed.",
    ),
    "error.daily_time_required": (
        "第一次设置需要给出时间，例如：config daily 09:00",
        "The first setup needs a time, e.g. config daily 09:00",
    ),
    "error.daily_bad_timezone": (
        "时区“{value}”不存在：请写 IANA 时区名，例如 Asia/Shanghai、Europe/London、"
        "America/New_York。什么都没有改变。",
        '"{value}" is not a time zone: use an IANA name such as Asia/Shanghai, Europe/London, '
        "America/New_York. Nothing was changed.",
    ),
    "error.daily_bad_days": (
        "出题日“{value}”看不懂：可以写 mon-fri、mon,wed,fri、weekdays、weekends 或 daily"
        "（mon tue wed thu fri sat sun）。什么都没有改变。",
        '"{value}" is not a set of days: use mon-fri, mon,wed,fri, weekdays, weekends or daily '
        "(mon tue wed thu fri sat sun). Nothing was changed.",
    ),
    "error.daily_unknown_topic": (
        "没有叫“{value}”的主题。可选：{topics}（或 all）。什么都没有改变。",
        'There is no topic called "{value}". Choose from: {topics} (or all). Nothing was changed.',
    ),
    "error.daily_bad_difficulty": (
        "难度“{value}”不对：请写 1–3、easy/medium/hard 或 any。什么都没有改变。",
        '"{value}" is not a difficulty: use 1–3, easy/medium/hard or any. Nothing was changed.',
    ),
    "error.daily_bad_window": (
        "作答时长“{value}”不对：请写 5m 到 7d 之间的时长，例如 90m、24h，或 next"
        "（到下一次出题为止）。什么都没有改变。",
        '"{value}" is not an answer window: use a duration from 5m to 7d, e.g. 90m, 24h, or '
        "next (until the next post). Nothing was changed.",
    ),
    "error.config_usage": (
        "用法：config daily <时间> [键=值 …]、config daily off、config show、config me show-name=on|off"
        "（help config 查看详情）",
        "Usage: config daily <time> [key=value …], config daily off, config show, config me "
        "show-name=on|off (see help config)",
    ),
    "error.bad_config_key": (
        "config daily 不认识“{key}”：可用 time、timezone（tz）、days、topics、difficulty、window、"
        "digest，或 off。什么都没有改变。",
        'config daily does not know "{key}": use time, timezone (tz), days, topics, difficulty, '
        "window, digest, or off. Nothing was changed.",
    ),
    "error.bad_switch": (
        "{key} 只能是 on 或 off（你写的是“{value}”）。",
        '{key} is on or off (you wrote "{value}").',
    ),
    "error.bad_forget": (
        "forget-me 后面只能跟 confirm 或 cancel（你写的是“{value}”）。",
        'forget-me takes confirm or cancel (you wrote "{value}").',
    ),
}
