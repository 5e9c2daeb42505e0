"""A worker starting while Postgres accepts TCP and never answers: it starts, races, says
the database is down, and catches up once Postgres answers again.

A real eventlet (and gevent) worker process, our proxy in front of the real Postgres as
its ``DATABASE_URL``, in ``hang`` mode (a black hole) until the test turns it ``up``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from sqlalchemy import Engine

from race.core.course import Course
from race.core.course import ideal_keys
from race.db import green
from race.db.app import HEALTH_S
from race.db.models import Race
from race.db.models import Result
from tests.db.proxy import Proxy
from tests.faults.conftest import worker_db_url
from tests.faults.test_failures import metric
from tests.faults.test_failures import private_race
from tests.faults.test_failures import rows
from tests.faults.test_failures import type_all
from tests.faults.test_failures import wait_for
from tests.realtime.harness import Client
from tests.scale.cluster import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]
#: Start-up: the schema check gives up after CONNECT_S; the rest (imports, corpus) ~3 s.
START_S = green.CONNECT_S + 10


def health(url: str) -> tuple[int, dict[str, str], float]:
    """Return /healthz's status, body and how long it took."""
    began = time.monotonic()
    answer = requests.get(url + "/healthz", timeout=30)
    return answer.status_code, answer.json(), time.monotonic() - began


@pytest.mark.parametrize("worker", ["eventlet", "gevent"])
def test_a_worker_starts_races_and_recovers_while_postgres_hangs(
    worker: str,
    workers: Callable[..., Cluster],
    results_db: tuple[str, Engine],
    db_proxy: Proxy,
) -> None:
    schema, engine = results_db
    db_proxy.set("hang")
    began = time.monotonic()
    cluster = workers(1, worker_db_url(schema, db_proxy.port), worker_type=worker, healthy=False)
    url = cluster.urls[0]
    try:
        wait_for(lambda: _answers(url), START_S, f"the worker to start:\n{cluster.log(0)}")
        assert time.monotonic() - began < START_S
        status, body, took = health(url)
        assert status == 503 and body["database"].startswith("error"), body
        assert body["store"] == "ok"
        assert took < HEALTH_S + 1, took  # the health check is bounded too
        assert requests.get(url + "/", timeout=5).status_code == 200  # pages are served

        a, b = Client(url, name="Ann"), Client(url, name="Ben")
        room = private_race(a, [b])  # the race path needs no database
        type_all([a, b], ideal_keys(Course(room["snippet"]["text"])), room["starts_at"])
        assert all(s["completed"] for s in a.wait("standings", timeout=15)["standings"])
        wait_for(lambda: metric(url, "coderace_outbox_waiting") == 1, 10, "the outbox")
        a.close()
        b.close()
        race_id = room["race_id"]
        assert rows(engine, Race, id=race_id) == 0

        db_proxy.set("up")  # Postgres answers again
        wait_for(lambda: health(url)[0] == 200, 30, "/healthz to say ok")
        wait_for(lambda: rows(engine, Race, id=race_id) == 1, 30, "the race written")
        assert rows(engine, Result, race_id=race_id) == 2
        wait_for(lambda: metric(url, "coderace_outbox_waiting") == 0, 10, "an empty outbox")
    finally:
        cluster.stop()


def _answers(url: str) -> bool:
    try:
        requests.get(url + "/healthz", timeout=HEALTH_S + 5)
    except requests.ConnectionError:
        return False
    return True
