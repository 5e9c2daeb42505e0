"""The ``race`` command: serve CodeRace and re-verify stored keystroke logs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from race.config import Config
from race.config import SettingError
from race.core.keylog import LogError
from race.core.keylog import parse_log
from race.core.review import review
from race.db.cli import db
from race.db.cli import migrate_embedded
from race.outbox_cli import outbox


@click.group()
def main() -> None:
    """CodeRace: real-time typing races for code."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def run(host: str, port: int) -> None:
    """Serve CodeRace on the embedded default (or as configured by the environment).

    The embedded SQLite database is migrated first; any other database must already be
    (``race db upgrade``), or the server refuses to start.
    """
    try:
        Config()
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    migrate_embedded()
    # A fresh interpreter, so the async library's monkey patching comes before any import.
    argv = [sys.executable, "-m", "race.serve", "--host", host, "--port", str(port)]
    os.execv(sys.executable, argv)  # noqa: S606


@main.command()
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path))
def verify(logs: tuple[Path, ...]) -> None:
    """Print the server's verdict for each keystroke log, one JSON object per line."""
    failed = False
    for path in logs:
        try:
            with path.open(encoding="utf-8") as fh:
                log = parse_log(fh, str(path))
        except LogError as exc:
            click.echo(f"race verify: {exc}", err=True)
            failed = True
            continue
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"race verify: {path}:0: cannot read ({exc})", err=True)
            failed = True
            continue
        result = review(log)
        fig, verdict = result.figures, result.verdict
        line = {
            "file": str(path),
            "wpm": fig.net_wpm,
            "raw_wpm": fig.raw_wpm,
            "accuracy": fig.accuracy,
            "consistency": fig.consistency,
            "completed": fig.completed,
            "flagged": verdict.flagged,
            "reasons": [{"code": r.code, "message": r.message} for r in verdict.reasons],
        }
        click.echo(json.dumps(line, ensure_ascii=False))
    if failed:
        sys.exit(2)


main.add_command(db)
main.add_command(outbox)
