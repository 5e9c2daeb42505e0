"""A peer that accepts TCP and never answers: every call fails within its named bound.

Each case runs ``tests/faults/hang_probe.py`` in a fresh interpreter under the async
worker, against a black hole (a proxy that accepts and never answers) and a proxy in
front of the real service that the test freezes once the probe is connected.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
import redis
import socketio
from sqlalchemy.engine import make_url

from race.db import green
from race.realtime import REDIS_OPTIONS
from race.realtime import fanout
from race.realtime.fanout import QueuedRedisManager
from race.store import client
from tests.db.proxy import Proxy
from tests.services import POSTGRES_URL
from tests.services import REDIS_URL
from tests.services import unavailable

pytestmark = [pytest.mark.integration, pytest.mark.slow]
WORKERS = ["eventlet", "gevent"]
#: The client reply deadline the probe uses (the real one is 20 s: too slow for a test).
REPLY_S = 2.0
#: Slack over a bound: the waits end on a hub timer, plus the set-up of the call.
SLACK_S = 1.0
#: A probe still running after this long has a call that never fails.
PROBE_LIMIT_S = 40.0


@contextlib.contextmanager
def holes(target: tuple[str, int]) -> Iterator[tuple[Proxy, Proxy]]:
    """Return (a black hole, a proxy to ``target``)."""
    hole, proxy = Proxy(target), Proxy(target)
    hole.set("hang")
    try:
        yield hole, proxy
    finally:
        hole.close()
        proxy.close()


def probe(
    worker: str, service: str, hole: Proxy, proxy: Proxy, *flags: str, limit: float = 0
) -> list[dict[str, Any]]:
    """Run the probe; freeze the proxy when it is connected; return its figures by step.

    With a ``limit`` a probe still running then is stopped and the steps it finished are
    returned; without, that fails the test (after ``PROBE_LIMIT_S``).
    """
    args = ["--worker", worker, "--service", service]
    args += ["--hole", str(hole.port), "--proxy", str(proxy.port), *flags]
    with subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "tests.faults.hang_probe", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        figures = []
        stuck = threading.Timer(limit or PROBE_LIMIT_S, proc.kill)  # a call that never fails
        stuck.start()
        try:
            for line in proc.stdout:
                row = json.loads(line)
                if row["step"] == "ready":
                    proxy.set("freeze")
                    proc.stdin.write("frozen\n")
                    proc.stdin.flush()
                else:
                    figures.append(row)
            code = proc.wait()
            assert code == 0 or limit, f"the probe was stopped after {PROBE_LIMIT_S} s: {figures}"
        finally:
            stuck.cancel()
            proxy.set("up")
            if proc.poll() is None:
                proc.kill()
        return figures


def postgres_up() -> None:
    """Fail (in CI) or skip unless the real Postgres answers."""
    try:
        url = make_url(POSTGRES_URL)
        psycopg2.connect(
            host=url.host, port=url.port or 5432, user=url.username, dbname=url.database
        ).close()
    except psycopg2.OperationalError as exc:
        unavailable("PostgreSQL", exc)


@pytest.mark.parametrize("worker", WORKERS)
def test_postgres_calls_to_a_silent_server_fail_within_their_bounds(worker: str) -> None:
    postgres_up()
    url = make_url(POSTGRES_URL)
    with holes((url.host or "127.0.0.1", url.port or 5432)) as (hole, proxy):
        connect, statement = probe(worker, "postgres", hole, proxy, "--reply-s", str(REPLY_S))
    assert connect["step"] == "connect" and "NoReply" in connect["error"], connect
    assert green.CONNECT_S <= connect["s"] < green.CONNECT_S + SLACK_S, connect
    assert statement["step"] == "statement" and "NoReply" in statement["error"], statement
    assert REPLY_S <= statement["s"] < REPLY_S + SLACK_S, statement
    for row in (connect, statement):
        assert row["max_gap_ms"] < 100, row  # the hub kept running: the wait was green


def redis_up() -> None:
    """Fail (in CI) or skip unless the real Redis answers."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)


@pytest.mark.parametrize("worker", WORKERS)
def test_store_calls_to_a_silent_redis_fail_within_their_bound(worker: str) -> None:
    redis_up()
    url = redis.connection.parse_url(REDIS_URL)
    with holes((url.get("host", "127.0.0.1"), url.get("port", 6379))) as (hole, proxy):
        connect, statement = probe(worker, "redis", hole, proxy)
    for row in (connect, statement):
        assert row["error"].startswith("redis.exceptions.TimeoutError"), row  # a store error
        assert client.REPLY_TIMEOUT_S <= row["s"] < client.REPLY_TIMEOUT_S + SLACK_S, row
        assert row["max_gap_ms"] < 100, row


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll until ``check()`` holds; return how long it took."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - began


def test_the_message_queue_leaves_a_silent_redis_and_subscribes_again_when_it_answers() -> None:
    redis_up()
    url = redis.connection.parse_url(REDIS_URL)
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    others = redis.Redis.from_url(REDIS_URL)  # another worker, publishing
    with holes((url.get("host", "127.0.0.1"), url.get("port", 6379))) as (_, proxy):
        manager = QueuedRedisManager(
            f"redis://127.0.0.1:{proxy.port}/0", channel=channel, redis_options=REDIS_OPTIONS
        )
        server = socketio.Server(client_manager=manager, async_mode="threading")
        manager._wake = threading.Event()
        server.start_background_task(manager._writer)
        got: list[Any] = []
        threading.Thread(target=lambda: got.extend(manager._listen()), daemon=True).start()

        def heard(n: int) -> Callable[[], bool]:
            def check() -> bool:
                others.publish(channel, json.dumps({"n": n}))
                time.sleep(0.1)
                return any(json.loads(m) == {"n": n} for m in got)

            return check

        wait_for(heard(1), 10, "the listener to subscribe")
        proxy.set("wedge")  # every open connection silent for good, new ones never answered
        left = wait_for(lambda: manager.silences >= 1, fanout.SILENCE_S + 5, "the listener")
        # it heard nothing since just before the wedge: it leaves after SILENCE_S
        assert fanout.SILENCE_S - 0.5 <= left < fanout.SILENCE_S + fanout.LISTEN_POLL_S + SLACK_S
        began = time.monotonic()
        server.emit("tick", 1, to="room-a")
        assert time.monotonic() - began < 0.1  # the emitter never waits for Redis
        # two attempts, each a reply timeout: the old connection, then a new one
        bound = 2 * REDIS_OPTIONS["socket_timeout"]
        dropped = wait_for(lambda: manager.dropped == 1, bound + SLACK_S, "the drop") + 0.1
        assert dropped >= bound - 0.5
        assert manager.published == 0
        proxy.set("up")  # new connections reach Redis again; the old ones stay silent
        wait_for(heard(2), 20, "the listener to subscribe again")
        server.emit("tick", 2, to="room-a")
        wait_for(lambda: manager.published == 1, 10, "a publish after the return")
    others.close()
