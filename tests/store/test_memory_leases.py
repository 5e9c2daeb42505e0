"""The in-process store's lease table holds the live rooms' leases, not every room ever ticked."""

from __future__ import annotations

from race.store.memory import LEASE_SWEEP_MS
from race.store.memory import MemoryStore
from tests.store.conftest import Clock


def test_expired_leases_are_pruned() -> None:
    clock = Clock()
    store = MemoryStore(clock=clock)
    for minute in range(20):  # rooms come and go: 50 new ones ticked each round
        names = [f"tick|R{minute}-{i}" for i in range(50)]
        assert all(store.acquire_leases(names, "w1", 3000))
        assert store.acquire_leases(["tick|live"], "w1", 3000) == [True]  # one lives on
        clock.now += max(3000, LEASE_SWEEP_MS)
        assert store.lease_count() <= 51  # the expired rounds are gone
    store.acquire_leases(["tick|live"], "w1", 3000)
    assert store.lease_count() == 1
    assert store.acquire_lease("tick|R0-0", "w2", 3000)  # an expired lease is free
