"""Settings from the environment or a `.env` file (never from code). Secrets are SecretStr."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/interview.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    default_timezone: str = "Asia/Shanghai"
    # Comma-separated in the environment: CONTENT_DIRS=/srv/bank-a,/srv/bank-b
    content_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)

    discord_token: SecretStr | None = None
    # A REST proxy (or a test's fake Discord); Discord's own API when unset.
    discord_api_base: str | None = None
    # Comma-separated server ids: slash commands are synced to these at once (development);
    # unset, they are synced globally (which Discord may take up to an hour to show).
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Several processes split one large bot: each runs the shards listed here, of the count.
    discord_shard_ids: Annotated[list[int] | None, NoDecode] = None
    discord_shard_count: int | None = Field(default=None, ge=1)
    # The privileged Message Content intent: typed thread replies answer too. Off, the answer
    # modal is the way to answer.
    discord_message_content: bool = False
    # Requests a second this process may make with the bot's token (Discord's global limit is
    # 50 unless Discord raised it; split it between processes sharing one bot); 0: no pacing.
    discord_global_rate: float = Field(default=50.0, ge=0)
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Slack's Web API base, ending in /api/ (set it for a proxy, GovSlack, or a test fake).
    slack_api_url: str | None = None
    # socket: Socket Mode with SLACK_APP_TOKEN (no public URL); http: serve /slack/events on
    # SLACK_PORT (`interview-bot run slack --http --port N` says the same).
    slack_mode: Literal["socket", "http"] = "socket"
    slack_host: str = "0.0.0.0"
    slack_port: int = Field(default=3000, ge=1, le=65535)

    llm_judge_base_url: str | None = None
    llm_judge_model: str | None = None
    llm_judge_api_key: SecretStr | None = None

    # Worker processes that grade answers arriving together (a daily question's rush), beside
    # the event loop; 0: every answer is graded on the loop. The console never needs them, and
    # on one CPU a worker would only take turns with the loop.
    grading_processes: int = Field(
        default_factory=lambda: 1 if (os.cpu_count() or 1) > 1 else 0, ge=0, le=32
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @field_validator("content_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            ids = [int(part) for part in value.replace(" ", "").split(",") if part]
            return ids if ids or info.field_name == "discord_guild_ids" else None
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        ids, count = self.discord_shard_ids, self.discord_shard_count
        if ids and count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
        if ids and count is not None and any(not 0 <= i < count for i in ids):
            raise ValueError(f"DISCORD_SHARD_IDS must be between 0 and {count - 1}")
        return self

    @field_validator("default_locale", mode="before")
    @classmethod
    def _locale(cls, value: object) -> object:
        if isinstance(value, str):
            return (
                "en"
                if value.lower().startswith("en")
                else "zh-CN"
                if value.lower().startswith("zh")
                else value
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def front_end(self) -> Literal["discord", "slack", "console"]:
        """What `interview-bot run` starts: whichever chat platform has tokens, else the console."""
        if self.discord_token is not None:
            return "discord"
        if self.slack_bot_token is not None:
            return "slack"
        return "console"
