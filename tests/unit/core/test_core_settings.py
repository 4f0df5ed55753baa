"""Settings from the environment: what an operator writes, and what must never be shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import DEFAULT_DATABASE_URL, Settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "DATABASE_URL",
        "CONTENT_DIRS",
        "DEFAULT_LOCALE",
        "DISCORD_TOKEN",
        "SLACK_BOT_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_no_configuration() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.default_locale, settings.default_timezone) == ("zh-CN", "Asia/Shanghai")
    assert settings.front_end == "console"


def test_answers_are_graded_beside_the_loop_only_where_there_is_a_second_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GRADING_PROCESSES", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert Settings().grading_processes == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert Settings().grading_processes == 0
    monkeypatch.setenv("GRADING_PROCESSES", "3")
    assert Settings().grading_processes == 3
    monkeypatch.setenv("GRADING_PROCESSES", "-1")
    with pytest.raises(ValidationError):
        Settings()


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_LOCALE=en\nSLACK_BOT_TOKEN=xoxb-from-dotenv\n")
    monkeypatch.setenv("CONTENT_DIRS", "/srv/a, /srv/b ,")
    settings = Settings()
    assert settings.content_dirs == [Path("/srv/a"), Path("/srv/b")]
    assert settings.default_locale == "en"
    assert settings.front_end == "slack"


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "very-secret-token")
    monkeypatch.setenv("LLM_JUDGE_API_KEY", "sk-very-secret")
    settings = Settings()
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings)
    assert settings.front_end == "discord"


def test_a_wrong_timezone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="unknown IANA timezone"):
        Settings()
