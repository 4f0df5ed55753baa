"""The one text grammar shared by the console and Slack: a line in, a Command or a ParseError out.

Rules (the help texts in i18n.py say the same to users):
- The first word names the command, in English or Chinese (`start`/`开始`, `hint`/`提示` …),
  case-insensitive, optionally with a leading "/" (`/start`). Full-width characters are folded
  (`ｓｔａｒｔ　ｒａｇ` works).
- `start` takes, in any order:
  - `key=value` pairs: `topic=` (`主题=`), `count=` (`n=`, `题数=`), `time=` (`时间=`),
    `difficulty=` (`难度=`); quote values with spaces: `topic="RAG and applications"`;
  - a bare whole number 1–20 is the question count (`5`, also `5题` / `5道`);
  - a bare number 30 or more, or any number with a unit, is the time per question
    (`300`, `90s`, `5m`, `1.5m`, `2m30s`, `90秒`, `5分钟`); 21–29 without a unit is refused
    as ambiguous;
  - a difficulty word: `easy`/`medium`/`hard` or `简单`/`中等`/`困难`;
  - every other word is part of the topic name (id, Chinese or English name, or alias).
- `review` takes start's topic, count and time (no difficulty): a session of due reviews.
- `hint`, `skip`, `stop`, `status`, `topics`, `stats` take nothing; `answer <text>` takes the rest
  of the line verbatim; `leaderboard [week|month|all]` (default week); `lang zh|en`;
  `mark low|high` (`自评 偏低|偏高`); `help [command]`.
- Where free text is an answer (the console), a line whose first word is not a command is an
  Answer; a line that starts with a command word but does not have that command's shape at
  all (`hint me please`) is reported with `could_be_answer=True`, so the core may take it as
  an answer while a question is open. A line in the command's shape whose values are wrong
  (`start rag 3 10`, `start topic=nope`) is the command's error, never an answer.
  A leading "/" always means "this is a command".
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable
from typing import Literal

from bot.core.commands import (
    COUNT_MAX,
    COUNT_MIN,
    DIFFICULTY_MAX,
    DIFFICULTY_MIN,
    TIME_MAX_S,
    TIME_MIN_S,
    Answer,
    Command,
    Help,
    Hint,
    Lang,
    Leaderboard,
    Locale,
    Mark,
    ParseError,
    Period,
    Review,
    Skip,
    Start,
    Stats,
    Status,
    Stop,
    Topics,
)
from bot.core.daily.grammar import parse_config, parse_daily, parse_forget
from content.schema import Topic

TopicLookup = Callable[[str], Topic | None]

COMMAND_ALIASES: dict[str, str] = {
    "start": "start",
    "begin": "start",
    "开始": "start",
    "开始面试": "start",
    "面试": "start",
    "answer": "answer",
    "回答": "answer",
    "答": "answer",
    "hint": "hint",
    "提示": "hint",
    "skip": "skip",
    "跳过": "skip",
    "stop": "stop",
    "end": "stop",
    "结束": "stop",
    "停止": "stop",
    "status": "status",
    "状态": "status",
    "mark": "mark",
    "自评": "mark",
    "review": "review",
    "复习": "review",
    "topics": "topics",
    "主题": "topics",
    "题库": "topics",
    "leaderboard": "leaderboard",
    "board": "leaderboard",
    "rank": "leaderboard",
    "排行榜": "leaderboard",
    "排行": "leaderboard",
    "排名": "leaderboard",
    "stats": "stats",
    "统计": "stats",
    "战绩": "stats",
    "lang": "lang",
    "language": "lang",
    "语言": "lang",
    "daily": "daily",
    "每日": "daily",
    "每日一题": "daily",
    "config": "config",
    "设置": "config",
    "配置": "config",
    "forget-me": "forget-me",
    "forgetme": "forget-me",
    "forget_me": "forget-me",
    "删除我的数据": "forget-me",
    "help": "help",
    "?": "help",
    "帮助": "help",
}

_NO_ARGS: dict[str, Command] = {
    "hint": Hint(),
    "skip": Skip(),
    "stop": Stop(),
    "status": Status(),
    "topics": Topics(),
    "stats": Stats(),
}

_START_KEYS: dict[str, str] = {
    "topic": "topic",
    "主题": "topic",
    "count": "count",
    "n": "count",
    "题数": "count",
    "数量": "count",
    "time": "time",
    "t": "time",
    "时间": "time",
    "时长": "time",
    "difficulty": "difficulty",
    "diff": "difficulty",
    "level": "difficulty",
    "难度": "difficulty",
}

DIFFICULTY_WORDS: dict[str, int] = {
    "easy": 1,
    "简单": 1,
    "medium": 2,
    "中等": 2,
    "hard": 3,
    "困难": 3,
}

PERIOD_WORDS: dict[str, Period] = {
    "week": "week",
    "weekly": "week",
    "周": "week",
    "本周": "week",
    "month": "month",
    "monthly": "month",
    "月": "month",
    "本月": "month",
    "all": "all",
    "alltime": "all",
    "all-time": "all",
    "total": "all",
    "全部": "all",
    "总": "all",
    "总榜": "all",
}

MARK_WORDS: dict[str, Literal["too_low", "too_high"]] = {
    "low": "too_low",
    "too-low": "too_low",
    "too_low": "too_low",
    "toolow": "too_low",
    "偏低": "too_low",
    "低": "too_low",
    "低了": "too_low",
    "high": "too_high",
    "too-high": "too_high",
    "too_high": "too_high",
    "toohigh": "too_high",
    "偏高": "too_high",
    "高": "too_high",
    "高了": "too_high",
}

LOCALE_WORDS: dict[str, Locale] = {
    "zh": "zh-CN",
    "zh-cn": "zh-CN",
    "cn": "zh-CN",
    "chinese": "zh-CN",
    "中文": "zh-CN",
    "简体中文": "zh-CN",
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
}

_UNIT_SECONDS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "秒": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "分": 60,
    "分钟": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "小时": 3600,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([a-z\u4e00-\u9fff]+)")
_COUNT_WITH_SUFFIX = re.compile(r"^(\d+)(?:题|道|道题|个|q)$")
_BARE_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_CHINESE_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def fold(text: str) -> str:
    """Full-width to half-width and lower case: how command words and arguments are compared."""
    return unicodedata.normalize("NFKC", text).lower()


class CommandParser:
    """Parses one line of the shared grammar. `find_topic` resolves topic names (bank.find_topic)."""

    def __init__(self, find_topic: TopicLookup) -> None:
        self._find_topic = find_topic

    def parse(self, line: str, *, free_text_answers: bool) -> Command | ParseError:
        text = line.strip()
        if not text:
            return Help()
        slashed = text.startswith(("/", "／"))
        if slashed:
            text = text[1:].lstrip()
        head, _, rest = _split_any_space(text)
        # Slack users may paste the slash command itself: "/interview start rag".
        if slashed and fold(head) == "interview":
            head, _, rest = _split_any_space(rest.strip())
        name = COMMAND_ALIASES.get(fold(head))
        if name is None:
            if free_text_answers and not slashed:
                return Answer(text=line.strip())
            return ParseError(code="unknown_command", params={"word": head[:40]})
        result = self._parse_command(name, rest.strip())
        if isinstance(result, ParseError) and not slashed and _reads_as_prose(result, rest):
            return result.model_copy(update={"could_be_answer": True})
        return result

    def _parse_command(self, name: str, rest: str) -> Command | ParseError:
        if name in _NO_ARGS:
            if rest:
                return ParseError(code="unexpected_args", command=name)
            return _NO_ARGS[name]
        if name == "answer":
            if not rest:
                return ParseError(code="missing_text", command="answer")
            return Answer(text=rest)
        if name == "start":
            return self._parse_start(rest)
        if name == "review":
            return self._parse_review(rest)
        if name == "daily":
            return parse_daily(rest)
        if name == "config":
            return parse_config(rest)
        if name == "forget-me":
            return parse_forget(rest)
        words = _tokens(rest)
        if name == "mark":
            return _parse_mark(words)
        if name == "leaderboard":
            return _parse_period(words)
        if name == "lang":
            return _parse_locale(words)
        return _parse_help(words)

    def _parse_start(self, rest: str) -> Start | ParseError:
        values: dict[str, int] = {}
        topic_words: list[str] = []
        for token in _tokens(rest):
            error = self._start_token(token, values, topic_words)
            if error is not None:
                return error
        topic_id: str | None = None
        if topic_words:
            name = " ".join(topic_words)
            topic = self._find_topic(name)
            if topic is None:
                return ParseError(code="unknown_topic", command="start", params={"name": name})
            topic_id = topic.id
        return Start(
            topic=topic_id,
            **{key: values[key] for key in ("count", "difficulty") if key in values},
            **({"time_s": values["time"]} if "time" in values else {}),
        )

    def _parse_review(self, rest: str) -> Review | ParseError:
        """`review [topic] [count] [time]`: start's grammar, without a difficulty."""
        parsed = self._parse_start(rest)
        if isinstance(parsed, ParseError):
            code = "review_unknown_key" if parsed.code == "unknown_key" else parsed.code
            return parsed.model_copy(update={"command": "review", "code": code})
        if parsed.difficulty is not None:
            return ParseError(
                code="review_unknown_key", command="review", params={"key": "difficulty"}
            )
        return Review(
            topic=parsed.topic,
            count=parsed.count if "count" in parsed.model_fields_set else None,
            time_s=parsed.time_s,
        )

    def _start_token(
        self, token: str, values: dict[str, int], topic_words: list[str]
    ) -> ParseError | None:
        folded = fold(token)
        if "=" in folded:
            raw_key, _, raw_value = token.partition("=")
            key = _START_KEYS.get(fold(raw_key).strip())
            value = raw_value.strip()
            if key is None:
                return ParseError(code="unknown_key", command="start", params={"key": raw_key})
            if not value:
                return ParseError(code="bad_value", command="start", params={"key": raw_key})
            if key == "topic":
                topic_words.insert(0, value)
                return None
            return _keyed_number(key, raw_key, fold(value), values)
        if folded in DIFFICULTY_WORDS:
            return _set(values, "difficulty", DIFFICULTY_WORDS[folded])
        count_match = _COUNT_WITH_SUFFIX.match(folded)
        if count_match:
            return _set_count(values, int(count_match.group(1)))
        seconds = _duration(folded)
        if seconds is not None:
            return _set_time(values, seconds)
        if _BARE_NUMBER.match(folded):
            return _bare_number(values, folded)
        topic_words.append(token)
        return None


