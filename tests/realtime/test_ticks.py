"""Timed work across workers: one worker drives a room's ticks and another takes over when
it dies; a deadline claimed by a worker that died is applied by another."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

import redis

from race.core.pace import BASE_LOAD
from race.core.pace import FASTEST_MS
from race.core.pace import FASTEST_MS as TICK_MS
from race.core.pace import SLOWEST_MS
from race.core.pace import STEP_MS
from race.core.room import Room
from race.corpus import builtin
from race.identity import Player
from race.realtime.engine import Engine
from race.realtime.heartbeat import Heartbeat
from race.realtime.racing import Racing
from race.realtime.ticker import IDLE_TICK_MS
from race.realtime.ticker import LEASE_MS
from race.realtime.ticker import Pacer
from race.sink import MemorySink
from race.store.base import wall_ms
from race.store.memory import MemoryStore
from race.store.policy import DEADLINE_HOLD_MS


class CountingStore(MemoryStore):
    """The in-process store, counting lease requests per owner."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.asked: dict[str, int] = {}

    def acquire_leases(self, names: Sequence[str], owner: str, ttl_ms: int) -> list[bool]:
        self.asked[owner] = self.asked.get(owner, 0) + 1
        return super().acquire_leases(names, owner, ttl_ms)


class Worker:
    """One worker's engine, racing and heartbeat over the shared store and test clock."""

    def __init__(self, store: MemoryStore, clock: list[int], name: str) -> None:
        self.ticks: list[int] = []
        self.events: list[str] = []
        self.sent: list[tuple[str, Any]] = []
        self.sink = MemorySink()
        self.engine = Engine(store, builtin(), lambda: clock[0], self._emit)
        self.heartbeat = Heartbeat(self.engine, Racing(self.engine), self.sink, name)

    def _emit(self, event: str, data: Any, to: str) -> None:
        self.events.append(event)
        self.sent.append((event, data))
        if event == "tick":
            self.ticks.append(data["t"])


def practice(worker: Worker) -> Room:
    """Start Ada's practice race on a built-in snippet through ``worker``."""
    snippet = builtin().get("bash-count-lines")
    assert snippet is not None
    return worker.engine.practice(Player("p" + "1" * 16, "Ada"), snippet)


def test_one_worker_ticks_a_room_and_another_takes_over_when_it_dies() -> None:
    clock = [wall_ms()]
    store = CountingStore(lambda: clock[0])
    w1, w2 = Worker(store, clock, "w1"), Worker(store, clock, "w2")
    room = practice(w1)
    assert room.starts_at is not None
    clock[0] = room.starts_at + 5
    for _ in range(40):  # two seconds, both workers alive
        w1.heartbeat.beat()
        w2.heartbeat.beat()
        clock[0] += 50
    # Each due tick went out or was skipped (nobody typed: one a second is kept).
    assert len(w1.ticks) + w1.heartbeat.ticker.skipped == 2000 // TICK_MS
    assert len(w1.ticks) == 2000 // IDLE_TICK_MS
    assert w2.ticks == []
    # The worker without the lease asks again only once per renewal period.
    assert store.asked["w2"] <= 2000 // (LEASE_MS // 3) + 1
    died_at = clock[0]
    for _ in range(100):  # w1 is gone: only w2 beats
        w2.heartbeat.beat()
        clock[0] += 50
    assert w2.ticks, "nobody took over the room's ticks"
    assert w2.ticks[0] - died_at <= LEASE_MS + LEASE_MS // 3 + 50
    assert len(w1.ticks) == 2000 // IDLE_TICK_MS  # nothing more from the dead worker


def test_a_deadline_claimed_by_a_worker_that_died_is_applied_by_another() -> None:
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    w2 = Worker(store, clock, "w2")
    room = practice(w2)
    assert room.ends_at is not None
    clock[0] = room.ends_at
    # w1 claims the countdown's end and the time limit, then dies before applying them.
    claimed = store.claim_due(clock[0])
    assert claimed == [f"begin|{room.code}|1", f"limit|{room.code}|1"]
    while clock[0] < room.ends_at + DEADLINE_HOLD_MS:
        w2.heartbeat.beat()
        clock[0] += 50
        ended = store.get_room(room.code)
        assert ended is not None and ended.phase == "countdown", "applied while still held"
    for _ in range(60):  # past the hold, w2 applies both, once
        w2.heartbeat.beat()
        clock[0] += 50
    ended = store.get_room(room.code)
    assert ended is not None and ended.phase == "finished"
    assert w2.events.count("standings") == 1
    assert len(w2.sink.records) == 1
    assert store.claim_due(10**15) == []


