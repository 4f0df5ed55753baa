"""Every user-facing string, in Simplified Chinese (the default) and English.

Logic never hard-codes text: it picks a key and passes parameters. `t(locale, key, **params)`
formats with str.format; a test checks both languages have every key with the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from bot.core.commands import Locale
from bot.core.daily.texts import DAILY_CATALOGUE

_T = TypeVar("_T")

DEFAULT_LOCALE: Locale = "zh-CN"
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")

_HELP_OVERVIEW_ZH = """\
命令（中英文均可，如 start / 开始）：
  start [主题] [题数] [时间]   开始一场模拟面试，例如：start rag 3 5m
  answer <回答>               回答当前题目（直接输入的文字也算回答）
  hint / 提示                 给出一个要点，本题最高分 -20（最低 40）
  skip / 跳过                 本题 0 分，显示参考答案，进入下一题
  stop / 结束                 提前结束本场面试并显示总结
  review / 复习               复习到期的错题（按间隔重复安排），例如：review 3
  mark low|high / 自评        上一道已作答题目的评分偏低或偏高：记录下来并调整复习时间（不改积分）
  status / 状态               当前题目和剩余时间
  topics / 主题               可选主题及题量
  leaderboard [week|month|all] / 排行榜   本工作区排行榜（默认本周）
  stats / 战绩                你的作答统计，最弱主题在前，以及每日一题连胜
  daily [回答] / 每日          本频道的每日一题；带上文字即作答
  config … / 设置             每日一题设置（help config）；config me show-name=on|off
  forget-me / 删除我的数据     删除你的全部数据（需再确认）
  lang zh|en / 语言           切换语言
  help [命令] / 帮助          查看某个命令的详细说明，例如：help start"""

_HELP_OVERVIEW_EN = """\
Commands (English or Chinese, e.g. start / 开始):
  start [topic] [count] [time]   start a mock interview, e.g. start rag 3 5m
  answer <text>                  answer the current question (plain text is an answer too)
  hint                           reveal one key point; this question's max score -20 (floor 40)
  skip                           score 0, show the reference answer, next question
  stop                           end the interview early and show the summary
  review                         go over the questions due for review, e.g. review 3
  mark low|high                  your last grade was too low/high: noted, moves the review
                                 schedule (never your points)
  status                         the current question and the time left
  topics                         the topics you can choose, with question counts
  leaderboard [week|month|all]   your workspace's standings (default: this week)
  stats                          your attempts and averages, weakest topic first, and
                                 your daily streak
  daily [answer]                 this channel's daily question; with text, your answer
  config …                       daily question settings (help config); config me
                                 show-name=on|off
  forget-me                      delete everything the bot keeps about you (asks first)
  lang zh|en                     switch language
  help [command]                 details of one command, e.g. help start"""

_HELP_START_ZH = """\
start [主题] [题数] [时间] [难度]
  · 主题：id、中文名、英文名或别名，例如 rag、RAG与应用、量化（用 topics 查看全部）
  · 题数：1–20 的整数（默认 5），也可写 5题
  · 时间：每题秒数 30–1800（默认 300）；30 以上的裸数字是秒数，也可带单位：90s、5m、1.5m、2m30s、5分钟
  · 21–29 的裸数字有歧义，会被拒绝（题数最多 20，时间请写 30 秒以上）
  · 难度：easy/medium/hard 或 简单/中等/困难
  · 也可写成键值：start topic=rag count=5 time=300 difficulty=2（含空格的值加引号：topic="RAG and applications"）
  · 顺序随意；优先出你没做过的题；每人同时只能有一场面试"""

_HELP_START_EN = """\
start [topic] [count] [time] [difficulty]
  · topic: id, Chinese or English name, or alias, e.g. rag, RAG与应用, quantisation (see topics)
  · count: a whole number 1–20 (default 5), also 5题
  · time per question: 30–1800 seconds (default 300); a bare number of 30 or more is seconds,
    or give a unit: 90s, 5m, 1.5m, 2m30s, 5分钟
  · a bare number 21–29 is ambiguous and refused (count is at most 20; time is 30 s or more)
  · difficulty: easy/medium/hard or 简单/中等/困难
  · or as keys: start topic=rag count=5 time=300 difficulty=2 (quote values with spaces:
    topic="RAG and applications")
  · any order; questions you have not seen come first; one interview at a time per member"""

_CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- help ------------------------------------------------------------------------------
    "help.overview": (_HELP_OVERVIEW_ZH, _HELP_OVERVIEW_EN),
    "help.start": (_HELP_START_ZH, _HELP_START_EN),
    "help.answer": (
        "answer <回答>\n  回答当前题目。直接输入的文字也算回答；若你的回答恰好以命令词开头"
        "（如 stop、hint），请加上 answer 前缀。一行即一个回答，最长 {limit} 字符。",
        "answer <text>\n  Answers the current question. Any line that is not a command is an "
        "answer too; if your answer starts with a command word (stop, hint …), prefix it with "
        "answer. One line is one answer, at most {limit} characters.",
    ),
    "help.hint": (
        "hint / 提示\n  按顺序给出本题的下一个要点。每用一次，本题最高分降低 {penalty} 分，"
        "最低降到 {floor} 分；得分不会超过最高分。",
        "hint\n  Reveals the question's next key point. Each hint lowers this question's maximum "
        "score by {penalty}, down to {floor}; your score never exceeds the maximum.",
    ),
    "help.skip": (
        "skip / 跳过\n  本题记 0 分，显示参考答案，然后出下一题。",
        "skip\n  Scores 0 for this question, shows the reference answer, asks the next one.",
    ),
    "help.stop": (
        "stop / 结束\n  提前结束本场面试：当前题不计分，显示参考答案和本场总结。",
        "stop\n  Ends the interview early: the current question is not scored; shows its "
        "reference answer and the summary.",
    ),
    "help.review": (
        "review [主题] [题数] [时间] / 复习\n  答得不好的题会按间隔重复（FSRS）安排复习：几小时后、"
        "一天后，再逐渐拉长。review 开始一场只包含到期题目的面试（默认最多 5 题，每题 300 秒），"
        "可以限定主题和题数，例如 review rag 3。stats 会显示有几道题到期。",
        "review [topic] [count] [time]\n  Questions you answered badly come back on a spaced-"
        "repetition (FSRS) schedule: hours later, a day later, then further apart. review starts "
        "an interview of just your due questions (up to 5 by default, 300 s each); narrow it by "
        "topic or count, e.g. review rag 3. stats shows how many are due.",
    ),
    "help.mark": (
        "mark low|high / 自评 偏低|偏高\n  觉得上一道已作答题目的自动评分偏低（low）或偏高（high）"
        "时使用。你的判断会和自动评分一起保存（用来改进评分器），并调整这道题的复习时间："
        "偏低 → 晚些再复习，偏高 → 早些复习。排行榜积分不会因此改变。",
        "mark low|high\n  Use it when the automatic grade of your last answered question was "
        "too low (low) or too high (high). Your view is stored beside the grade (to calibrate the "
        "grader) and moves that question's review: too low → reviewed later, too high → sooner. "
        "Leaderboard points never change.",
    ),
    "help.status": (
        "status / 状态\n  显示当前题目、进度和剩余时间。",
        "status\n  Shows the current question, progress and time left.",
    ),
    "help.topics": (
        "topics / 主题\n  列出可选主题（id、中英文名）和每个主题的题量。",
        "topics\n  Lists the topics (id, Chinese and English names) and their question counts.",
    ),
    "help.leaderboard": (
        "leaderboard [week|month|all] / 排行榜 [周|月|全部]\n  本工作区的积分排行（默认本周）。"
        "每题积分 = 得分/100 × 难度权重（简单 10、中等 20、困难 30）；同一道题再答（复习等）"
        "只计超出你之前最好成绩的部分。",
        "leaderboard [week|month|all]\n  Your workspace's standings (default: this week). "
        "Points per question = score/100 × difficulty weight (easy 10, medium 20, hard 30); a "
        "question answered again (a review …) earns only what beats your best on it.",
    ),
    "help.stats": (
        "stats / 战绩\n  你的作答题数、平均分、积分，以及按主题的平均分（最弱在前）。",
        "stats\n  Your attempts, average score, points, and average by topic (weakest first).",
    ),
    "help.lang": (
        "lang zh|en / 语言 中文|英文\n  切换机器人对你使用的语言（会被记住）。",
        "lang zh|en\n  Switches the language the bot uses with you (remembered).",
    ),
    "help.help": (
        "help [命令] / 帮助\n  不带参数显示全部命令；help start 显示 start 的详细规则。",
        "help [command]\n  Without a command, lists all commands; help start shows start's rules.",
    ),
    # ---- labels used by renderers ----------------------------------------------------------
    "difficulty.1": ("简单", "easy"),
    "difficulty.2": ("中等", "medium"),
    "difficulty.3": ("困难", "hard"),
    "duration.seconds": ("{s} 秒", "{s}s"),
    "duration.minutes": ("{m} 分 {s} 秒", "{m}m {s}s"),
    "duration.whole_minutes": ("{m} 分钟", "{m} min"),
    "duration.hours": ("{h} 小时", "{h} h"),
    "duration.days": ("{d} 天", "{d} day(s)"),
    "card.header": (
        "第 {position}/{total} 题 · {topic} · {difficulty}",
        "Question {position}/{total} · {topic} · {difficulty}",
    ),
    "card.time_left": ("剩余时间 {time}", "Time left: {time}"),
    "card.max_score": ("本题最高 {max} 分", "Max score now: {max}"),
    "card.hints": ("已给提示：", "Hints so far:"),
    "hint.header": (
        "提示 {number}/{available}：{point}",
        "Hint {number}/{available}: {point}",
    ),
    "hint.max_score": (
        "本题最高分降为 {max}，剩余时间 {time}",
        "This question can now score at most {max}; time left {time}",
    ),
    "feedback.header": (
        "第 {position}/{total} 题 · 得分 {score}/{max} · +{points} 积分 · 用时 {time}",
        "Question {position}/{total} · score {score}/{max} · +{points} points · {time}",
    ),
    "feedback.question": ("题目：{question}", "Question: {question}"),
    "feedback.earlier_points": (
        "这道题你之前已得 {points} 积分：再答只计超出的部分（得分照常记录）。",
        "You earned {points} points on this question before: only what beats that counts again "
        "(the score is recorded as usual).",
    ),
    "feedback.covered": ("✅ 答到的要点", "✅ Covered"),
    "feedback.matched": ("（命中：{words}）", " (matched: {words})"),
    "feedback.missed": ("❌ 漏掉的要点", "❌ Missed"),
    "feedback.reference": ("参考答案：", "Reference answer:"),
    "feedback.grader": ("评分：{grader}", "Graded by {grader}"),
    "feedback.refined": (
        "🔄 评审模型复核了你的回答，评分已更新：",
        "🔄 The judge model re-read your answer; the grade is updated:",
    ),
    "feedback.judge_pending": (
        "评审模型正在复核，稍后可能更新评分。",
        "The judge model is re-reading it; the grade may be updated shortly.",
    ),
    "feedback.offline": (
        "机器人离线期间这道题的时间已到，记 0 分。",
        "This question's time ran out while the bot was offline; it scores 0.",
    ),
    "verdict.excellent": ("非常好：要点基本都答到了。", "Excellent: nearly every key point."),
    "verdict.good": ("不错：大部分要点答到了。", "Good: most of the key points."),
    "verdict.partial": ("部分答到：还漏了几个要点。", "Partial: several key points missing."),
    "verdict.weak": ("偏弱：大部分要点没有答到。", "Weak: most key points are missing."),
    "verdict.empty": ("没有作答或没有实际内容。", "No real answer given."),
    "verdict.unknown": ("已评分。", "Graded."),
    "verdict.skipped": ("已跳过，本题 0 分。", "Skipped: this question scores 0."),
    "verdict.expired": ("时间到，本题 0 分。", "Time is up: this question scores 0."),
    "verdict.stopped": ("面试已结束，本题不计分。", "Interview stopped: not scored."),
    "guard.empty": ("回答是空的。", "The answer is empty."),
    "guard.dont-know": ("回答表示不知道。", "The answer says you don't know."),
    "guard.repeats-question": ("回答主要在复述题目。", "The answer mostly repeats the question."),
    "guard.off-topic": ("回答和题目关系不大。", "The answer is mostly off-topic."),
    "guard.keyword-list": (
        "只罗列了关键词、没有解释，得分打了折扣。",
        "A bare list of keywords without explanation scores less.",
    ),
    "outcome.answered": ("已作答", "answered"),
    "outcome.skipped": ("跳过", "skipped"),
    "outcome.expired": ("超时", "timed out"),
    "outcome.stopped": ("中止", "stopped"),
    "outcome.asking": ("未作答", "not answered"),
    "summary.finished": ("面试结束，总结：", "Interview finished. Summary:"),
    "summary.stopped": ("面试已提前结束，总结：", "Interview stopped early. Summary:"),
    "summary.line": (
        "{position}. [{topic}] {question} — {score}/{max} · {time} · {outcome}",
        "{position}. [{topic}] {question} — {score}/{max} · {time} · {outcome}",
    ),
    "summary.none": (
        "本场 {planned} 题都没有作答，不计分。",
        "None of the {planned} questions was answered; nothing was scored.",
    ),
    "summary.total": (
        "共 {asked}/{planned} 题，总分 {score}/{possible}（平均 {average}），获得 {points} 积分",
        "{asked}/{planned} questions, total {score}/{possible} (average {average}), "
        "{points} points earned",
    ),
    "summary.weakest": ("最需要加强：{topics}", "Work on: {topics}"),
    "summary.no_weak": ("没有明显的薄弱主题，继续保持！", "No weak topic this time. Keep it up!"),
    "board.week": ("本周排行榜", "Leaderboard: this week"),
    "board.month": ("本月排行榜", "Leaderboard: this month"),
    "board.all": ("总排行榜", "Leaderboard: all time"),
    "board.row": (
        "{rank}. {name} — {points} 积分（{attempts} 题）",
        "{rank}. {name} — {points} points ({attempts} questions)",
    ),
    "board.you": ("（你）", " (you)"),
    "board.empty": (
        "这段时间还没有人得分。用 start 命令开始一场面试吧！",
        "Nobody has scored in this period yet. Begin an interview with the start command!",
    ),
    "stats.header": ("你的战绩", "Your stats"),
    "stats.header_of": ("{name} 的战绩", "{name}'s stats"),
    "stats.totals": (
        "完成 {attempts} 题（作答 {answered} 题），平均分 {average}，积分 {points}",
        "{attempts} questions finished ({answered} answered), average {average}, {points} points",
    ),
    "stats.by_topic": ("按主题（最弱在前）：", "By topic (weakest first):"),
    "stats.topic_row": (
        "{topic}：{attempts} 题，平均 {average}",
        "{topic}: {attempts} questions, average {average}",
    ),
    "stats.reviews_due": (
        "待复习：{count} 题到期，用 review 命令开始复习。",
        "Reviews: {count} question(s) due; go over them with the review command.",
    ),
    "stats.next_review": (
        "下一次复习：{when}后。",
        "Next review due in {when}.",
    ),
    "stats.empty": (
        "你还没有完成过题目。用 start 命令开始第一场面试。",
        "You have not finished any question yet. Begin with the start command.",
    ),
    "topics.header": (
        "可选主题（id、中文名或英文名都可以）：",
        "Topics (use the id, or the Chinese or English name):",
    ),
    "topics.row": (
        "{id} — {name}（{other}）：{questions} 题",
        "{id} — {name} ({other}): {questions} questions",
    ),
    "topics.usage": ("例如：start rag 3 5m", "For example: start rag 3 5m"),
    # ---- notices ---------------------------------------------------------------------------
    "notice.started": (
        "面试开始：{count} 道题，每题 {time}，主题：{topic}。",
        "Interview started: {count} question(s), {time} each, topic: {topic}.",
    ),
    "notice.any_topic": ("不限", "any"),
    "notice.resumed": (
        "欢迎回来，你的面试还在进行中，剩余时间照常计算。",
        "Welcome back: your interview is still on, and its clock kept running.",
    ),
    "notice.welcome": (
        "你好，{name}！发送 start 开始一场模拟面试（例如 start rag 3 5m），help 查看全部命令。",
        "Hello, {name}! Send start to begin a mock interview (e.g. start rag 3 5m), "
        "help for every command.",
    ),
    "notice.lang_set": ("好的，之后用中文和你交流。", "OK, English from now on."),
    "notice.no_more_hints": (
        "这道题的 {available} 个要点都已经提示过了。",
        "All {available} key points of this question have been revealed already.",
    ),
    "notice.too_late": (
        "这道题的时间已经到了，这个回答没有计分。",
        "This question's time had already run out; that answer was not scored.",
    ),
    "notice.button_closed": (
        "这个按钮对应的题目已经结束了，没有做任何改动。",
        "That button belongs to a question that is already closed; nothing was changed.",
    ),
    "error.button_not_yours": (
        "这是别人的面试，按钮只对本人有效。用 start 命令开始你自己的一场。",
        "That is someone else's interview; its buttons only work for them. Begin your own with the start command.",
    ),
    "notice.no_session": (
        "你现在没有进行中的面试。发送 start 开始一场，例如：start rag 3 5m",
        "You have no interview in progress. Send start to begin one, e.g. start rag 3 5m",
    ),
    "notice.question_missing": (
        "题库里已找不到下一道题（题库可能已更新），本场面试提前结束。",
        "The next question is no longer in the bank (it was updated); the interview ends here.",
    ),
    "notice.review_started": (
        "复习开始：{count} 道到期的题，每题 {time}。",
        "Review started: {count} due question(s), {time} each.",
    ),
    "notice.no_reviews_due": (
        "现在没有到期的复习题。答得不好的题会在几小时到几天后回来；用 start 命令开始新的面试。",
        "Nothing is due for review now. Questions you answer badly come back hours to days "
        "later; the start command begins a new interview.",
    ),
    "notice.next_review": (
        "下一道复习题将在 {when}后到期。",
        "The next review is due in {when}.",
    ),
    "notice.mark_saved_later": (
        "已记下：你认为“{question}”的评分偏低。积分不变；这道题的复习推迟到 {when}后。",
        "Noted: you think the grade of “{question}” was too low. Points are unchanged; its "
        "review moves to {when} from now.",
    ),
    "notice.mark_saved_sooner": (
        "已记下：你认为“{question}”的评分偏高。积分不变；这道题会在 {when}后回来复习。",
        "Noted: you think the grade of “{question}” was too high. Points are unchanged; it "
        "comes back for review in {when}.",
    ),
    "notice.mark_saved": (
        "已记下你对“{question}”评分的看法（积分和复习安排不变）。",
        "Noted your view of the grade of “{question}” (points and review schedule unchanged).",
    ),
    "notice.mark_saved_no_review": (
        "已记下：你认为“{question}”的评分偏低。积分不变；按这个判断它算答得好，不再安排复习。",
        "Noted: you think the grade of “{question}” was too low. Points are unchanged; counted "
        "as answered well, it is no longer scheduled for review.",
    ),
    "notice.mark_saved_due_now": (
        "已记下你对“{question}”评分的看法。积分不变；按新的安排它现在就该复习了，用 review 命令开始。",
        "Noted your view of the grade of “{question}”. Points are unchanged; by the new schedule "
        "it is due for review now: use the review command.",
    ),
    "notice.mark_nothing": (
        "还没有可以自评的已作答题目：先回答一道题，再用 mark low 或 mark high。",
        "There is no answered question to mark yet: answer one, then use mark low or mark high.",
    ),
    # ---- errors ----------------------------------------------------------------------------
    "error.unknown_command": (
        "看不懂“{word}”。可用的命令如下：",
        "I don't know the command “{word}”. Here is what I understand:",
    ),
    "error.unknown_topic": (
        "没有叫“{name}”的主题。可选主题：{topics}",
        "There is no topic called “{name}”. Topics: {topics}",
    ),
    "error.count_range": (
        "题数 {value} 超出范围：只能是 {min}–{max}。",
        "Count {value} is out of range: it must be {min}–{max}.",
    ),
    "error.time_range": (
        "每题时间 {value} 秒超出范围：只能是 {min}–{max} 秒（如 90s、5m）。",
        "Time per question {value} s is out of range: it must be {min}–{max} s (e.g. 90s, 5m).",
    ),
    "error.difficulty_range": (
        "难度 {value} 超出范围：只能是 {min}–{max}（1 简单 · 2 中等 · 3 困难）。",
        "Difficulty {value} is out of range: it must be {min}–{max} (1 easy · 2 medium · 3 hard).",
    ),
    "error.ambiguous_number": (
        "{value} 不清楚是题数还是时间：题数只能是 1–20，每题时间 30–1800 秒（可写 90s、5m）。",
        "{value} is ambiguous: the count is 1–20 and the time per question is 30–1800 s "
        "(write 90s, 5m).",
    ),
    "error.duplicate_value": (
        "“{key}”给了两个不同的值。",
        "Two different values were given for “{key}”.",
    ),
    "error.bad_value": ("看不懂“{key}”的值。", "I can't read the value of “{key}”."),
    "error.review_unknown_key": (
        "review 不认识参数“{key}”，可用：topic、count、time（复习不按难度筛选）。",
        "review has no option “{key}”; use topic, count or time (reviews are not filtered by "
        "difficulty).",
    ),
    "error.unknown_key": (
        "start 不认识参数“{key}”，可用：topic、count、time、difficulty。",
        "start has no option “{key}”; use topic, count, time or difficulty.",
    ),
    "error.missing_text": (
        "answer 后面要写上你的回答，例如：answer KV Cache 缓存了已算过的 K 和 V……",
        "Put your answer after answer, e.g. answer The KV cache stores past keys and values…",
    ),
    "error.unexpected_args": (
        "{command} 不需要参数。",
        "{command} takes no arguments.",
    ),
    "error.bad_period": (
        "排行榜的时间段只能是 week、month 或 all（周、月、全部），不是“{value}”。",
        "The leaderboard period is week, month or all, not “{value}”.",
    ),
    "error.bad_locale": (
        "语言只能是 zh（中文）或 en（英文）。",
        "The language is zh (Chinese) or en (English).",
    ),
    "error.bad_mark": (
        "mark 后面写 low（评分偏低）或 high（评分偏高），例如：mark low",
        "Put low (grade too low) or high (grade too high) after mark, e.g. mark low",
    ),
    "error.unknown_help_topic": (
        "没有叫“{value}”的命令。可用的命令如下：",
        "There is no command “{value}”. Here is what I understand:",
    ),
    "error.session_exists": (
        "你已经有一场进行中的面试：第 {position}/{total} 题，主题：{topic}，剩余 {time}。"
        "继续作答，或用 stop 命令结束它再重新开始。",
        "You already have an interview in progress: question {position}/{total}, topic: {topic}, "
        "{time} left. Keep answering, or end it with the stop command and start again.",
    ),
    "error.answer_too_long": (
        "回答太长了：{length} 个字符，上限是 {limit}。请精简后再发送（这次没有保存）。",
        "That answer is too long: {length} characters, the limit is {limit}. Please shorten it "
        "(nothing was saved).",
    ),
    "error.not_enough_questions": (
        "符合条件（{filter}）的题目只有 {available} 道，不够 {count} 道。请减少题数，或换个主题/难度。",
        "Only {available} question(s) match ({filter}); you asked for {count}. Ask for fewer, "
        "or choose another topic/difficulty.",
    ),
    "error.no_questions": (
        "没有符合条件（{filter}）的题目。用 topics 命令查看各主题的题量。",
        "No question matches ({filter}). The topics command shows how many each topic has.",
    ),
    "error.filter_any": ("全部题目", "all questions"),
    "error.answer_not_saved": (
        "抱歉，这次没能保存你的回答（数据库暂时出了问题），请再发送一次。",
        "Sorry, your answer could not be saved (the database had a problem). Please send it again.",
    ),
    "error.store_unavailable": (
        "抱歉，数据库暂时出了问题，这次操作没有完成，请稍后再试一次。",
        "Sorry, the database had a problem and this was not done. Please try again in a moment.",
    ),
    "error.internal": (
        "抱歉，处理时出了点问题，已经记录下来了。请稍后再试。",
        "Sorry, something went wrong on our side; it has been logged. Please try again.",
    ),
    # ---- grading: the grade / grade-eval commands, and notes on the answer itself ---------
    "grading.unknown_question": (
        "题库里没有这道题：“{name}”。可以用题目 id、题目原文或它的任一种问法。",
        "No question in the bank matches “{name}”. Use the question's id, its text or any of "
        "its phrasings.",
    ),
    "grading.unreadable_answer": (
        "读不了答案文件 {path}：{reason}",
        "Cannot read the answer file {path}: {reason}",
    ),
    "grading.bank_problems": (
        "题库有问题，请先修正：\n{problems}",
        "The question bank has problems; fix them first:\n{problems}",
    ),
    "grading.bad_labelled_set": (
        "标注集无法使用：{reason}",
        "The labelled set is unusable: {reason}",
    ),
    "grading.score_line": ("得分 {score}/100 · {verdict}", "Score {score}/100 · {verdict}"),
    "grading.question_line": ("题目 [{id}]：{question}", "Question [{id}]: {question}"),
    "grading.guards_line": ("触发的规则：{guards}", "Guards: {guards}"),
    "grading.judge_failed": (
        "LLM 评审未给出可用结果，沿用离线评分。",
        "The LLM judge gave no usable result; the offline grade stands.",
    ),
    "grading.judge_unset": (
        "未配置 LLM 评审（LLM_JUDGE_BASE_URL、LLM_JUDGE_MODEL）。",
        "No LLM judge is configured (LLM_JUDGE_BASE_URL, LLM_JUDGE_MODEL).",
    ),
    "grading.eval_summary": (
        "{answers} 个回答 · Spearman {spearman} · 每秒评分 {rate} 次（{grader} {version}）",
        "{answers} answers · Spearman {spearman} · {rate} grades/s ({grader} {version})",
    ),
    "grading.eval_label": (
        "标签 {label}：平均 {mean}（{count} 个）",
        "label {label}: mean {mean} ({count} answers)",
    ),
    "grading.eval_max0": ("标签 0 的最高分：{score}", "Highest score of a label-0 answer: {score}"),
    # Feedback on the answer itself, shown with the grade; the interview feedback uses them too.
    "grading.misconception": (
        "❗ 这一点说错了：{claim}（正确的是：{correct}）",
        "❗ This is wrong: {claim} (what is right: {correct})",
    ),
    "guard.terms-without-claims": (
        "回答罗列了术语，却没有说明它们是什么、起什么作用，按说清楚的要点计分。",
        "The answer lists terms without explaining them; only the points it states are credited.",
    ),
    "guard.misconception": (
        "回答中有说错的地方，分数已封顶。",
        "The answer states something wrong; the grade is capped.",
    ),
    "grading.eval_row": (
        "  {label} → {score:>5}  {id}  {guards}{text}",
        "  {label} → {score:>5}  {id}  {guards}{text}",
    ),
}


class Catalogue:
    """Texts by key, each a (Chinese, English) pair with the same {fields}."""

    def __init__(self, entries: Mapping[str, tuple[str, str]]) -> None:
        self._entries = dict(entries)

    def t(self, locale: str, key: str, /, **params: object) -> str:
        """The text for `key` in `locale` (falls back to Chinese), formatted with `params`."""
        zh, en = self._entries[key]
        template = en if locale == "en" else zh
        return template.format(**params) if params else template

    def all_keys(self) -> list[str]:
        return list(self._entries)

    def has(self, key: str) -> bool:
        return key in self._entries


_CATALOGUE.update(DAILY_CATALOGUE)
CORE_TEXTS = Catalogue(_CATALOGUE)


def t(locale: str, key: str, /, **params: object) -> str:
    """The core's text for `key` in `locale`, formatted with `params`."""
    return CORE_TEXTS.t(locale, key, **params)


