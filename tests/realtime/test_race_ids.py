"""Race ids: random per round, unrelated to the room code, the same on every worker that
ends the round (the end may run twice, on two workers, interleaved)."""

from __future__ import annotations

import json
from typing import Any

from race.core.record import RACE_ID
from race.core.room import Room
from race.store.base import wall_ms
from race.store.memory import MemoryStore
from tests.realtime.test_ingest import HOST
from tests.realtime.test_ingest import Worker
from tests.realtime.test_ingest import batches
from tests.realtime.test_ingest import snippet
from tests.realtime.test_ingest import typing


class EndsElsewhereFirst(MemoryStore):
    """A store on which, once armed, another worker ends the round between this worker's
    reading of the logs and its compare-and-set of the room."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.other: Worker | None = None

    def update_room(self, code: str, move: Any, effects: Any = None) -> tuple[Room, Room]:
        other, self.other = self.other, None
        if other is not None:
            room = self.get_room(code)
            assert room is not None
            assert other.racing.conclude(code, room.round), "the other worker ends it"
        return super().update_room(code, move, effects)


def test_two_workers_ending_one_round_store_it_once_under_its_random_id() -> None:
    clock = [wall_ms()]
    store = EndsElsewhereFirst(lambda: clock[0])
    a, b = Worker(store, clock), Worker(store, clock)
    s = snippet()
    room = a.race(s)
    assert RACE_ID.match(room.race_id) and room.code not in room.race_id
    for seq, chunk in enumerate(batches(typing(s))[:3]):
        a.send(room, seq, chunk)
    assert room.ends_at is not None
    clock[0] = room.ends_at
    store.other = b
    assert not a.racing.conclude(room.code, room.round), "b ended it first"
    assert not store.other, "b's end ran inside a's"
    pending = dict(store.outbox_pending())
    assert list(pending) == [room.race_id]
    assert json.loads(pending[room.race_id])["race_id"] == room.race_id

    a.engine.rematch(room.code, HOST, None)
    again = store.get_room(room.code)
    assert again is not None and again.round == room.round + 1
    assert RACE_ID.match(again.race_id) and again.race_id != room.race_id


def test_every_room_draws_its_own_race_id() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    ids = {w.engine.create_private(HOST, snippet(), None).race_id for _ in range(50)}
    assert len(ids) == 50 and all(RACE_ID.match(i) for i in ids)
