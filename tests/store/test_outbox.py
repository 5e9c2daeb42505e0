"""The outbox contract: backoff per record, dead letters and their retry (both stores)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from race.core import room as rooms
from race.store import memory_outbox
from race.store import redis_outbox
from race.store.base import DeadLetter
from race.store.base import Effects
from race.store.base import Store
from race.store.policy import backoff_ms
from tests.store.conftest import Clock
from tests.store.test_contract import SNIPPET


def put(store: Store, records: dict[str, str]) -> None:
    """Add records to the outbox the way a race's end does: as a room move's effect."""
    for record_id, payload in records.items():
        code = record_id.ljust(16, "x")[:16]
        room = rooms.new_room(code, "private", SNIPPET, 1_000, race_id=code.lower() * 2)
        store.create_room(room)
        store.update_room(
            room.code,
            lambda r: replace(r, locked=not r.locked),
            lambda b, a, o={record_id: payload}: Effects(outbox=o),
        )


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_ms(n, 1000, 5000) for n in (1, 2, 3, 4, 100)] == [1000, 2000, 4000, 5000, 5000]


def test_a_failed_record_backs_off_alone(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    put(store, {"r1": "one", "r2": "two", "r3": "three"})
    assert store.outbox_failed("r1", 1000, 5000) == 1
    assert [i for i, _ in store.outbox_pending()] == ["r2", "r3"]  # the others still drain
    clock.now += 999
    assert [i for i, _ in store.outbox_pending()] == ["r2", "r3"]
    clock.now += 1
    assert [i for i, _ in store.outbox_pending()] == ["r2", "r3", "r1"]
    assert store.outbox_failed("r1", 1000, 5000) == 2  # the count is kept in the store
    clock.now += 1999
    assert "r1" not in dict(store.outbox_pending())
    clock.now += 1
    assert dict(store.outbox_pending())["r1"] == "one"
    assert store.outbox_size() == 3
    assert store.outbox_failed("gone", 1000, 5000) == 0


def test_dead_letters_are_set_aside_and_retried(clocked: tuple[Store, Clock]) -> None:
    store, _ = clocked
    put(store, {"r1": "{bad", "r2": "two"})
    store.outbox_failed("r1", 1000, 5000)
    assert store.outbox_dead_letter("r1", "ValueError: not JSON")
    assert not store.outbox_dead_letter("r1", "again")  # no longer waiting: nothing moves
    assert store.outbox_pending() == [("r2", "two")] and store.outbox_size() == 1
    assert store.dead_letters() == [DeadLetter("r1", "{bad", "ValueError: not JSON")]
    assert store.dead_letter_count() == 1
    assert store.retry_dead_letters() == 1
    assert store.dead_letter_count() == 0 and store.dead_letters() == []
    # Back and due now, its attempts forgotten: the next failure is the first again.
    assert dict(store.outbox_pending()) == {"r1": "{bad", "r2": "two"}
    assert store.outbox_failed("r1", 1000, 5000) == 1
    store.outbox_done("r1")
    assert store.outbox_size() == 1 and store.outbox_failed("r1", 1000, 5000) == 0


def test_dead_letters_are_bounded(
    clocked: tuple[Store, Clock], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = clocked
    monkeypatch.setattr(memory_outbox, "DEAD_LETTER_MAX", 2)
    monkeypatch.setattr(redis_outbox, "DEAD_LETTER_MAX", 2)
    put(store, {"r1": "a", "r2": "b", "r3": "c"})
    assert store.outbox_dead_letter("r1", "x") and store.outbox_dead_letter("r2", "x")
    assert not store.outbox_dead_letter("r3", "x")  # full: it stays in the outbox
    assert store.dead_letter_count() == 2 and store.outbox_pending() == [("r3", "c")]
    assert store.retry_dead_letters(limit=1) == 1
    assert [d.record_id for d in store.dead_letters()] == ["r2"]


def test_a_retried_dead_letter_never_replaces_a_waiting_record(
    clocked: tuple[Store, Clock],
) -> None:
    store, _ = clocked
    put(store, {"r1": "old"})
    store.outbox_dead_letter("r1", "x")
    put(store, {"r1": "new"})  # the same race's record again (a re-run move)
    assert store.retry_dead_letters() == 1
    assert store.outbox_pending() == [("r1", "new")] and store.dead_letter_count() == 0
