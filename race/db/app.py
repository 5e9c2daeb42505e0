"""Wiring the results database into the app: engine, schema check, a session per request."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from dataclasses import field

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from race.db import green
from race.db import migrate
from race.db.analyses import Analyses
from race.db.engine import make_engine

log = logging.getLogger(__name__)


#: Longest a health check waits on the database (s), connecting included: a hung
#: database reports down within it (green workers; a blocking driver has libpq's 5 s).
HEALTH_S = 2.0
#: A probe's answer serves every health check for this long (s): at most one database
#: connection a second per worker, however often ``/healthz`` is asked.
HEALTH_CACHE_S = 1.0


@dataclass
class Database:
    """The app's engine and session factory, and a pool-less engine for health checks."""

    engine: Engine
    sessions: sessionmaker[Session]
    health: Engine
    #: Whether the schema was found current; False while the database was unreachable
    #: from start-up on (the first health check that reaches it checks it then).
    checked: bool = True
    #: The error analyses of the races read last (``GET /api/races/<id>``).
    analyses: Analyses = field(default_factory=Analyses)

    _probe: threading.Lock = field(default_factory=threading.Lock)
    #: The last probe: when it ended (monotonic s) and what it raised (None: healthy).
    _last: tuple[float, Exception | None] = (-HEALTH_CACHE_S, None)

    def ping(self) -> None:
        """Raise if the database cannot be reached (or its schema is behind).

        ``/healthz`` is public: one probe runs at a time per worker and its answer serves
        every check for ``HEALTH_CACHE_S``, so no flood of checks opens connections."""
        with self._probe:
            at, error = self._last
            if time.monotonic() - at >= HEALTH_CACHE_S:
                error = None
                try:
                    self._ping()
                except Exception as exc:
                    error = exc
                self._last = (time.monotonic(), error)
        if error is not None:
            raise error.with_traceback(None)

    def _ping(self) -> None:
        with green.bounded(HEALTH_S), self.health.connect() as connection:
            connection.execute(text("SELECT 1"))
            if not self.checked:
                migrate.check(self.health)
                self.checked = True


def init_app(app: Flask) -> Database:
    """Connect the app to ``DATABASE_URL`` and refuse to start on a schema that is behind.

    The one exception is SQLite, the embedded default: a new, empty file is given the
    schema on the spot (and a test app's is migrated). A database that cannot be
    reached at start-up, or does not answer within ``green.CONNECT_S``, only logs a
    warning: the worker starts, races go on, finished ones wait in the store's outbox,
    ``/healthz`` reports the database down, and the first health check that reaches it
    checks the schema.
    """
    url = str(app.config["DATABASE_URL"])
    engine = make_engine(url)
    checked = True
    try:
        migrate.check(engine)
    except migrate.SchemaBehind:
        embedded = engine.dialect.name == "sqlite"
        if not (embedded and (app.config.get("TESTING") or not inspect(engine).get_table_names())):
            raise
        migrate.upgrade(engine)
    except OperationalError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        log.warning("database %s unreachable at start-up (%s); results will wait", shown, exc)
        checked = False
    health = make_engine(url, poolclass=NullPool)
    db = Database(engine, sessionmaker(engine, expire_on_commit=False), health, checked)
    app.extensions["coderace_db"] = db
    app.extensions.setdefault("coderace_health", {})["database"] = db.ping
    app.teardown_appcontext(_close_session)
    return db


def database(app: Flask | None = None) -> Database:
    """Return the app's database (the current app's by default)."""
    found: Database = (app or current_app).extensions["coderace_db"]
    return found


def db_session() -> Session:
    """Return this request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
