"""Typed commands: what every front end turns a platform event into.

Discord maps its typed options onto these models; Slack and the console type text that
`bot.core.grammar` parses into them. The core never sees platform objects.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

COUNT_MIN, COUNT_MAX, COUNT_DEFAULT = 1, 20, 5
TIME_MIN_S, TIME_MAX_S, TIME_DEFAULT_S = 30, 1800, 300
DIFFICULTY_MIN, DIFFICULTY_MAX = 1, 3
# Discord's modal text input allows 4000 characters; the same limit everywhere keeps answers
# comparable across front ends and bounds what one message can make the grader do.
ANSWER_MAX_CHARS = 4000

Locale = Literal["zh-CN", "en"]
Period = Literal["week", "month", "all"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Actor(_Frozen):
    """Who sent the command: a member of one workspace on one platform."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str | None = None
    # The front end decides who administers a workspace on its platform (Discord: Manage
    # Server; Slack: admin or owner; the console user owns its own) and says so here.
    is_admin: bool = False
    # The platform's language for this member (Discord's interaction locale, Slack's user
    # locale); a language chosen with `lang` wins over it.
    locale_hint: str | None = None


class Place(_Frozen):
    """Where the reply goes: a channel, and a thread in it if there is one (None: a DM/console)."""

    channel_id: str | None = None
    thread_id: str | None = None


class QuestionRef(_Frozen):
    """The question a button or modal was shown under: a stale one is refused, not applied."""

    session_id: str
    position: int = Field(ge=1)


class Start(_Frozen):
    kind: Literal["start"] = "start"
    topic: str | None = None  # a topic id, or any name bank.find_topic understands
    count: Annotated[int, Field(ge=COUNT_MIN, le=COUNT_MAX)] = COUNT_DEFAULT
    time_s: Annotated[int, Field(ge=TIME_MIN_S, le=TIME_MAX_S)] = TIME_DEFAULT_S
    difficulty: Annotated[int, Field(ge=DIFFICULTY_MIN, le=DIFFICULTY_MAX)] | None = None


class Review(_Frozen):
    """A session of the member's due review questions (spaced repetition)."""

    kind: Literal["review"] = "review"
    topic: str | None = None
    # None: every due question, up to COUNT_DEFAULT.
    count: Annotated[int, Field(ge=COUNT_MIN, le=COUNT_MAX)] | None = None
    time_s: Annotated[int, Field(ge=TIME_MIN_S, le=TIME_MAX_S)] = TIME_DEFAULT_S


class Answer(_Frozen):
    kind: Literal["answer"] = "answer"
    # Not length-limited here: an oversized answer must reach the core to be refused with
    # the limit (and nothing stored), not fail as a validation error.
    text: str
    at: QuestionRef | None = None  # a modal's question; typed text means the current one


class Hint(_Frozen):
    kind: Literal["hint"] = "hint"
    at: QuestionRef | None = None  # a button's question


class Skip(_Frozen):
    kind: Literal["skip"] = "skip"
    at: QuestionRef | None = None  # a button's question


class Stop(_Frozen):
    kind: Literal["stop"] = "stop"
    at: QuestionRef | None = None  # a button's question


class Status(_Frozen):
    kind: Literal["status"] = "status"


class Topics(_Frozen):
    kind: Literal["topics"] = "topics"


class Leaderboard(_Frozen):
    kind: Literal["leaderboard"] = "leaderboard"
    period: Period = "week"


class Stats(_Frozen):
    kind: Literal["stats"] = "stats"
    # Another member of the same workspace (a chat front end's member picker); None: yourself.
    # Their review schedule stays theirs: only attempts and averages are shown.
    user_id: str | None = None
    display_name: str | None = None


class Lang(_Frozen):
    kind: Literal["lang"] = "lang"
    locale: Locale


class Mark(_Frozen):
    """The member's view of an automatic grade: stored beside it, moves the review schedule,
    never the leaderboard."""

    kind: Literal["mark"] = "mark"
    verdict: Literal["too_low", "too_high"]
    # Buttons carry the attempt they were shown under; text means the last answered question.
    attempt_id: int | None = None


