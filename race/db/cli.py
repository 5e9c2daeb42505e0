"""The ``race db`` commands: migrate the results database and say where it stands.

SQLAlchemy is imported inside the commands, so ``race`` itself starts fast.
"""

from __future__ import annotations

import sys
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

URL_HELP = "Database URL (default: DATABASE_URL, else SQLite under instance/)."


def _engine(url: str | None) -> Engine:
    from race.config import Config
    from race.db.engine import make_engine

    return make_engine(url or str(Config().DATABASE_URL))


@click.group("db")
def db() -> None:
    """The results database: migrations and maintenance."""


@db.command()
@click.option("--url", default=None, help=URL_HELP)
@click.option("--revision", default="head", show_default=True, help="Revision to reach.")
def upgrade(url: str | None, revision: str) -> None:
    """Migrate the database up to the newest schema (or --revision); store the corpus."""
    from race.db import migrate

    engine = _engine(url)
    before = migrate.current(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current(engine)
    where = engine.url.render_as_string(hide_password=True)
    added = _sync(engine) if revision == "head" else 0
    engine.dispose()
    moved = f"{before or 'empty'} -> {after}" if before != after else f"already at {after}"
    click.echo(f"{where}: {moved}; {added} new snippet versions from the corpus")


def _sync(engine: Engine) -> int:
    """Store the corpus's snippet versions (CODERACE_CORPUS, else the built-in one)."""
    from pathlib import Path

    from sqlalchemy.orm import Session

    from race.config import Config
    from race.corpus import builtin
    from race.corpus import load_dir
    from race.db.write import sync_corpus

    folder = Config().CORPUS_DIR
    corpus = load_dir(Path(folder)) if folder else builtin()
    with Session(engine) as session, session.begin():
        return sync_corpus(session, corpus, datetime.now(UTC))


@db.command()
@click.option("--url", default=None, help=URL_HELP)
def current(url: str | None) -> None:
    """Print the database's revision and the code's; exit 1 if the database is behind."""
    from race.db import migrate

    engine = _engine(url)
    at, want = migrate.current(engine), migrate.head()
    engine.dispose()
    click.echo(f"database: {at or 'empty'}\ncode:     {want}")
    if at != want:
        click.echo(f"not current: {migrate.HOW_TO}", err=True)
        sys.exit(1)


@db.command("rebuild-bests")
@click.option("--url", default=None, help=URL_HELP)
def rebuild_bests(url: str | None) -> None:
    """Recompute the leaderboards' personal bests from the results."""
    from sqlalchemy.orm import Session

    from race.db import bests

    engine = _engine(url)
    with Session(engine) as session, session.begin():
        rows = bests.rebuild(session, datetime.now(UTC))
    engine.dispose()
    click.echo(f"{rows} bests rebuilt")


def migrate_embedded() -> None:
    """Bring an embedded SQLite database up to date (``race run`` does this first)."""
    from race.db import migrate

    engine = _engine(None)
    if engine.dialect.name == "sqlite":
        migrate.upgrade(engine)
        _sync(engine)
    engine.dispose()
