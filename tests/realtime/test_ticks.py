"""Tick leases: one worker drives a room's ticks; another takes over when it dies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from race.corpus import builtin
from race.realtime.engine import Engine
from race.realtime.heartbeat import LEASE_MS
from race.realtime.heartbeat import TICK_MS
from race.realtime.heartbeat import Heartbeat
from race.realtime.identity import Player
from race.realtime.racing import Racing
from race.sink import MemorySink
from race.store.base import wall_ms
from race.store.memory import MemoryStore


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
        self.engine = Engine(store, builtin(), lambda: clock[0], self._emit)
        self.heartbeat = Heartbeat(self.engine, Racing(self.engine), MemorySink(), name)

    def _emit(self, event: str, data: Any, to: str) -> None:
        if event == "tick":
            self.ticks.append(data["t"])


def test_one_worker_ticks_a_room_and_another_takes_over_when_it_dies() -> None:
    clock = [wall_ms()]
    store = CountingStore(lambda: clock[0])
    w1, w2 = Worker(store, clock, "w1"), Worker(store, clock, "w2")
    snippet = builtin().get("bash-count-lines")
    assert snippet is not None
    room = w1.engine.practice(Player("p" + "1" * 16, "Ada"), snippet)
    assert room.starts_at is not None
    clock[0] = room.starts_at + 5
    for _ in range(40):  # two seconds, both workers alive
        w1.heartbeat.beat()
        w2.heartbeat.beat()
        clock[0] += 50
    assert len(w1.ticks) == 2000 // TICK_MS
    assert w2.ticks == []
    # The worker without the lease asks again only once per renewal period.
    assert store.asked["w2"] <= 2000 // (LEASE_MS // 3) + 1
    died_at = clock[0]
    for _ in range(100):  # w1 is gone: only w2 beats
        w2.heartbeat.beat()
        clock[0] += 50
    assert w2.ticks, "nobody took over the room's ticks"
    assert w2.ticks[0] - died_at <= LEASE_MS + LEASE_MS // 3 + 50
    assert len(w1.ticks) == 2000 // TICK_MS  # nothing more from the dead worker