# Errors that mean "this is not that command's shape at all" (`hint me please`, `mark my
# words`): typed while a question is open, the line may well be an answer. Every other error
# is about a value in a command's own shape (`start rag 3 10`, `start topic=nope`): the member
# meant the command and gets its error, never a grade.
_PROSE_LIKE = frozenset(
    {
        "unexpected_args",
        "missing_text",
        "bad_period",
        "bad_mark",
        "bad_locale",
        "unknown_help_topic",
        "config_usage",
        "bad_forget",
    }
)


def _reads_as_prose(error: ParseError, rest: str) -> bool:
    if error.code in _PROSE_LIKE:
        return True
    if error.code == "unknown_topic":
        # `start with tokenization, then …` is prose; `start nope 3 10` or `start topic=nope`
        # has the command's own arguments around the unknown name.
        return not any(_is_argument(fold(token)) for token in _tokens(rest))
    return False


def _is_argument(folded: str) -> bool:
    """A token only `start`/`review` arguments look like: key=value, a number, a duration,
    a count with its unit, a difficulty word."""
    return (
        "=" in folded
        or folded in DIFFICULTY_WORDS
        or bool(_BARE_NUMBER.match(folded) or _COUNT_WITH_SUFFIX.match(folded))
        or _duration(folded) is not None
    )


