"""A move whose store reply is lost after it was written answers and broadcasts as if not.

The real store's ``update_room`` commits (MULTI/EXEC on Redis) and then raises the error
a lost EXEC reply gives (redis ``ConnectionError``), once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

from race.core.room import Room
from race.corpus import builtin
from race.identity import Player
from race.store.base import Store
from race.store.memory import MemoryStore
from tests.realtime.test_deadline_retry import World
from tests.store.conftest import redis_client
from tests.store.conftest import redis_store

__all__ = ["redis_client"]

HOST, GUEST = Player("h" * 16, "Host"), Player("g" * 16, "Guest")


@pytest.fixture(params=["memory", "redis"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    """Race services on each store in turn (Redis: the real one)."""
    if request.param == "memory":
        yield World(MemoryStore())
        return
    yield from (World(store) for store in redis_store(request.getfixturevalue("redis_client")))


def lose_next_reply(store: Store) -> list[int]:
    """Make the next room write commit, then fail as a lost reply does; count the losses."""
    real = store.update_room
    lost: list[int] = []

    def update_room(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not lost:
            lost.append(1)
            raise redis.ConnectionError("Connection reset by peer (injected after EXEC)")
        return result

    store.update_room = update_room  # type: ignore[method-assign]
    return lost


def private_room(world: World) -> str:
    snippet = builtin().get("bash-count-lines")
    assert snippet is not None
    code = world.engine.create_private(HOST, snippet, None).code
    world.engine.join(code, GUEST, "racer")
    return code


def racing_private_room(world: World) -> tuple[str, Room]:
    """Open a private room of two, start it and let its countdown end."""
    code = private_room(world)
    world.engine.start(code, HOST)
    room = world.store.get_room(code)
    assert room is not None and room.starts_at is not None
    world.now = room.starts_at + 5
    world.heartbeat.beat()
    return code, room


def test_a_race_whose_end_reply_is_lost_still_broadcasts_its_standings_once(
    world: World,
) -> None:
    room = world.racing_room()
    lost = lose_next_reply(world.store)
    world.heartbeat.beat()  # the time limit: the end is written, its reply lost
    assert lost == [1]
    assert world.phase(room) == "finished"
    [told] = world.standings()
    assert [s["player_id"] for s in told["standings"]] == ["p" * 16]
    assert world.store.outbox_size() + len(world.sink.records) == 1  # its result, once
    for _ in range(3):  # nothing is left to end or tell
        world.now += 6_000
        world.heartbeat.beat()
    assert len(world.standings()) == 1


def test_a_start_whose_reply_is_lost_answers_success_and_a_resend_too(world: World) -> None:
    code = private_room(world)
    lost = lose_next_reply(world.store)
    world.engine.start(code, HOST)  # no error although the reply was lost
    assert lost == [1]
    room = world.store.get_room(code)
    assert room is not None and room.phase == "countdown"
    world.engine.start(code, HOST)  # the client's resend: success, nothing changes
    assert world.store.get_room(code) == room
    views = [data for event, data in world.events if event == "room"]
    assert views[-1]["phase"] == "countdown"


def test_a_kick_whose_reply_is_lost_answers_success_and_a_resend_too(world: World) -> None:
    code = private_room(world)
    lost = lose_next_reply(world.store)
    world.engine.kick(code, HOST, GUEST.id)
    assert lost == [1]
    room = world.store.get_room(code)
    assert room is not None and GUEST.id in room.banned and room.seat(GUEST.id) is None
    world.engine.kick(code, HOST, GUEST.id)
    assert [data for event, data in world.events if event == "kicked"] == [{"code": code}] * 2
    assert world.store.get_room(code) == room


def test_an_end_whose_reply_is_lost_ends_the_race_with_standings(world: World) -> None:
    code, room = racing_private_room(world)
    world.now += 1_000
    lost = lose_next_reply(world.store)
    world.engine.cut_short(code, HOST)  # lost after the write; the race still ends
    assert lost == [1] and world.phase(room) == "finished"
    [told] = world.standings()
    assert {s["player_id"] for s in told["standings"]} == {HOST.id, GUEST.id}


def test_a_rematch_whose_reply_is_lost_answers_success(world: World) -> None:
    code, room = racing_private_room(world)
    world.engine.cut_short(code, HOST)
    assert world.phase(room) == "finished"
    lost = lose_next_reply(world.store)
    world.engine.rematch(code, HOST, None)  # no bad_phase although the reply was lost
    assert lost == [1]
    after = world.store.get_room(code)
    assert after is not None and after.phase == "lobby" and after.round == 2
    assert after.race_id != room.race_id


def test_standings_are_told_even_when_the_store_is_away_after_a_lost_end_reply(
    world: World,
) -> None:
    room = world.racing_room()
    lost = lose_next_reply(world.store)
    real_get = world.store.get_room
    calls: list[int] = []

    def get_room(code: str) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the end's re-read after its lost reply: the store is away
            raise redis.ConnectionError("still away")
        return real_get(code)

    world.store.get_room = get_room  # type: ignore[method-assign]
    world.heartbeat.beat()  # the time limit: the end is written, its reply lost, then away
    assert lost == [1] and world.phase(room) == "finished" and world.standings() == []
    world.now += 1_000  # the end's own check comes due
    world.heartbeat.beat()
    [told] = world.standings()
    assert [s["player_id"] for s in told["standings"]] == ["p" * 16]
    for _ in range(3):
        world.now += 6_000
        world.heartbeat.beat()
    assert len(world.standings()) == 1
