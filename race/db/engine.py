"""Building the SQLAlchemy engine for the results database (Postgres or SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url

from race.db import green

#: Server-side limit on one statement (ms): a stuck query cannot hold a connection forever.
STATEMENT_TIMEOUT_MS = 15_000
#: libpq's own connect limit (s); it applies only when the driver blocks (no async worker).
#: Green connections get ``green.CONNECT_S`` from the wait callback instead.
CONNECT_TIMEOUT_S = int(green.CONNECT_S)
#: Sent data left unacknowledged this long (ms) aborts the connection in the kernel: a
#: server or route that vanished mid-write is noticed even with the driver blocking.
TCP_USER_TIMEOUT_MS = 20_000
#: Keepalive probes on idle pooled connections: the first after 30 s idle, then every
#: 10 s; 3 unanswered probes drop the connection (a peer gone without a word).
KEEPALIVE_IDLE_S = 30
KEEPALIVE_INTERVAL_S = 10
KEEPALIVE_COUNT = 3
#: Longest a caller waits for a free connection of the pool (s).
POOL_TIMEOUT_S = 10


def make_engine(url: str, *, schema: str | None = None, **options: Any) -> Engine:
    """Return an engine for ``url``; ``schema`` puts Postgres tables in that schema.

    Postgres: psycopg2 (made cooperative by the async worker, with a deadline on every
    wait: ``race.db.green``), pre-ping so a restarted server is noticed, TCP keepalives
    and a TCP user timeout so a vanished one is, and a statement timeout. SQLite: its
    folder made if missing, foreign keys on, write-ahead log, and a busy timeout.
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
    green.install()
    given = parsed.query.get("options", "")  # e.g. ?options=-csearch_path%3Dx in the URL
    given = " ".join(given) if isinstance(given, tuple) else given
    pg_options = f"{given} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()
    if schema:
        pg_options += f" -c search_path={schema}"
    connect_args = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_S,
        "keepalives_interval": KEEPALIVE_INTERVAL_S,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "options": pg_options,
        "application_name": "coderace",
    }
    defaults: dict[str, Any] = {"pool_pre_ping": True, "connect_args": connect_args}
    if "poolclass" not in options:  # a NullPool (health checks) takes no sizes
        defaults |= {
            "pool_size": 5,
            "max_overflow": 10,
            "pool_timeout": POOL_TIMEOUT_S,
            "pool_recycle": 1800,
        }
    return create_engine(url, **{**defaults, **options})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
