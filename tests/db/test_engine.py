"""The engine's settings on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from race.db.engine import make_engine
from tests.db.conftest import postgres_schema
from tests.services import POSTGRES_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def schema() -> Iterator[str]:
    """Return an empty schema of its own."""
    with postgres_schema() as name:
        yield name


def settings(engine: Engine) -> tuple[str, str]:
    with engine.connect() as connection:
        path = connection.scalar(text("SHOW search_path"))
        timeout = connection.scalar(text("SHOW statement_timeout"))
    engine.dispose()
    return str(path), str(timeout)


def test_a_statement_timeout_is_always_set(schema: str) -> None:
    assert settings(make_engine(POSTGRES_URL, schema=schema)) == (schema, "15s")


def test_options_in_the_url_are_kept(schema: str) -> None:
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    assert settings(make_engine(url)) == (schema, "15s")