def _split_any_space(text: str) -> tuple[str, str, str]:
    parts = text.split(maxsplit=1)
    if not parts:
        return "", "", ""
    return parts[0], " ", parts[1] if len(parts) > 1 else ""


def _tokens(rest: str) -> list[str]:
    normalized = unicodedata.normalize("NFKC", rest).translate(_CHINESE_QUOTES)
    try:
        return shlex.split(normalized)
    except ValueError:  # an unbalanced quote: fall back to plain words rather than failing
        return normalized.split()


def _duration(folded: str) -> int | None:
    """Seconds for '90s', '5m', '1.5m', '2m30s', '5分钟'; None if the token is not a duration."""
    parts = _DURATION_PART.findall(folded)
    if not parts or "".join(number + unit for number, unit in parts) != folded:
        return None
    total = 0.0
    for number, unit in parts:
        if unit not in _UNIT_SECONDS:
            return None
        total += float(number) * _UNIT_SECONDS[unit]
    return round(total)


def _bare_number(values: dict[str, int], folded: str) -> ParseError | None:
    number = float(folded)
    if number != int(number):
        return ParseError(code="bad_value", command="start", params={"key": folded})
    whole = int(number)
    if whole <= COUNT_MAX:
        return _set_count(values, whole)
    if whole < TIME_MIN_S:
        return ParseError(code="ambiguous_number", command="start", params={"value": whole})
    return _set_time(values, whole)


