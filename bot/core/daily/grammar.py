"""The text grammar of the daily challenge's commands (part of bot.core.grammar).

`config daily [time] [key=value …] | off`, `config show`, `config me [show-name=on|off]`,
`daily [answer text]`, `forget-me [confirm|cancel]`. Values are passed on as typed: the daily
service validates them, so a wrong time is reported the same way from every front end.
"""

from __future__ import annotations

import shlex
import unicodedata

from bot.core.commands import (
    ConfigDaily,
    ConfigMe,
    ConfigShow,
    Daily,
    DailyAnswer,
    ForgetMe,
    ParseError,
)
from bot.core.daily.config import parse_switch, parse_time

_CONFIG_KEYS = {
    "time": "time",
    "时间": "time",
    "timezone": "timezone",
    "tz": "timezone",
    "zone": "timezone",
    "时区": "timezone",
    "days": "days",
    "day": "days",
    "出题日": "days",
    "topics": "topics",
    "topic": "topics",
    "主题": "topics",
    "difficulty": "difficulty",
    "diff": "difficulty",
    "level": "difficulty",
    "难度": "difficulty",
    "window": "window",
    "作答时长": "window",
    "digest": "digest",
    "周报": "digest",
}
_SUB_DAILY = frozenset({"daily", "每日", "每日一题"})
_SUB_SHOW = frozenset({"show", "显示", "查看"})
_SUB_ME = frozenset({"me", "我"})
_OFF = frozenset({"off", "关闭", "停止"})
_SHOW_NAME_KEYS = frozenset({"show-name", "show_name", "showname", "显示名字"})
_ANSWER_WORDS = frozenset({"answer", "回答", "答"})
_CONFIRM = frozenset({"confirm", "yes", "确认", "是"})
_CANCEL = frozenset({"cancel", "no", "取消", "否"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _tokens(rest: str) -> list[str]:
    normalized = unicodedata.normalize("NFKC", rest).replace("“", '"').replace("”", '"')
    try:
        return shlex.split(normalized)
    except ValueError:
        return normalized.split()


def parse_daily(rest: str) -> Daily | DailyAnswer:
    if not rest:
        return Daily()
    head, _, tail = rest.partition(" ")
    if _fold(head) in _ANSWER_WORDS and tail.strip():
        return DailyAnswer(text=tail.strip())
    return DailyAnswer(text=rest)


def parse_forget(rest: str) -> ForgetMe | ParseError:
    word = _fold(rest)
    if not word:
        return ForgetMe()
    if word in _CONFIRM:
        return ForgetMe(confirm=True)
    if word in _CANCEL:
        return ForgetMe(confirm=False)
    return ParseError(code="bad_forget", command="forget-me", params={"value": rest[:40]})


def parse_config(rest: str) -> ConfigDaily | ConfigShow | ConfigMe | ParseError:
    words = _tokens(rest)
    if not words:
        return ConfigShow()
    sub, args = _fold(words[0]), words[1:]
    if sub in _SUB_SHOW and not args:
        return ConfigShow()
    if sub in _SUB_ME:
        return _parse_me(args)
    if sub in _SUB_DAILY:
        return _parse_daily_config(args)
    return ParseError(code="config_usage", command="config")


def _parse_me(args: list[str]) -> ConfigMe | ParseError:
    if not args:
        return ConfigMe()
    if len(args) == 1 and "=" in args[0]:
        key, _, value = args[0].partition("=")
    elif len(args) == 2:
        key, value = args
    else:
        return ParseError(code="config_usage", command="config")
    if _fold(key) not in _SHOW_NAME_KEYS:
        return ParseError(code="config_usage", command="config")
    switch = parse_switch(value)
    if switch is None:
        return ParseError(
            code="bad_switch", command="config", params={"key": "show-name", "value": value[:40]}
        )
    return ConfigMe(show_name=switch)


def _parse_daily_config(args: list[str]) -> ConfigDaily | ParseError:
    if not args:
        return ParseError(code="config_usage", command="config")
    if len(args) == 1 and _fold(args[0]) in _OFF:
        return ConfigDaily(off=True)
    values: dict[str, str] = {}
    digest: bool | None = None
    for token in args:
        if "=" not in token:
            if "time" not in values and parse_time(token) is not None:
                values["time"] = token
                continue
            return ParseError(code="bad_config_key", command="config", params={"key": token[:40]})
        raw_key, _, value = token.partition("=")
        key = _CONFIG_KEYS.get(_fold(raw_key))
        if key is None:
            return ParseError(code="bad_config_key", command="config", params={"key": raw_key[:40]})
        if key == "digest":
            digest = parse_switch(value)
            if digest is None:
                return ParseError(
                    code="bad_switch",
                    command="config",
                    params={"key": raw_key, "value": value[:40]},
                )
            continue
        values[key] = value.strip()
    return ConfigDaily(digest=digest, **values)
