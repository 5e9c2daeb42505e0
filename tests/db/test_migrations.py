"""Alembic migrations: they build exactly the models' schema, and the app checks it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from race import create_app
from race.config import Config
from race.db import migrate
from race.db.app import HEALTH_CACHE_S
from race.db.engine import make_engine
from race.db.models import Base
from tests.db.conftest import postgres_schema
from tests.db.proxy import Proxy
from tests.services import POSTGRES_URL


def test_migrations_build_the_models_schema(blank: Callable[[], Engine]) -> None:
    engine = blank()
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(blank: Callable[[], Engine]) -> None:
    engine = blank()
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert {"players", "snippets", "races", "results", "keylogs", "bests"} <= set(
        inspect(engine).get_table_names()
    )


def test_check_says_how_to_migrate(blank: Callable[[], Engine]) -> None:
    engine = blank()
    with pytest.raises(migrate.SchemaBehind, match=r"race db upgrade.*make migrate"):
        migrate.check(engine)
    migrate.upgrade(engine)
    migrate.check(engine)


def test_an_unknown_revision_is_refused(blank: Callable[[], Engine]) -> None:
    engine = blank()
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    with pytest.raises(migrate.SchemaBehind, match="does not know"):
        migrate.check(engine)


def _config(tmp_path: Path, **extra: str) -> Config:
    return Config(
        {"CODERACE_INSTANCE": str(tmp_path / "instance"), "CODERACE_WORKER": "threading", **extra}
    )


def test_the_app_refuses_a_database_that_is_behind(tmp_path: Path) -> None:
    config = _config(tmp_path)
    engine = make_engine(str(config.DATABASE_URL))
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")  # a database from before the first migration
    engine.dispose()
    with pytest.raises(migrate.SchemaBehind, match=r"`race db upgrade` \(or `make migrate`\)"):
        create_app(config)


def test_a_new_embedded_database_gets_the_schema(tmp_path: Path) -> None:
    app = create_app(_config(tmp_path))
    assert migrate.current(app.extensions["coderace_db"].engine) == migrate.head()


def test_the_app_starts_once_migrated(tmp_path: Path) -> None:
    config = _config(tmp_path)
    engine = make_engine(str(config.DATABASE_URL))
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(config)
    assert app.extensions["coderace_db"].engine.url.database.endswith("coderace.db")


def test_a_test_app_on_sqlite_migrates_itself(tmp_path: Path) -> None:
    app = create_app(_config(tmp_path, CODERACE_TESTING="1"))
    assert migrate.current(app.extensions["coderace_db"].engine) == migrate.head()


def test_the_app_starts_while_the_database_is_unreachable(tmp_path: Path) -> None:
    url = "postgresql+psycopg2://postgres@127.0.0.1:1/none"
    app = create_app(_config(tmp_path, DATABASE_URL=url))
    assert "database" in app.extensions["coderace_health"]


@pytest.mark.integration
def test_a_schema_unseen_at_start_up_is_checked_once_the_database_answers(
    tmp_path: Path,
) -> None:
    url = make_url(POSTGRES_URL)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.set("down")
    try:
        with postgres_schema() as schema:  # an empty schema: behind the code
            options = quote(f"-csearch_path={schema}")
            through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
            app = create_app(_config(tmp_path, DATABASE_URL=f"{through}?options={options}"))
            client = app.test_client()

            def says(state: str) -> bool:  # an answer is kept HEALTH_CACHE_S: ask again
                deadline = time.monotonic() + HEALTH_CACHE_S + 5
                while client.get("/healthz").get_json()["database"] != state:
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.1)
                return True

            assert says("error: OperationalError")
            proxy.set("up")
            assert says("error: SchemaBehind")
            engine = make_engine(POSTGRES_URL, schema=schema)
            migrate.upgrade(engine)
            engine.dispose()
            assert says("ok")
            app.extensions["coderace_db"].engine.dispose()
    finally:
        proxy.close()