class ConfigDaily(_Frozen):
    """`config daily …`: a channel's daily challenge (workspace admins only).

    Values arrive as the member typed them (or as a front end's typed options); the daily
    service validates them, so every front end gets the same errors. None leaves a value as it
    was (or its default for a new configuration).
    """

    kind: Literal["config_daily"] = "config_daily"
    time: str | None = None  # "09:00"
    timezone: str | None = None  # an IANA name, "Asia/Shanghai"
    days: str | None = None  # "mon-fri", "mon,wed,fri", "daily", "weekdays"
    topics: str | None = None  # "rag,fine-tuning", "all"
    difficulty: int | str | None = None  # 1–3, easy/medium/hard, "any"
    window: str | None = None  # "24h", "90m", "next" (until the next post)
    digest: bool | None = None  # the Monday weekly digest
    off: bool = False  # stop posting (the settings are kept)


class ConfigShow(_Frozen):
    """`config show`: this channel's daily settings and the member's own."""

    kind: Literal["config_show"] = "config_show"


class ConfigMe(_Frozen):
    """`config me show-name=on|off`: whether the reveal may name the member."""

    kind: Literal["config_me"] = "config_me"
    show_name: bool | None = None  # None: show the member's settings


class Daily(_Frozen):
    """`daily`: today's question in this channel, and the member's answer if they gave one."""

    kind: Literal["daily"] = "daily"


class DailyAnswer(_Frozen):
    """An answer to a daily question: the Answer button's modal carries its post; text typed
    in a channel (`daily <answer>`) means that channel's open question."""

    kind: Literal["daily_answer"] = "daily_answer"
    post_id: int | None = None
    text: str


class ForgetMe(_Frozen):
    """`forget-me`: None asks for confirmation, True deletes everything, False cancels."""

    kind: Literal["forget_me"] = "forget_me"
    confirm: bool | None = None


class Help(_Frozen):
    kind: Literal["help"] = "help"
    command: str | None = None  # a canonical command name ("start"), None for the overview


Command = Annotated[
    Start
    | Review
    | Answer
    | Hint
    | Skip
    | Stop
    | Status
    | Mark
    | Topics
    | Leaderboard
    | Stats
    | Lang
    | ConfigDaily
    | ConfigShow
    | ConfigMe
    | Daily
    | DailyAnswer
    | ForgetMe
    | Help,
    Field(discriminator="kind"),
]

# Canonical command names, in the order help lists them.
COMMAND_NAMES: tuple[str, ...] = (
    "start",
    "answer",
    "hint",
    "skip",
    "stop",
    "status",
    "mark",
    "review",
    "topics",
    "leaderboard",
    "stats",
    "daily",
    "config",
    "forget-me",
    "lang",
    "help",
)

ParseErrorCode = Literal[
    "unknown_command",  # first word is not a command
    "unknown_topic",
    "count_range",
    "time_range",
    "difficulty_range",
    "ambiguous_number",  # a bare number between the count and time ranges
    "duplicate_value",  # e.g. two counts in one start
    "bad_value",  # a key=value whose value is not understood
    "unknown_key",
    "review_unknown_key",
    "missing_text",  # `answer` with nothing after it
    "unexpected_args",  # `hint extra words`
    "bad_period",
    "bad_locale",
    "bad_mark",
    "unknown_help_topic",
    "config_usage",  # `config` without daily/show/me
    "bad_config_key",  # a key `config daily` does not know
    "bad_switch",  # on/off expected
    "bad_forget",  # forget-me takes confirm or cancel
]


class ParseError(_Frozen):
    """Why a line is not a valid command; the core turns it into a localized ErrorNotice."""

    code: ParseErrorCode
    command: str | None = None  # the command whose help explains the fix
    params: dict[str, str | int] = Field(default_factory=dict)
    # The line began with a command word without a leading "/" and did not fit that command's
    # grammar: a front end where free text is an answer may treat the whole line as one
    # (e.g. "start with tokenization, then …" while a question is open).
    could_be_answer: bool = False
