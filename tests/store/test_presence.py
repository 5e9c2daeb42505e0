"""Presence counts in every store: entries written with each room move, summed across
workers (two store objects on one Redis), dropped with the room."""

from __future__ import annotations

from race.core import members
from race.core import phases
from race.core import room as rooms
from race.core.snippet import make_snippet
from race.store.base import ROOM_TTL_MS
from race.store.base import Store
from race.store.memory import MemoryStore
from race.store.redis import RedisStore
from tests.store.conftest import Clock

GO = make_snippet(
    id="go-x", title="G", language="go", difficulty="easy", indent="tab", code="x\ny\nz"
)
PY = make_snippet(
    id="py-y", title="P", language="python", difficulty="easy", indent="tab", code="a\nb\nc"
)


def test_counts_follow_seats_and_phases(store: Store) -> None:
    assert store.presence().to_dict()["total"] == {"waiting": 0, "racing": 0}
    lobby = rooms.new_room("Q" * 16, "quick", PY, 1_000, race_id="q" * 22, lobby="python")
    store.create_room(lobby)
    store.update_room(lobby.code, lambda r: members.join(r, "p1", "Ann", "racer", 1_000))
    assert store.presence().waiting == {"python": 1}
    other = rooms.new_room("R" * 16, "private", GO, 1_000, race_id="r" * 22)
    store.create_room(other)
    store.update_room(other.code, lambda r: members.join(r, "p2", "Ben", "racer", 1_000))
    store.update_room(other.code, lambda r: members.join(r, "p3", "Cy", "racer", 1_000))
    _, counting = store.update_room(other.code, lambda r: phases.begin_countdown(r, 2_000, 10))
    assert store.presence().to_dict() == {
        "waiting": {"python": 1},
        "racing": {"go": 2},
        "total": {"waiting": 1, "racing": 2},
    }
    store.update_room(other.code, lambda r: phases.finish(phases.begin_racing(r, 3_000), "p2", 9))
    assert store.presence().racing == {"go": 1}
    store.update_room(other.code, lambda r: phases.end(r, (), 4_000))
    store.update_room(lobby.code, lambda r: members.leave(r, "p1", 4_000))
    assert store.presence().to_dict()["total"] == {"waiting": 0, "racing": 0}
    store.update_room(lobby.code, lambda r: members.join(r, "p4", "Di", "racer", 5_000))
    assert store.presence().waiting == {"python": 1}
    store.delete_room(lobby.code)
    assert store.presence().waiting == {}
    assert counting.phase == "countdown"


def test_every_worker_sees_the_same_counts(store: Store) -> None:
    if isinstance(store, MemoryStore):
        return  # one process: nothing to share (the Redis stores below share one server)
    assert isinstance(store, RedisStore)
    other = RedisStore(store.r, prefix=store.p, shards=store.k.shards)
    lobby = rooms.new_room("W" * 16, "quick", GO, 1_000, race_id="w" * 22, lobby="any")
    store.create_room(lobby)
    other.update_room(lobby.code, lambda r: members.join(r, "p1", "Ann", "racer", 1_000))
    store.update_room(lobby.code, lambda r: members.join(r, "p2", "Ben", "racer", 1_000))
    assert other.presence().waiting == store.presence().waiting == {"any": 2}


def test_an_expired_room_stops_counting(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    lobby = rooms.new_room("E" * 16, "quick", GO, 1_000, race_id="e" * 22, lobby="go")
    store.create_room(lobby)
    store.update_room(lobby.code, lambda r: members.join(r, "p1", "Ann", "racer", 1_000))
    assert store.presence().waiting == {"go": 1}
    if isinstance(store, RedisStore):
        store.r.delete(store.k.room(lobby.code))  # the key's TTL ran out
        store.r.zadd(store.k.expiry(store.k.shard(lobby.code)), {lobby.code: 0})
        store._sweep(clock())
    else:
        clock.now += ROOM_TTL_MS + 1
    assert store.presence().waiting == {}
