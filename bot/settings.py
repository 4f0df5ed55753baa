"""Settings from the environment or a `.env` file (never from code). Secrets are SecretStr."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
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
    discord_api_base: str | None = None
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

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @field_validator("content_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part.strip()) for part in value.split(",") if part.strip()]
        return value

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
