"""Alembic, configured in code: upgrade, current revision, and the start-up check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HOW_TO = "run `race db upgrade` (or `make migrate`) with the same DATABASE_URL"


class SchemaBehind(RuntimeError):
    """The database's schema is not the one this code needs."""


def alembic_config(engine: Engine | None = None) -> Config:
    """Return Alembic's configuration; migrations run on ``engine`` (see env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head() -> str:
    """Return the newest revision the code knows."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    """Return the database's revision (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` drops everything)."""
    command.downgrade(alembic_config(engine), revision)


def check(engine: Engine) -> None:
    """Raise ``SchemaBehind`` unless the database is at the code's newest revision."""
    at, want = current(engine), head()
    if at == want:
        return
    url = engine.url.render_as_string(hide_password=True)
    if at is None:
        raise SchemaBehind(f"the database {url} has no CodeRace schema yet: {HOW_TO}")
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if at not in known:
        raise SchemaBehind(
            f"the database {url} is at revision {at}, which this code does not know "
            f"(newer code migrated it?); deploy the matching code"
        )
    raise SchemaBehind(f"the database {url} is at revision {at}, the code needs {want}: {HOW_TO}")
