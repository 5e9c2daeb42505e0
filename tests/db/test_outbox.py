"""Results survive the database going away: they wait in the store's outbox, then arrive once.

The real path: races finish through the engine, their records go to the store's outbox
(in-process or Redis), ``Heartbeat.drain_outbox`` hands them to a ``DatabaseSink`` whose
database is cut, hung or locked, and later restored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from race.db import migrate
from race.db.engine import make_engine
from race.db.models import Race
from race.db.models import Result
from race.db.sink import DatabaseSink
from race.db.sink import WritePending
from race.realtime.heartbeat import Heartbeat
from race.store.base import Store
from race.store.client import connect
from race.store.memory import MemoryStore
from tests.db.conftest import _empty
from tests.db.conftest import postgres_schema
from tests.db.play import Track
from tests.db.proxy import Proxy
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing
from tests.services import POSTGRES_URL
from tests.services import REDIS_URL
from tests.services import unavailable
from tests.store.conftest import redis_store

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Return each store in turn: its outbox is where finished races wait."""
    if request.param == "memory":
        yield MemoryStore()
        return
    client = connect(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    yield from redis_store(client)
    client.close()


@pytest.fixture(scope="module")
def schema() -> Iterator[str]:
    """Return a migrated schema of its own in the real PostgreSQL."""
    with postgres_schema() as name:
        engine = make_engine(POSTGRES_URL, schema=name)
        migrate.upgrade(engine)
        engine.dispose()
        yield name


@pytest.fixture
def pg(schema: str) -> Iterator[Engine]:
    """Return a direct engine on the schema, tables emptied."""
    engine = make_engine(POSTGRES_URL, schema=schema)
    _empty(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    """Return a cuttable proxy in front of the real PostgreSQL."""
    url = make_url(POSTGRES_URL)
    cut = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield cut
    cut.close()


def through(proxy: Proxy, schema: str) -> Engine:
    """Return an engine that reaches the database only through the proxy."""
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port)
    return make_engine(url.render_as_string(hide_password=False), schema=schema)


def counts(engine: Engine) -> tuple[int, int, list[tuple[str, int]]]:
    """Return (races, results, results per race) as stored."""
    with engine.connect() as c:
        races = c.scalar(select(func.count()).select_from(Race)) or 0
        results = c.scalar(select(func.count()).select_from(Result)) or 0
        per = c.execute(select(Result.race_id, func.count()).group_by(Result.race_id)).all()
    return races, results, [(str(r), int(n)) for r, n in per]


def drain_until_empty(store: Store, *beats: Heartbeat, timeout: float = 20) -> None:
    """Drain like the heartbeats do (once a second there; here as fast as it goes)."""
    deadline = time.monotonic() + timeout
    while store.outbox_size():
        assert time.monotonic() < deadline, f"{store.outbox_size()} records never left"
        for beat in beats:
            beat.drain_outbox()
        time.sleep(0.02)


def test_results_wait_while_the_database_is_down_and_arrive_once(
    store: Store, pg: Engine, proxy: Proxy, schema: str
) -> None:
    engine = through(proxy, schema)
    track = Track(store, DatabaseSink(engine))
    first = track.practice("Ada", seed=1)
    drain_until_empty(store, track.heartbeat)
    assert counts(pg)[:2] == (1, 1)

    proxy.set("down")
    finished = [track.practice(f"Racer {i}", seed=i) for i in range(2, 6)]
    for _ in range(5):
        track.heartbeat.drain_outbox()
        time.sleep(0.05)
    assert store.outbox_size() == 4
    assert track.heartbeat.stats.sink_errors >= 1
    # An unreachable database is an outage of the sink, charged to no record: all four
    # are still due (none backing off) and none was set aside.
    assert len(store.outbox_pending()) == 4 and store.dead_letter_count() == 0
    assert counts(pg)[:2] == (1, 1)

    proxy.set("up")
    # Two workers drain the same outbox at once: each record may be saved twice.
    other = Heartbeat(track.engine, track.racing, DatabaseSink(engine), "other-worker")
    drain_until_empty(store, track.heartbeat, other)
    races, results, per_race = counts(pg)
    assert (races, results) == (5, 5)
    assert sorted(per_race) == sorted((rid, 1) for rid in [first, *finished])
    engine.dispose()


def test_a_hung_database_never_holds_up_the_heartbeat(
    store: Store, pg: Engine, proxy: Proxy, schema: str
) -> None:
    engine = through(proxy, schema)
    track = Track(store, DatabaseSink(engine))
    proxy.set("hang")
    finished = [track.practice(f"Racer {i}", seed=i) for i in range(3)]
    slowest = 0.0
    for _ in range(10):
        began = time.perf_counter()
        track.heartbeat.drain_outbox()
        slowest = max(slowest, time.perf_counter() - began)
        time.sleep(0.05)
    assert slowest < 0.5, f"a drain took {slowest:.2f}s while the database hung"
    assert store.outbox_size() == 3 and counts(pg)[0] == 0

    proxy.set("up")
    drain_until_empty(store, track.heartbeat, timeout=30)
    assert sorted(counts(pg)[2]) == sorted((rid, 1) for rid in finished)
    engine.dispose()


def test_a_locked_sqlite_file_delays_results_and_loses_none(store: Store, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'results.db'}")
    migrate.upgrade(engine)
    track = Track(store, DatabaseSink(engine))
    locker = engine.connect()
    locker.exec_driver_sql("BEGIN EXCLUSIVE")
    finished = [track.practice(f"Racer {i}", seed=i) for i in range(3)]
    for _ in range(5):
        track.heartbeat.drain_outbox()
    assert store.outbox_size() == 3
    threading.Timer(0.5, lambda: (locker.rollback(), locker.close())).start()
    drain_until_empty(store, track.heartbeat)
    assert sorted(counts(engine)[2]) == sorted((rid, 1) for rid in finished)
    with engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()


def test_a_write_that_never_returns_is_tried_afresh(db: Engine) -> None:
    sink = DatabaseSink(db, wait_s=0.01, stale_s=0.2)
    release = threading.Event()
    calls: list[str] = []
    real_write = sink.write

    def write(record: dict[str, object]) -> bool:
        calls.append(str(record["race_id"]))
        if len(calls) == 1:
            release.wait(5)  # the first attempt hangs
        return real_write(record)

    sink.write = write  # type: ignore[method-assign]
    rec = record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1))])
    with pytest.raises(WritePending):
        sink.save(rec)
    with pytest.raises(WritePending):
        sink.save(record("AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(1))]))  # one write at a time
    time.sleep(0.3)
    deadline = time.monotonic() + 5
    while True:
        try:
            sink.save(rec)
            break
        except WritePending:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    assert calls == ["AAAAAAAAAAAAAAAAAAAAA1", "AAAAAAAAAAAAAAAAAAAAA1"]
    release.set()  # the abandoned attempt finishes too: still one race
    time.sleep(0.2)
    assert counts(db)[:2] == (1, 1)
