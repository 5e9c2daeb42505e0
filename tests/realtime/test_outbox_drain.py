"""Draining the outbox: a poison record or a failing one never blocks the others (both stores)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import redis
from click.testing import CliRunner

from race.cli import main
from race.realtime.drain import MAX_ATTEMPTS
from race.realtime.drain import RETRY_FIRST_MS
from race.realtime.drain import RETRY_LONGEST_MS
from race.realtime.drain import drain
from race.realtime.heartbeat import Stats
from race.realtime.metrics import Metrics
from race.sink import MemorySink
from race.sink import SinkDown
from race.store.base import Store
from race.store.base import wall_ms
from race.store.redis import RedisStore
from tests.services import REDIS_URL
from tests.store.conftest import Clock
from tests.store.conftest import clocked
from tests.store.conftest import cluster_client
from tests.store.conftest import redis_client
from tests.store.conftest import redis_cluster_nodes
from tests.store.test_outbox import put

__all__ = ["clocked", "cluster_client", "redis_client", "redis_cluster_nodes"]


def good(n: int) -> str:
    """Return a well-formed record's payload."""
    return json.dumps({"race_id": f"R{n}.1", "standings": []})


class Flaky(MemorySink):
    """The real in-memory sink, failing the saves of chosen races while told to."""

    def __init__(self, failing: dict[str, BaseException]) -> None:
        super().__init__()
        self.failing = failing
        self.tries: list[str] = []

    def save(self, record: dict[str, Any]) -> None:
        self.tries.append(str(record.get("race_id")))
        error = self.failing.get(str(record.get("race_id")))
        if error is not None:
            raise error
        super().save(record)


def dead_gauge(store: Store) -> float | None:
    return Metrics(store).registry.get_sample_value("coderace_outbox_dead_letters")


def test_a_poison_record_is_set_aside_and_the_good_ones_save(
    clocked: tuple[Store, Clock],
) -> None:
    store, _ = clocked
    put(store, {"a": good(1), "poison": "{not json", "b": good(2), "nokey": '{"x": 1}'})
    sink, stats = Flaky({}), Stats()
    drain(store, sink, stats)
    assert set(sink.records) == {"R1.1", "R2.1"}
    assert store.outbox_size() == 0 and stats.persisted == 2 and stats.dead_letters == 2
    letters = {d.record_id: d for d in store.dead_letters()}
    assert set(letters) == {"poison", "nokey"}
    assert letters["poison"].payload == "{not json"
    assert letters["poison"].reason.startswith("JSONDecodeError")
    assert letters["nokey"].reason.startswith("KeyError")  # the sink's own refusal
    assert dead_gauge(store) == 2
    assert store.retry_dead_letters() == 2
    assert store.outbox_size() == 2 and dead_gauge(store) == 0


def test_a_transient_failure_backs_off_then_succeeds(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    put(store, {"a": good(1), "b": good(2), "c": good(3)})
    sink, stats = Flaky({"R1.1": OSError("connection reset")}), Stats()
    drain(store, sink, stats)
    assert set(sink.records) == {"R2.1", "R3.1"}  # the first failing blocks nobody
    drain(store, sink, stats)
    assert sink.tries.count("R1.1") == 1  # backing off: not tried again at once
    clock.now += RETRY_FIRST_MS
    drain(store, sink, stats)
    assert sink.tries.count("R1.1") == 2  # tried again after its backoff, failed again
    clock.now += RETRY_FIRST_MS
    drain(store, sink, stats)
    assert sink.tries.count("R1.1") == 2  # the second backoff is twice as long
    del sink.failing["R1.1"]
    clock.now += RETRY_FIRST_MS
    drain(store, sink, stats)
    assert set(sink.records) == {"R1.1", "R2.1", "R3.1"}
    assert store.outbox_size() == 0 and store.dead_letter_count() == 0


def test_a_record_that_keeps_failing_becomes_a_dead_letter(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    put(store, {"a": good(1)})
    sink, stats = Flaky({"R1.1": OSError("always")}), Stats()
    for _ in range(MAX_ATTEMPTS):
        assert store.dead_letter_count() == 0
        drain(store, sink, stats)
        clock.now += RETRY_LONGEST_MS
    assert sink.tries.count("R1.1") == MAX_ATTEMPTS
    assert store.outbox_size() == 0
    assert [d.reason for d in store.dead_letters()] == ["OSError: always"]


def test_an_outage_of_the_sink_charges_no_record(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    put(store, {"a": good(1), "b": good(2)})
    sink, stats = Flaky({"R1.1": SinkDown("database away")}), Stats()
    for _ in range(3 * MAX_ATTEMPTS):
        drain(store, sink, stats)
        clock.now += RETRY_LONGEST_MS
    # Every drain stopped at the first record (no record can be saved during an outage)
    # and counted no attempt: both still wait, due now, none set aside.
    assert sink.tries == ["R1.1"] * 3 * MAX_ATTEMPTS
    assert [i for i, _ in store.outbox_pending()] == ["a", "b"]
    assert store.dead_letter_count() == 0
    del sink.failing["R1.1"]
    drain(store, sink, stats)
    assert set(sink.records) == {"R1.1", "R2.1"}


@pytest.mark.integration
def test_race_outbox_retry_moves_dead_letters_back(
    clocked: tuple[Store, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clock = clocked
    if not isinstance(store, RedisStore):
        result = CliRunner().invoke(main, ["outbox", "retry"], env={"REDIS_URL": ""})
        assert result.exit_code == 2 and "REDIS_URL" in result.output
        return
    put(store, {"poison": "[1, 2]", "a": good(1)})
    drain(store, Flaky({}), Stats())
    env = {**os.environ, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": store.p}
    if isinstance(store.r, redis.RedisCluster):  # the same commands, told the cluster's seeds
        nodes = ",".join(node.name for node in store.r.get_primaries())
        env |= {"REDIS_URL": "", "REDIS_CLUSTER_NODES": nodes}
        env["REDIS_CLUSTER_SHARDS"] = str(store.k.shards)
    listed = CliRunner().invoke(main, ["outbox", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "waiting: 0; dead letters: 1" in listed.output and "poison\tTypeError" in listed.output
    moved = CliRunner().invoke(main, ["outbox", "retry"], env=env)
    assert moved.exit_code == 0 and "1 dead letters moved back" in moved.output
    clock.now = wall_ms()  # the command put it back due by the wall clock
    assert store.outbox_pending() == [("poison", "[1, 2]")] and store.dead_letter_count() == 0
