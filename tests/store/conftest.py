"""The store fixture: every contract test runs against the in-process store, the real
Redis, and a real local Redis Cluster (three masters started for the session)."""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Callable
from collections.abc import Iterator

import pytest
import redis

from race.store.base import Store
from race.store.base import wall_ms
from race.store.client import connect
from race.store.client import connect_cluster
from race.store.keys import CLUSTER_SHARDS
from race.store.memory import MemoryStore
from race.store.redis import RedisStore
from tests.services import REDIS_URL
from tests.services import local_cluster
from tests.services import unavailable

STORES = ["memory", "redis", "cluster"]


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


@pytest.fixture(scope="session")
def redis_cluster_nodes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[tuple[str, int]]]:
    """Start a local Redis Cluster for the session (skip, or fail in CI, if it cannot)."""
    stack = contextlib.ExitStack()
    try:
        nodes = stack.enter_context(local_cluster(tmp_path_factory.mktemp("redis-cluster")))
    except (OSError, subprocess.SubprocessError, TimeoutError) as exc:
        stack.close()
        unavailable("Redis Cluster", exc)
    with stack:
        yield nodes


@pytest.fixture
def cluster_client(redis_cluster_nodes: list[tuple[str, int]]) -> Iterator[redis.RedisCluster]:
    """Return a client of the local Redis Cluster."""
    client = connect_cluster(redis_cluster_nodes)
    yield client
    client.close()


def redis_store(
    client: redis.Redis | redis.RedisCluster, clock: Callable[[], int] = wall_ms, shards: int = 1
) -> Iterator[RedisStore]:
    """Yield a Redis store on a fresh key prefix, and delete its keys afterwards."""
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    yield RedisStore(client, prefix=prefix, clock=clock, shards=shards)
    for key in list(client.scan_iter(match=prefix + "*", count=1000)):
        client.delete(key)


def _store(request: pytest.FixtureRequest, clock: Callable[[], int]) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore(clock=clock)
    elif request.param == "redis":
        yield from redis_store(request.getfixturevalue("redis_client"), clock)
    else:
        yield from redis_store(request.getfixturevalue("cluster_client"), clock, CLUSTER_SHARDS)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Return each store implementation in turn."""
    yield from _store(request, wall_ms)


class Clock:
    """A clock a test moves by hand (ms)."""

    def __init__(self) -> None:
        self.now = wall_ms()

    def __call__(self) -> int:
        return self.now


@pytest.fixture(params=STORES)
def clocked(request: pytest.FixtureRequest) -> Iterator[tuple[Store, Clock]]:
    """Return each store implementation in turn, on a clock the test moves."""
    clock = Clock()
    for store in _store(request, clock):
        yield store, clock
