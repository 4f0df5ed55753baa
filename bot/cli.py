"""The `interview-bot` command (also `python -m bot`).

Commands owned elsewhere are added in `_add_command_groups`; they are imported only when one of
them (or the overall help) is asked for, so `interview-bot console` starts fast.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.integrations.llm_judge import LLMJudge
    from bot.settings import Settings
    from content.loader import Bank

app = typer.Typer(
    name="interview-bot",
    help="Mock interviews for LLM-engineering roles: Discord, Slack, or this terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# The commands defined in this file; anything else may need the other command groups.
_OWN_COMMANDS = frozenset({"console", "run", "health", "db"})


def _settings() -> Settings:
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]).upper()
            typer.echo(f"configuration: {where}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc


def _start(settings: Settings, *, console: bool = False) -> None:
    from bot.runtime import configure_logging, console_log_file

    if console:
        try:
            # Appended for the process's lifetime; closed by the interpreter at exit.
            stream = console_log_file(settings).open("a", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            # The database folder cannot be made or written: say so, no traceback.
            typer.echo(f"cannot write the console log beside the database: {exc}", err=True)
            raise typer.Exit(1) from exc
        configure_logging(settings.log_level, stream)
    else:
        configure_logging(settings.log_level)


def _until_done(run: Callable[[], None]) -> None:
    """Run a front end: a start-up problem is one line and exit 1, Ctrl-C exit 130."""
    from bot.runtime import StartupError

    try:
        run()
    except StartupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


@app.command()
def console(
    user: Annotated[
        str | None, typer.Option("--user", help="Your name on the board (default: $USER).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en; remembered like the lang command.")
    ] = None,
    exit_at_eof: Annotated[
        bool,
        typer.Option(
            "--exit-at-eof",
            help="When input is a script: leave at its end instead of waiting for the open "
            "interview to finish (its remaining questions time out).",
        ),
    ] = False,
) -> None:
    """Interview in this terminal: no tokens needed. Type help inside for the commands.

    Logs go to console.log beside the SQLite database (or ./data/console.log)."""
    from bot.runtime import run_console

    if lang is not None and lang.lower() not in ("zh", "zh-cn", "en"):
        typer.echo("--lang is zh or en", err=True)
        raise typer.Exit(2)
    settings = _settings()
    _start(settings, console=True)
    _until_done(
        lambda: asyncio.run(run_console(settings, user=user, lang=lang, exit_at_eof=exit_at_eof))
    )


@app.command()
def run(
    front_end: Annotated[
        str | None,
        typer.Argument(help="console, slack or discord (default: whichever has tokens set)."),
    ] = None,
    http: Annotated[
        bool,
        typer.Option("--http", help="Slack: serve HTTP at /slack/events instead of Socket Mode."),
    ] = False,
    port: Annotated[
        int | None, typer.Option("--port", help="Slack HTTP mode: the port (default SLACK_PORT).")
    ] = None,
) -> None:
    """Run the configured front end: Discord or Slack if their tokens are set, else the console."""
    from bot.runtime import run_front_end

    settings = _settings()
    if http or port is not None:
        update: dict[str, object] = {"slack_mode": "http"}
        if port is not None:
            update["slack_port"] = port
        settings = settings.model_copy(update=update)
    chosen = front_end or settings.front_end
    _start(settings, console=chosen == "console")
    _until_done(lambda: run_front_end(settings, chosen))


@app.command()
def health() -> None:
    """Exit 0 if the bank loads and the database answers (the Docker health check)."""
    from bot.runtime import StartupError, check_health

    settings = _settings()
    try:
        typer.echo(asyncio.run(check_health(settings)))
    except StartupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    except Exception as exc:  # the database is unreachable, or anything else: unhealthy
        typer.echo(f"unhealthy: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from exc


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every database migration (also done automatically at start-up)."""
    from storage import upgrade_database

    settings = _settings()
    upgrade_database(settings.database_url)
    typer.echo("database is at the newest schema")


def _add_command_groups(target: typer.Typer) -> None:
    """Command groups owned by other parts of the project, registered in one place."""
    from bot.grade_cli import build_grade_app
    from content.commands import content_app

    target.add_typer(content_app, name="content")
    target.add_typer(_discord_app(), name="discord")
    # `grade` and `grade-eval` stay top-level commands (no group name).
    target.add_typer(
        build_grade_app(load_bank=_bank_from_settings, load_judge=_judge_from_settings)
    )


def _discord_app() -> typer.Typer:
    from bot.adapters.discord.cli import build_discord_app

    return build_discord_app(_settings)


def _bank_from_settings() -> Bank:
    from bot.runtime import load_bank

    return load_bank(_settings())


def _judge_from_settings() -> LLMJudge | None:
    from bot.runtime import build_judge

    return build_judge(_settings())


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    first = next((a for a in args if not a.startswith("-")), None)
    if first not in _OWN_COMMANDS:
        _add_command_groups(app)
    app(args=args, prog_name="interview-bot")
