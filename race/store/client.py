"""The Redis client of the store: every call bounded in time, even by a silent peer."""

from __future__ import annotations

import redis as redis_lib
from redis.backoff import NoBackoff
from redis.retry import Retry

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
        url,
        max_connections=max_connections,
        timeout=POOL_TIMEOUT_S,
        decode_responses=True,
        socket_timeout=REPLY_TIMEOUT_S,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_keepalive=True,
        health_check_interval=HEALTH_CHECK_S,
        retry=Retry(NoBackoff(), RETRIES),
    )
    return redis_lib.Redis(connection_pool=pool)
