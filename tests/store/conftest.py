"""The store fixture: every contract test runs against the in-process and the Redis store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from race.store.base import Store
from race.store.memory import MemoryStore
from race.store.redis import RedisStore
from race.store.redis import connect
from tests.services import REDIS_URL
from tests.services import unavailable


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """Return a client of the real Redis (skip or fail if it is not running)."""
    client = connect(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    yield client
    client.close()


def redis_store(client: redis.Redis) -> Iterator[RedisStore]:
    """Yield a Redis store on a fresh key prefix, and delete its keys afterwards."""
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    yield RedisStore(client, prefix=prefix)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Return each store implementation in turn."""
    if request.param == "memory":
        yield MemoryStore()
        return
    yield from redis_store(request.getfixturevalue("redis_client"))