def keys() -> list[str]:
    return CORE_TEXTS.all_keys()


def has(key: str) -> bool:
    return CORE_TEXTS.has(key)


def pick(locale: str, zh: _T, en: _T) -> _T:
    """The Chinese or the English one of two values (names, separators) for `locale`."""
    return en if locale == "en" else zh


def join_sentences(locale: str, *sentences: str) -> str:
    """Sentences one after another: Chinese needs no space between them, English does."""
    return pick(locale, "", " ").join(s for s in sentences if s)


def join_names(locale: str, names: list[str]) -> str:
    """A list of names in running text: 'a、b、c' / 'a, b, c'."""
    return pick(locale, "、", ", ").join(names)


def with_note(locale: str, text: str, note: str) -> str:
    """'text（note）' / 'text (note)'."""
    return pick(locale, f"{text}（{note}）", f"{text} ({note})")


def normalize_locale(value: str | None, default: Locale = DEFAULT_LOCALE) -> Locale:
    """A stored or configured locale as one we speak: 'en…' is English, anything else Chinese."""
    if value is None:
        return default
    return "en" if value.lower().startswith("en") else "zh-CN"


def format_duration(locale: str, seconds: float) -> str:
    """'4 分 05 秒' / '4m 05s'; whole minutes read as '5 分钟' / '5 min'."""
    total = max(0, int(round(seconds)))
    minutes, rest = divmod(total, 60)
    if minutes == 0:
        return t(locale, "duration.seconds", s=rest)
    if rest == 0:
        return t(locale, "duration.whole_minutes", m=minutes)
    return t(locale, "duration.minutes", m=minutes, s=f"{rest:02d}")


def format_span(locale: str, seconds: float) -> str:
    """A coarse span for schedules: '3 天' / '5 小时', minutes and seconds below an hour."""
    total = max(0, int(round(seconds)))
    if total >= 86400:
        return t(locale, "duration.days", d=round(total / 86400))
    if total >= 3600:
        return t(locale, "duration.hours", h=round(total / 3600))
    return format_duration(locale, total)


def format_number(value: float) -> str:
    """Scores and points: one decimal at most, no trailing '.0'."""
    rounded = round(value, 1)
    return f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, '…' where it was cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
