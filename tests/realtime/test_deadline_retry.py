"""A deadline whose move raises is retried with backoff, then its race ends as abandoned."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from race.core.room import Room
from race.corpus import builtin
from race.identity import Player
from race.realtime.conclude import Conclude
from race.realtime.engine import Engine
from race.realtime.heartbeat import DEADLINE_MAX_TRIES
from race.realtime.heartbeat import DEADLINE_RETRY_FIRST_MS
from race.realtime.heartbeat import DEADLINE_RETRY_LONGEST_MS
from race.realtime.heartbeat import Heartbeat
from race.realtime.metrics import Metrics
from race.realtime.racing import Racing
from race.sink import MemorySink
from race.store.base import Store
from race.store.base import wall_ms
from race.store.memory import MemoryStore


class World:
    """One worker's race services on a clock the test moves (no sockets)."""

    def __init__(self, store: Store | None = None) -> None:
        self.now = wall_ms()
        self.store = store or MemoryStore()
        self.events: list[tuple[str, Any]] = []
        self.engine = Engine(self.store, builtin(), lambda: self.now, self.emit)
        self.racing = Racing(self.engine)
        self.metrics = Metrics(self.store)
        self.sink = MemorySink()
        self.heartbeat = Heartbeat(self.engine, self.racing, self.sink, "w1", self.metrics)

    def emit(self, event: str, data: Any, to: str) -> None:
        self.events.append((event, data))

    def racing_room(self) -> Room:
        """Start a practice race and run it to its time limit (nobody types)."""
        snippet = builtin().get("bash-count-lines")
        assert snippet is not None
        room = self.engine.practice(Player("p" * 16, "Ada"), snippet)
        assert room.starts_at is not None and room.ends_at is not None
        self.now = room.starts_at + 5
        self.heartbeat.beat()
        assert self.phase(room) == "racing"
        self.now = room.ends_at + 1
        return room

    def phase(self, room: Room) -> str:
        found = self.store.get_room(room.code)
        assert found is not None
        return found.phase

    def standings(self) -> list[Any]:
        return [data for event, data in self.events if event == "standings"]

    def metric(self, name: str) -> float | None:
        return self.metrics.registry.get_sample_value(name)


def failing(monkeypatch: pytest.MonkeyPatch, times: int | None) -> list[int]:
    """Make the real end of a race raise ``times`` times (None: always); count the calls."""
    real = Conclude.__call__
    calls: list[int] = []

    def conclude(self: Conclude, code: str, round_: int) -> bool:
        calls.append(round_)
        if times is None or len(calls) <= times:
            raise RuntimeError("the end of this race is broken")
        return real(self, code, round_)

    monkeypatch.setattr(Conclude, "__call__", conclude)
    return calls


def test_a_deadline_that_raises_once_is_retried_after_a_backoff(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = World()
    room = world.racing_room()
    calls = failing(monkeypatch, times=1)
    world.heartbeat.beat()
    assert calls == [1] and world.phase(room) == "racing"  # not dropped: still to apply
    assert world.metric("coderace_deadline_retries_total") == 1
    world.now += DEADLINE_RETRY_FIRST_MS - 1
    world.heartbeat.beat()
    assert calls == [1]  # backing off
    world.now += 1
    world.heartbeat.beat()
    assert calls == [1, 1] and world.phase(room) == "finished"
    [standings] = world.standings()
    assert "abandoned" not in standings and len(standings["standings"]) == 1
    # Applied and reported done: only the end's own check that its standings were told.
    assert world.store.claim_due(world.now + 10**9) == [f"tell|{room.code}|1"]
    assert world.metric("coderace_deadlines_abandoned_total") == 0


def test_a_deadline_that_always_raises_ends_its_race_as_abandoned(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = World()
    room = world.racing_room()
    calls = failing(monkeypatch, times=None)
    for _ in range(DEADLINE_MAX_TRIES):
        assert world.phase(room) == "racing" and world.standings() == []
        world.heartbeat.beat()
        world.now += DEADLINE_RETRY_LONGEST_MS
    assert len(calls) == DEADLINE_MAX_TRIES
    after = world.store.get_room(room.code)
    assert after is not None and after.phase == "finished" and after.abandoned
    assert after.standings == ()
    [told] = world.standings()
    assert told["abandoned"] is True and told["standings"] == [] and told["round"] == 1
    views = [data for event, data in world.events if event == "room"]
    assert views[-1]["phase"] == "finished" and views[-1]["abandoned"] is True
    assert world.metric("coderace_deadlines_abandoned_total") == 1
    assert world.metric("coderace_deadline_retries_total") == DEADLINE_MAX_TRIES - 1
    gave_up = [r for r in caplog.records if "abandoned after" in r.getMessage()]
    assert len(gave_up) == 1 and gave_up[0].levelno == logging.ERROR
    assert world.store.outbox_size() == 0  # no result is kept for it
    # Nothing is left to retry, and more beats change nothing.
    assert world.store.claim_due(world.now + 10**9) == []
    world.heartbeat.beat()
    assert len(calls) == DEADLINE_MAX_TRIES and len(world.standings()) == 1


def test_a_player_s_drop_that_keeps_failing_is_given_up_alone() -> None:
    world = World()
    snippet = builtin().get("bash-count-lines")
    assert snippet is not None
    room = world.engine.practice(Player("p" * 16, "Ada"), snippet)
    assert room.starts_at is not None
    world.now = room.starts_at + 5
    world.heartbeat.beat()
    item = f"drop|{room.code}|p{'b' * 16}"
    world.store.schedule(item, world.now)
    for _ in range(DEADLINE_MAX_TRIES):
        assert item in world.store.claim_due(world.now)
        world.heartbeat.failed(item, world.now, RuntimeError("this drop is broken"))
        world.now += DEADLINE_RETRY_LONGEST_MS
    assert world.phase(room) == "racing"  # everyone else's race goes on
    assert world.standings() == []
    assert world.metric("coderace_deadlines_abandoned_total") == 1
    assert item not in world.store.claim_due(world.now + 10**9)
