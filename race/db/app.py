"""Wiring the results database into the app: engine, schema check, a session per request."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from race.db import migrate
from race.db.engine import make_engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Database:
    """The app's engine and session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def init_app(app: Flask) -> Database:
    """Connect the app to ``DATABASE_URL`` and refuse to start on a schema that is behind.

    The one exception is SQLite, the embedded default: a new, empty file is given the
    schema on the spot (and a test app's is migrated). A database that cannot be
    reached at start-up only logs a warning: races go on, and finished ones wait in the
    store's outbox until it is back.
    """
    engine = make_engine(str(app.config["DATABASE_URL"]))
    try:
        migrate.check(engine)
    except migrate.SchemaBehind:
        embedded = engine.dialect.name == "sqlite"
        if not (embedded and (app.config.get("TESTING") or not inspect(engine).get_table_names())):
            raise
        migrate.upgrade(engine)
    except OperationalError as exc:
        url = engine.url.render_as_string(hide_password=True)
        log.warning("database %s unreachable at start-up (%s); results will wait", url, exc)
    db = Database(engine, sessionmaker(engine, expire_on_commit=False))
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
