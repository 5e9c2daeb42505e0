"""A practice restart whose store fails at the exact step after the room's write: the
dropping of the run left behind. The new run stays open, the old run's keys are refused
as another round's once no worker's room view predates the restart, and what the store
kept of it is as it was (it expires with the room's keys)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import redis

from race.core.room import Refused
from race.corpus import builtin
from race.identity import Player
from race.realtime import runs
from race.realtime.engine import Engine
from race.realtime.ingest import ROOM_CACHE_MS
from race.realtime.racing import Racing
from race.store.memory import MemoryStore

ADA = Player("p" + "a" * 16, "Ada")


class DropFails(MemoryStore):
    """A store that is lost just when the run left behind is to be dropped."""

    def drop_round(self, code: str, round_: int, player_ids: Sequence[str]) -> None:
        raise redis.exceptions.ConnectionError("lost between the room's write and the drop")


def test_a_failed_drop_keeps_the_new_run_and_refuses_the_old_runs_keys() -> None:
    clock = [1_000_000]
    store = DropFails(clock=lambda: clock[0])
    engine = Engine(store, builtin(), lambda: clock[0], lambda *_: None)
    racing = Racing(engine)
    snippet = engine.pick_snippet(language="python")
    room = engine.practice(ADA, snippet, ready=True)
    started = runs.go(engine, room.code, ADA, 1, clock[0])
    assert started.starts_at == clock[0]
    clock[0] += 500
    first = racing.keys(room.code, 1, ADA, 0, ((100, snippet.text[0]),))
    assert first["seq"] == 1, first
    kept = store.read_log(room.code, 1, ADA.id)
    assert kept

    after = runs.restart(engine, room.code, ADA, None)  # the drop fails: no error escapes
    assert (after.round, after.phase) == (2, "lobby")
    held = store.get_room(room.code)
    assert held is not None and (held.round, held.phase) == (2, "lobby")
    assert store.read_log(room.code, 1, ADA.id) == kept  # as the store holds it
    # Unsealed, the old round takes keys only from a worker whose room view is older than
    # the restart (ROOM_CACHE_MS at most); nothing concludes it. Past that, none at all.
    clock[0] += ROOM_CACHE_MS + 1
    with pytest.raises(Refused) as stale:
        racing.keys(room.code, 1, ADA, 1, ((1_100, snippet.text[1]),))
    assert stale.value.code == "stale_round"
    assert store.read_log(room.code, 1, ADA.id) == kept


def test_a_drop_failing_for_another_reason_is_not_hidden() -> None:
    class Broken(MemoryStore):
        def drop_round(self, code: str, round_: int, player_ids: Sequence[str]) -> None:
            raise RuntimeError("a bug, not the store away")

    clock = [1_000_000]
    store = Broken(clock=lambda: clock[0])
    engine = Engine(store, builtin(), lambda: clock[0], lambda *_: None)
    room = engine.practice(ADA, engine.pick_snippet(language="python"), ready=True)
    runs.go(engine, room.code, ADA, 1, clock[0])
    with pytest.raises(RuntimeError):
        runs.restart(engine, room.code, ADA, None)
