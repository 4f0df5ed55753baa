"""The `interview-bot content …` commands: import, validate, stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from content.checks import load_exclusions, validate
from content.importer.run import run_import
from content.loader import SHIPPED_BANK_DIR, BankError, load_bank
from content.stats import bank_stats, render_stats

content_app = typer.Typer(help="Question bank: import seeds, validate, show statistics.")

SeedsOption = Annotated[
    Path | None,
    typer.Option(help="Folder of seed files: also check/count every question line in them."),
]


@content_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Markdown/text files in a supported layout.")],
    bank: Annotated[
        Path, typer.Option(help="Bank folder to merge into (default: the shipped bank).")
    ] = SHIPPED_BANK_DIR,
    dry_run: Annotated[bool, typer.Option(help="Report only; write nothing.")] = False,
) -> None:
    """Import questions; curated answers, key points and topics are never overwritten."""
    outcome = run_import(files, bank, dry_run=dry_run)
    for problem in outcome.problems:
        typer.echo(f"{problem}", err=True)
    if not outcome.ok or outcome.report is None:
        typer.echo("nothing was written", err=True)
        raise typer.Exit(1)
    report = outcome.report
    for parsed in outcome.parsed:
        typer.echo(f"{parsed.file}: layout {parsed.layout}, {len(parsed.questions)} questions")
    typer.echo(
        f"matched {report.matched}, new drafts {len(report.drafted)} (needs_review), "
        f"new sources {report.added_sources}, new variants {report.added_variants}, "
        f"newly excluded {report.newly_excluded}"
    )
    for skipped in report.skipped:
        typer.echo(f"skipped {skipped}", err=True)
    for path in outcome.written:
        typer.echo(f"wrote {path}")


@content_app.command("validate")
def validate_command(
    dirs: Annotated[list[Path] | None, typer.Argument(help="Extra bank folders.")] = None,
    no_shipped: Annotated[bool, typer.Option(help="Check only the given folders.")] = False,
    seeds: SeedsOption = None,
) -> None:
    """Exit 1 with file:line: problem for every problem found."""
    problems = validate(dirs or [], shipped=not no_shipped, seeds=seeds)
    for problem in problems:
        typer.echo(problem)
    if problems:
        raise typer.Exit(1)
    typer.echo("bank is valid")


@content_app.command("stats")
def stats_command(
    dirs: Annotated[list[Path] | None, typer.Argument(help="Extra bank folders.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    seeds: SeedsOption = None,
) -> None:
    """Questions per seed file, merged, excluded, bank size, per topic and difficulty."""
    folders = dirs or []
    try:
        bank = load_bank(folders)
        excluded = load_exclusions([SHIPPED_BANK_DIR, *folders])
    except BankError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1) from exc
    stats = bank_stats(bank, excluded, seeds)
    if as_json:
        typer.echo(json.dumps(stats.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_stats(stats, bank))
