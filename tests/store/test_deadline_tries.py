"""Failed tries at a deadline: counted in the store, backed off, forgotten once done."""

from __future__ import annotations

from race.store.base import Store


def test_a_failed_deadline_backs_off_and_its_tries_are_shared(store: Store) -> None:
    store.schedule("limit|A|1", 1_000)
    assert store.claim_due(1_000) == ["limit|A|1"]
    assert store.deadline_failed("limit|A|1", 1_000, 250, 4_000) == 1
    assert store.claim_due(1_249) == []  # backing off, not held for the whole hold
    assert store.claim_due(1_250) == ["limit|A|1"]  # any claimer sees the same count
    assert store.deadline_failed("limit|A|1", 1_250, 250, 4_000) == 2
    assert store.claim_due(1_749) == [] and store.claim_due(1_750) == ["limit|A|1"]
    store.deadlines_done(["limit|A|1"], 1_750)
    assert store.claim_due(10**9) == []
    store.schedule("limit|A|1", 2_000)  # done forgot the tries: a fresh count
    store.claim_due(2_000)
    assert store.deadline_failed("limit|A|1", 2_000, 250, 4_000) == 1


def test_a_deadline_scheduled_again_since_its_claim_is_not_charged(store: Store) -> None:
    store.schedule("drop|A|p1", 1_000)
    store.claim_due(1_000)
    store.schedule("drop|A|p1", 9_000)  # a room move moved it meanwhile
    assert store.deadline_failed("drop|A|p1", 1_000, 250, 4_000) == 0
    assert store.claim_due(8_999) == [] and store.claim_due(9_000) == ["drop|A|p1"]
    store.cancel("drop|A|p1")
    assert store.deadline_failed("drop|A|p1", 9_000, 250, 4_000) == 0
    assert store.claim_due(10**9) == []
