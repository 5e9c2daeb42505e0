"""Database fixtures: every test runs against SQLite and the real PostgreSQL.

PostgreSQL gets a fresh schema per test run (``test_<random>`` on the ``search_path``),
dropped at the end; each test starts from empty tables.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from race.db import migrate
from race.db.engine import make_engine
from race.db.models import Base
from tests.services import POSTGRES_URL
from tests.services import unavailable


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """Create a fresh schema in the test database; drop it afterwards."""
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        unavailable("PostgreSQL", exc)
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Return the name of the database the tests run against."""
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Return a migrated engine for the backend (one database per test run)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "results.db"
        made = make_engine(f"sqlite:///{path}")
        migrate.upgrade(made)
        yield made
        made.dispose()
        return
    with postgres_schema() as schema:
        made = make_engine(POSTGRES_URL, schema=schema)
        migrate.upgrade(made)
        yield made
        made.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """Return the engine with empty tables; empty them again after the test."""
    _empty(engine)
    yield engine
    _empty(engine)


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    """Return a session on the emptied database (the test commits if it wants to)."""
    with Session(db) as opened:
        yield opened


@pytest.fixture
def blank(backend: str, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """Return a factory of engines on databases with no schema at all."""
    with contextlib.ExitStack() as stack:
        made: list[Engine] = []

        def make() -> Engine:
            if backend == "sqlite":
                engine = make_engine(f"sqlite:///{tmp_path / f'blank{len(made)}.db'}")
            else:
                schema = stack.enter_context(postgres_schema())
                engine = make_engine(POSTGRES_URL, schema=schema)
            made.append(engine)
            stack.callback(engine.dispose)
            return engine

        yield make