def _keyed_number(key: str, raw_key: str, value: str, values: dict[str, int]) -> ParseError | None:
    if key == "difficulty":
        if value in DIFFICULTY_WORDS:
            return _set(values, "difficulty", DIFFICULTY_WORDS[value])
        if not _BARE_NUMBER.match(value) or float(value) != int(float(value)):
            return ParseError(code="bad_value", command="start", params={"key": raw_key})
        level = int(float(value))
        if not DIFFICULTY_MIN <= level <= DIFFICULTY_MAX:
            return ParseError(
                code="difficulty_range",
                command="start",
                params={"value": level, "min": DIFFICULTY_MIN, "max": DIFFICULTY_MAX},
            )
        return _set(values, "difficulty", level)
    if key == "count":
        match = _COUNT_WITH_SUFFIX.match(value)
        if match:
            return _set_count(values, int(match.group(1)))
        if not _BARE_NUMBER.match(value) or float(value) != int(float(value)):
            return ParseError(code="bad_value", command="start", params={"key": raw_key})
        return _set_count(values, int(float(value)))
    seconds = _duration(value)
    if seconds is None and _BARE_NUMBER.match(value):
        seconds = round(float(value))
    if seconds is None:
        return ParseError(code="bad_value", command="start", params={"key": raw_key})
    return _set_time(values, seconds)


def _set_count(values: dict[str, int], count: int) -> ParseError | None:
    if not COUNT_MIN <= count <= COUNT_MAX:
        return ParseError(
            code="count_range",
            command="start",
            params={"value": count, "min": COUNT_MIN, "max": COUNT_MAX},
        )
    return _set(values, "count", count)


def _set_time(values: dict[str, int], seconds: int) -> ParseError | None:
    if not TIME_MIN_S <= seconds <= TIME_MAX_S:
        return ParseError(
            code="time_range",
            command="start",
            params={"value": seconds, "min": TIME_MIN_S, "max": TIME_MAX_S},
        )
    return _set(values, "time", seconds)


def _set(values: dict[str, int], key: str, value: int) -> ParseError | None:
    if key in values and values[key] != value:
        return ParseError(code="duplicate_value", command="start", params={"key": key})
    values[key] = value
    return None


def _parse_period(words: list[str]) -> Leaderboard | ParseError:
    if not words:
        return Leaderboard()
    period = PERIOD_WORDS.get(fold(words[0]))
    if period is None or len(words) > 1:
        return ParseError(code="bad_period", command="leaderboard", params={"value": words[0]})
    return Leaderboard(period=period)


def _parse_mark(words: list[str]) -> Mark | ParseError:
    verdict = MARK_WORDS.get(fold(words[0])) if len(words) == 1 else None
    if verdict is None:
        return ParseError(code="bad_mark", command="mark", params={"value": " ".join(words)[:40]})
    return Mark(verdict=verdict)


def _parse_locale(words: list[str]) -> Lang | ParseError:
    locale = LOCALE_WORDS.get(fold(words[0])) if len(words) == 1 else None
    if locale is None:
        return ParseError(code="bad_locale", command="lang", params={"value": " ".join(words)[:40]})
    return Lang(locale=locale)


def _parse_help(words: list[str]) -> Help | ParseError:
    if not words:
        return Help()
    name = COMMAND_ALIASES.get(fold(words[0]).lstrip("/"))
    if name is None or len(words) > 1:
        return ParseError(code="unknown_help_topic", params={"value": words[0][:40]})
    return Help(command=name)
