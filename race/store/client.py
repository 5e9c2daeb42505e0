"""The Redis clients of the store (one server, or a cluster): every call bounded in time,
even by a silent peer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis as redis_lib
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode
from redis.retry import Retry

from race.store.keys import CLUSTER_SHARDS
from race.store.redis import RedisStore

#: Longest a new connection to Redis may take (s).
CONNECT_TIMEOUT_S = 5.0
#: Longest one reply may take (s); our slowest command answers in milliseconds, and a
#: worker's hub can stall for a few hundred under load, so this is far from both.
REPLY_TIMEOUT_S = 5.0
#: Longest a call waits for a free connection of the pool (s).
POOL_TIMEOUT_S = 5.0
#: A connection idle this long is pinged before use (s), so a dead one is replaced.
HEALTH_CHECK_S = 10
#: No retries inside the client: a store error reaches the caller at once, and the
#: callers retry (the client resends its batch, the heartbeat beats again).
RETRIES = 0
#: The worst a call can take: a free connection, a connect, the hello or health check,
#: then the reply.
CALL_BOUND_S = POOL_TIMEOUT_S + CONNECT_TIMEOUT_S + 2 * REPLY_TIMEOUT_S


def connect(url: str, max_connections: int = 64) -> redis_lib.Redis:
    """Return a client whose every call ends within its bounds (timeouts, health checks).

    The pool blocks (up to ``POOL_TIMEOUT_S``) instead of failing when every connection
    is busy, so a burst of events waits for a connection rather than erroring out. A
    call to a Redis that accepts TCP and never answers raises ``redis.TimeoutError``
    after ``REPLY_TIMEOUT_S`` (``tests/faults/test_hangs.py``); at worst a call waits
    for a connection, connects, says hello and is answered: ``CALL_BOUND_S``.
    """
    pool = redis_lib.BlockingConnectionPool.from_url(
        url, max_connections=max_connections, **_bounds()
    )
    return redis_lib.Redis(connection_pool=pool)


def _bounds() -> dict[str, Any]:
    """Return the pool and connection options that bound every call (both clients)."""
    return {
        "timeout": POOL_TIMEOUT_S,
        "decode_responses": True,
        "socket_timeout": REPLY_TIMEOUT_S,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "socket_keepalive": True,
        "health_check_interval": HEALTH_CHECK_S,
        "retry": Retry(NoBackoff(), RETRIES),
    }


def connect_cluster(
    nodes: Sequence[tuple[str, int]], max_connections: int = 64
) -> redis_lib.RedisCluster:
    """Return a Redis Cluster client with the same bounds as ``connect``, per node.

    ``nodes`` are seeds (host, port): the client asks them for the cluster's slots and
    connects to every primary it learns of. Each node's pool blocks up to
    ``POOL_TIMEOUT_S`` for one of its ``max_connections``; replies, connects and health
    checks are bounded as in ``connect``, so a call to one node takes at most
    ``CALL_BOUND_S``. With ``RETRIES`` (none), a redirect (MOVED, while slots move
    between nodes) reaches the caller as an error once; the client refreshes its slot
    map and the caller's next call goes to the right node.
    """
    if not nodes:
        raise ValueError("a Redis Cluster needs at least one seed node")
    (host, port), *others = nodes
    return redis_lib.RedisCluster(
        # A URL seed makes every node's pool the class given here (BlockingConnectionPool).
        url=f"redis://{host}:{port}",
        startup_nodes=[ClusterNode(h, p) for h, p in others],  # type: ignore[no-untyped-call]
        connection_pool_class=redis_lib.BlockingConnectionPool,
        max_connections=max_connections,
        **_bounds(),
    )


def open_store(
    url: str | None,
    nodes: Sequence[tuple[str, int]] | None,
    prefix: str = "cr:",
    shards: int = CLUSTER_SHARDS,
) -> RedisStore | None:
    """Return the shared store of a deployment: on one Redis (``url``, one shard) or on
    a cluster (``nodes``, ``shards`` shards); None if it has neither (embedded mode)."""
    if nodes:
        return RedisStore(connect_cluster(nodes), prefix=prefix, shards=shards)
    if url:
        return RedisStore(connect(url), prefix=prefix)
    return None


def limits_url(url: str | None, nodes: Sequence[tuple[str, int]] | None) -> str | None:
    """Return the ``limits`` library's storage URL for the same Redis (or cluster)."""
    if nodes:
        return "redis+cluster://" + ",".join(f"{h}:{p}" for h, p in nodes)
    return url
