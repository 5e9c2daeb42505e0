"""The store fixture: every contract test runs against the in-process and the Redis store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from collections.abc import Iterator

import pytest
import redis

from race.store.base import Store
from race.store.base import wall_ms
from race.store.client import connect
from race.store.memory import MemoryStore
from race.store.redis import RedisStore
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


def redis_store(client: redis.Redis, clock: Callable[[], int] = wall_ms) -> Iterator[RedisStore]:
    """Yield a Redis store on a fresh key prefix, and delete its keys afterwards."""
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    yield RedisStore(client, prefix=prefix, clock=clock)
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


class Clock:
    """A clock a test moves by hand (ms)."""

    def __init__(self) -> None:
        self.now = wall_ms()

    def __call__(self) -> int:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def clocked(request: pytest.FixtureRequest) -> Iterator[tuple[Store, Clock]]:
    """Return each store implementation in turn, on a clock the test moves."""
    clock = Clock()
    if request.param == "memory":
        yield MemoryStore(clock=clock), clock
        return
    for store in redis_store(request.getfixturevalue("redis_client"), clock):
        yield store, clock
