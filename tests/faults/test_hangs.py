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
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from race.db import green
from tests.db.proxy import Proxy
from tests.services import POSTGRES_URL
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
    worker: str, service: str, hole: Proxy, proxy: Proxy, *flags: str
) -> list[dict[str, Any]]:
    """Run the probe; freeze the proxy when it is connected; return its figures by step."""
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
        stuck = threading.Timer(PROBE_LIMIT_S, proc.kill)  # a call that never fails
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
            assert proc.wait() == 0, f"the probe was stopped after {PROBE_LIMIT_S} s: {figures}"
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