def test_a_deadline_the_store_failed_to_apply_comes_back() -> None:
    class FlakyStore(MemoryStore):
        failures = 0

        def update_room(self, *args: Any, **kwargs: Any) -> Any:
            if self.failures:
                self.failures -= 1
                raise redis.exceptions.ConnectionError("Redis went away")
            return super().update_room(*args, **kwargs)

    clock = [wall_ms()]
    store = FlakyStore(lambda: clock[0])
    w = Worker(store, clock, "w")
    room = practice(w)
    assert room.starts_at is not None

    def phase() -> str:
        now = store.get_room(room.code)
        assert now is not None
        return now.phase

    clock[0] = room.starts_at
    store.failures = 1
    w.heartbeat.beat()  # the store fails while applying the countdown's end
    assert store.failures == 0 and phase() == "countdown"
    clock[0] += DEADLINE_HOLD_MS
    w.heartbeat.beat()
    assert phase() == "countdown"
    clock[0] += 1
    w.heartbeat.beat()
    assert phase() == "racing"


def test_ticks_carry_the_latest_progress_stop_at_the_end_and_count_on() -> None:
    """A beat reads the progress of due rooms with its deadlines; a room a deadline moves
    (the countdown's end, the time limit) waits a beat and is never ticked after it ends."""
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    w = Worker(store, clock, "w")
    room = practice(w)
    assert room.starts_at is not None and room.ends_at is not None
    pid = room.seats[0].player_id
    clock[0] = room.starts_at
    pos = 0
    while clock[0] <= room.ends_at + 200:
        pos += 1
        store.put_progress(
            room.code, 1, pid, json.dumps({"pos": pos, "net": pos, "err": 0, "fin": None})
        )
        before = len(w.sent)
        w.heartbeat.beat()
        for event, data in w.sent[before:]:
            if event == "tick":
                assert data["players"][0]["pos"] == pos  # read in this beat, not an older one
        clock[0] += 50
    ticks = [data for event, data in w.sent if event == "tick"]
    assert [t["n"] for t in ticks] == list(range(1, len(ticks) + 1))
    assert (room.ends_at - room.starts_at) // TICK_MS - 1 <= len(ticks)
    assert [event for event, _ in w.sent].index("standings") > w.sent.index(("tick", ticks[-1]))
    assert ticks[0]["t"] > room.starts_at  # the beat that started the race held its tick


def test_a_worker_under_load_widens_its_period_and_tells_it_then_steps_back_down() -> None:
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    load = [0.0]
    w = Worker(store, clock, "w")
    pacer = Pacer(lambda: load[0])
    w.heartbeat = Heartbeat(w.engine, Racing(w.engine), w.sink, "w", pacer=pacer)
    room = practice(w)
    assert room.starts_at is not None
    pid = room.seats[0].player_id
    clock[0] = room.starts_at + 5
    pos = 0

    def run(ms: int) -> list[dict[str, Any]]:
        nonlocal pos
        before = len(w.sent)
        end = clock[0] + ms
        while clock[0] < end:
            pos += 1  # the racer moves on every beat: no tick is skipped as idle
            progress = {"pos": pos, "net": pos, "err": 0, "fin": None}
            store.put_progress(room.code, 1, pid, json.dumps(progress))
            w.heartbeat.beat()
            clock[0] += 10
        return [data for event, data in w.sent[before:] if event == "tick"]

    calm = run(2000)
    assert {t["every"] for t in calm} == {FASTEST_MS} and len(calm) == 2000 // FASTEST_MS
    load[0] = BASE_LOAD * 2.5  # 2.5 x the load the fastest period serves
    run(7000)  # one step a second, up to the slowest period
    busy = run(5000)
    assert {t["every"] for t in busy} == {SLOWEST_MS}
    gaps = [b["t"] - a["t"] for a, b in itertools.pairwise(busy)]
    assert all(abs(g - SLOWEST_MS) <= 10 for g in gaps), gaps  # ticked at the period told
    load[0] = 0.0
    run(1000)
    assert pacer.period_ms == SLOWEST_MS - STEP_MS  # the load fell: a step back down
