"""Parts fail, nothing finished is lost: real workers, the real Postgres, our own Redis.

Each test runs real worker processes (``python -m race.serve``) on loopback ports,
writing results to a fresh schema of the real Postgres.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keys import Key
from race.db.models import KeyLog
from race.db.models import Race
from race.db.models import Result
from tests.db.proxy import Proxy
from tests.faults.conftest import worker_db_url
from tests.faults.services import OwnRedis
from tests.realtime.harness import Client
from tests.realtime.harness import human_gaps
from tests.realtime.harness import server_ms
from tests.scale.cluster import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]
#: How long Postgres refuses connections in the outage test (the issue says a minute).
OUTAGE_S = float(os.environ.get("FAULT_OUTAGE_S", "60"))


def stamps(keys: list[str], starts_at: int, seed: int) -> list[Key]:
    """Human-like timestamps from now on."""
    t = max(server_ms(), starts_at) - starts_at + 80
    out = []
    for gap, key in zip(human_gaps(len(keys), 110.0, seed=seed), keys, strict=True):
        t += gap
        out.append((t, key))
    return out


def send(client: Client, stamped: list[Key], starts_at: int, batch: int = 4) -> int:
    """Send keys in real time; retry a batch the server could not take. Return retries."""
    retries = 0
    for i in range(0, len(stamped), batch):
        chunk = stamped[i : i + batch]
        wait = starts_at + chunk[-1][0] - server_ms()
        if wait > 0:
            time.sleep(wait / 1000)
        while True:
            try:
                ack = client.send_keys(chunk)
            except Exception:  # the connection itself is going through a fault
                ack = {"ok": False, "code": "timeout"}
            if ack.get("ok"):
                break
            assert ack["code"] in ("unavailable", "timeout"), ack
            retries += 1
            time.sleep(0.3)
    return retries


def type_all(clients: list[Client], keys: list[str], starts_at: int) -> None:
    """Type the keys on every client at once, in real time (client i with seed i)."""
    threads = [
        threading.Thread(target=send, args=(c, stamps(keys, starts_at, i), starts_at))
        for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def rows(engine: Engine, model: type, **where: Any) -> int:
    """Count rows of a model."""
    with engine.connect() as connection:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(connection.scalar(query) or 0)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll until ``check()`` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def private_race(host: Client, guests: list[Client], snippet: str = "py-short") -> dict[str, Any]:
    """Open a private room, seat the guests, start it; return the counting-down room."""
    code = host.ok("create", {"snippet_id": snippet})["room"]["code"]
    for guest in guests:
        guest.ok("join", {"code": code})
    host.ok("start", {"code": code})
    return dict(host.wait("room", lambda r: r["code"] == code and r["phase"] == "countdown"))


def metric(url: str, name: str) -> float:
    """Read one metric from a worker's /metrics."""
    for line in requests.get(url + "/metrics", timeout=5).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def test_killed_worker_loses_no_acknowledged_key_and_results_are_written_once(
    workers: Callable[..., Cluster], results_db: tuple[str, Engine]
) -> None:
    schema, engine = results_db
    cluster = workers(3, worker_db_url(schema))
    a, b = Client(cluster.urls[0], name="Ann"), Client(cluster.urls[1], name="Ben")
    back = None
    try:
        room = private_race(a, [b])
        keys = ideal_keys(Course(room["snippet"]["text"]))
        ann, ben = stamps(keys, room["starts_at"], 1), stamps(keys, room["starts_at"], 2)
        typing_b = threading.Thread(target=send, args=(b, ben, room["starts_at"]))
        typing_b.start()
        half = len(keys) // 2
        send(a, ann[:half], room["starts_at"])
        acked = a.seq
        cluster.kill(0)
        back = Client(cluster.urls[2], token=a.token)
        you = back.ok("join", {"code": room["code"]})["you"]
        assert you["seq"] == acked and you["pos"] > 0  # every acknowledged batch survived
        back.seq = acked
        send(back, ann[half:], room["starts_at"])
        typing_b.join()
        standings = back.wait("standings", timeout=15)["standings"]
        assert b.wait("standings")["standings"] == standings
        assert all(s["completed"] for s in standings)
        race_id = room["race_id"]
        wait_for(lambda: rows(engine, Race, id=race_id) == 1, 15, "the race row")
        time.sleep(2)  # any second, duplicate write would land by now
        assert rows(engine, Race, id=race_id) == 1
        assert rows(engine, Result, race_id=race_id) == 2
        with engine.connect() as connection:
            ids = connection.scalars(select(Result.id).where(Result.player_id == a.id)).all()
            lines = connection.scalar(select(KeyLog.lines).where(KeyLog.result_id == ids[0]))
        sent = -(-half // 4) + -(-(len(keys) - half) // 4)
        assert lines == 1 + sent  # the header and every batch Ann sent, none lost or doubled
    finally:
        for c in (a, b, back):
            if c is not None and c.sio.connected:
                c.close()


def test_redis_restart_mid_race_loses_nothing(
    workers: Callable[..., Cluster],
    results_db: tuple[str, Engine],
    db_proxy: Proxy,
    tmp_path: Path,
) -> None:
    own = OwnRedis(tmp_path / "redis").start()
    schema, engine = results_db
    cluster = workers(2, worker_db_url(schema, db_proxy.port), redis_url=own.url)
    a, b = Client(cluster.urls[0], name="Ann"), Client(cluster.urls[1], name="Ben")
    try:
        # A first race finishes while the database is away: its record waits in Redis.
        db_proxy.set("down")
        first = private_race(a, [b])
        keys = ideal_keys(Course(first["snippet"]["text"]))
        type_all([a, b], keys, first["starts_at"])
        a.wait("standings", lambda s: s["code"] == first["code"], timeout=15)
        wait_for(lambda: metric(cluster.urls[0], "coderace_outbox_waiting") >= 1, 10, "the outbox")

        # A second race is under way when Redis restarts.
        second = private_race(a, [b])
        ann, ben = stamps(keys, second["starts_at"], 3), stamps(keys, second["starts_at"], 4)
        half = len(keys) // 2
        send(a, ann[:half], second["starts_at"])
        own.stop()
        time.sleep(1.5)
        own.start()  # same port, same append-only file
        threads = [
            threading.Thread(target=lambda: send(a, ann[half:], second["starts_at"])),
            threading.Thread(target=lambda: send(b, ben, second["starts_at"])),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        a.wait("standings", lambda s: s["code"] == second["code"], timeout=20)
        felt = sum(metric(url, "coderace_store_errors_total") for url in cluster.urls)
        assert felt > 0, "the workers never noticed Redis going away"

        db_proxy.set("up")  # the database returns: both races arrive, once each
        for race in (first, second):
            race_id = race["race_id"]
            wait_for(lambda rid=race_id: rows(engine, Race, id=rid) == 1, 20, f"race {race_id}")
            assert rows(engine, Result, race_id=race_id) == 2
        wait_for(
            lambda: metric(cluster.urls[1], "coderace_outbox_waiting") == 0, 10, "an empty outbox"
        )
        assert rows(engine, Race) == 2
    finally:
        for c in (a, b):
            if c.sio.connected:
                c.close()
        cluster.stop()
        own.stop()


def test_postgres_refusing_connections_for_a_minute_loses_no_result(
    workers: Callable[..., Cluster], results_db: tuple[str, Engine], db_proxy: Proxy
) -> None:
    schema, engine = results_db
    cluster = workers(2, worker_db_url(schema, db_proxy.port))
    db_proxy.set("down")
    went_down = time.monotonic()
    finished: list[str] = []
    try:
        while time.monotonic() - went_down < OUTAGE_S - 15 or len(finished) < 2:
            a, b = Client(cluster.urls[0]), Client(cluster.urls[1])
            room = private_race(a, [b])
            keys = ideal_keys(Course(room["snippet"]["text"]))
            threads = [
                threading.Thread(
                    target=send,
                    args=(
                        c,
                        stamps(keys, room["starts_at"], len(finished) * 2 + i),
                        room["starts_at"],
                    ),
                )
                for i, c in enumerate((a, b))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            a.wait("standings", timeout=15)
            finished.append(room["race_id"])
            a.close()
            b.close()
        health = requests.get(cluster.urls[0] + "/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["database"].startswith("error")
        assert metric(cluster.urls[0], "coderace_outbox_waiting") == len(finished)
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - went_down)))
        db_proxy.set("up")
        for race_id in finished:
            wait_for(lambda rid=race_id: rows(engine, Race, id=rid) == 1, 30, f"race {race_id}")
        time.sleep(2)
        assert rows(engine, Race) == len(finished)
        assert rows(engine, Result) == 2 * len(finished)
        assert requests.get(cluster.urls[1] + "/healthz", timeout=10).status_code == 200
    finally:
        cluster.stop()
