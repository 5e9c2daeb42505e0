"""Fault-test fixtures: live-race fixtures, plus real workers on a shared Postgres schema."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from race.db import migrate
from race.db.engine import make_engine
from tests.db.conftest import postgres_schema
from tests.db.proxy import Proxy
from tests.realtime.conftest import FAST
from tests.realtime.conftest import connect
from tests.realtime.conftest import corpus
from tests.realtime.conftest import server
from tests.realtime.conftest import server_factory
from tests.scale.cluster import Cluster
from tests.scale.conftest import corpus_dir
from tests.services import POSTGRES_URL
from tests.services import REDIS_URL

__all__ = ["connect", "corpus", "corpus_dir", "server", "server_factory"]


@pytest.fixture
def results_db() -> Iterator[tuple[str, Engine]]:
    """A fresh, migrated schema on the real Postgres: (its schema name, an engine on it)."""
    with postgres_schema() as schema:
        engine = make_engine(POSTGRES_URL, schema=schema)
        migrate.upgrade(engine)
        yield schema, engine
        engine.dispose()


@pytest.fixture
def db_proxy() -> Iterator[Proxy]:
    """A proxy in front of the real Postgres that a test can cut and restore."""
    proxy = Proxy(("127.0.0.1", 5432))
    yield proxy
    proxy.close()


def worker_db_url(schema: str, port: int | None = None) -> str:
    """Return the DATABASE_URL workers use for a schema of the test database (through a
    proxy port if given)."""
    url = make_url(POSTGRES_URL)
    if port is not None:
        url = url.set(port=port)
    options = quote(f"-csearch_path={schema}")
    return f"{url.render_as_string(hide_password=False)}?options={options}"


@pytest.fixture
def workers(tmp_path: Path, corpus_dir: Path) -> Iterator[Callable[..., Cluster]]:
    """Return a factory of worker clusters; all are stopped afterwards.

    ``healthy=False`` only starts the processes (a test of a worker that reports a fault).
    """
    made: list[Cluster] = []

    def make(
        count: int,
        database_url: str,
        redis_url: str = REDIS_URL,
        worker_type: str = "eventlet",
        env: dict[str, str] | None = None,
        *,
        healthy: bool = True,
    ) -> Cluster:
        cluster = Cluster(
            tmp_path / f"cluster{len(made)}",
            count,
            worker_type,
            redis_url=redis_url,
            timing=FAST,
            corpus=corpus_dir,
            env={"DATABASE_URL": database_url, **(env or {})},
        )
        cluster.folder.mkdir(parents=True, exist_ok=True)
        made.append(cluster)
        if healthy:  # wait for each to answer /healthz with 200
            return cluster.start()
        for i in range(count):
            cluster.spawn(i)
        return cluster

    yield make
    for cluster in made:
        cluster.stop()
        with contextlib.suppress(redis.RedisError):
            client = redis.Redis.from_url(cluster.env["REDIS_URL"], socket_connect_timeout=1)
            keys = list(client.scan_iter(match=cluster.prefix + "*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
