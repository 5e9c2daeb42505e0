"""Building the SQLAlchemy engine for the results database (Postgres or SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url

#: Server-side limit on one statement (ms): a stuck query cannot hold a connection forever.
STATEMENT_TIMEOUT_MS = 15_000


def make_engine(url: str, *, schema: str | None = None, **options: Any) -> Engine:
    """Return an engine for ``url``; ``schema`` puts Postgres tables in that schema.

    Postgres: psycopg2 (made cooperative by ``eventlet.monkey_patch()``), pre-ping so a
    restarted server is noticed, TCP keepalives so a vanished one is, and a statement
    timeout. SQLite: its folder made if missing, foreign keys on, write-ahead log, and a
    busy timeout.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"DATABASE_URL must be postgresql or sqlite, not {parsed.drivername}")
    given = parsed.query.get("options", "")  # e.g. ?options=-csearch_path%3Dx in the URL
    given = " ".join(given) if isinstance(given, tuple) else given
    pg_options = f"{given} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()
    if schema:
        pg_options += f" -c search_path={schema}"
    connect_args = {
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "options": pg_options,
        "application_name": "coderace",
    }
    defaults: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": 10,
        "pool_recycle": 1800,
        "connect_args": connect_args,
    }
    return create_engine(url, **{**defaults, **options})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
