"""Real races without sockets: the engine, the store and the heartbeat on a test clock."""

from __future__ import annotations

import itertools
import time
from typing import Any

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.room import Room
from race.core.snippet import Snippet
from race.core.timing import Timing
from race.corpus import builtin
from race.identity import Player
from race.realtime.engine import Engine
from race.realtime.heartbeat import Heartbeat
from race.realtime.racing import Racing
from race.sink import ResultsSink
from race.store.base import Store
from race.store.base import wall_ms
from tests.realtime.harness import human_gaps

SNIPPETS = ("bash-count-lines", "go-struct-basics", "flask-hello-routes")
_ids = itertools.count(1)


class Track:
    """One worker's race services, with a clock the test moves."""

    def __init__(self, store: Store, sink: ResultsSink) -> None:
        self.now = wall_ms()  # the stores expire rooms by the wall clock
        self.store = store
        self.engine = Engine(store, builtin(), lambda: self.now, self._emit, Timing())
        self.racing = Racing(self.engine)
        self.heartbeat = Heartbeat(self.engine, self.racing, sink, "test-worker")
        self.events: list[tuple[str, Any]] = []

    def _emit(self, event: str, data: Any, to: str) -> None:
        self.events.append((event, data))

    def practice(self, name: str, snippet_id: str | None = None, seed: int = 1) -> str:
        """Play a practice race to the end (a human-like typist); return its race id."""
        player = self.player(name)
        snippet = builtin().get(snippet_id or SNIPPETS[seed % len(SNIPPETS)])
        assert snippet is not None
        return self.play_out(self.engine.practice(player, snippet), player, seed).race_id

    def private(self, host: Player, snippet: Snippet, seed: int = 1, **setting: Any) -> Room:
        """Play a private room of one, its host, to the end (after ``configure``-ing any
        host ``setting``); return the finished room."""
        room = self.engine.create_private(host, snippet, None)
        if setting:
            self.engine.configure(room.code, host, None, None, **setting)
        self.engine.start(room.code, host)
        started = self.store.get_room(room.code)
        assert started is not None
        return self.play_out(started, host, seed)

    def player(self, name: str) -> Player:
        """Return a new player."""
        return Player(f"p{next(_ids):016x}", name)

    def saved(self, timeout: float = 10.0) -> None:
        """Drain the outbox into the sink until it is empty."""
        deadline = time.monotonic() + timeout
        while self.store.outbox_size():
            assert time.monotonic() < deadline, "the outbox did not drain"
            self.heartbeat.drain_outbox()
            time.sleep(0.02)

    def play_out(self, room: Room, player: Player, seed: int) -> Room:
        """Type a started room's snippet to the end as its player; return the finished room."""
        assert room.starts_at is not None
        self.now = room.starts_at + 5
        self.heartbeat.beat()  # claims the race's "begin" deadline
        snippet = room.snippet
        keys = ideal_keys(Course(snippet.text, room.rules, snippet.indent_unit))
        gaps = human_gaps(len(keys), mean_ms=150, seed=seed)
        stamps = list(itertools.accumulate(gaps, initial=300))[1:]
        for seq, start in enumerate(range(0, len(keys), 6)):
            chunk = tuple(zip(stamps[start : start + 6], keys[start : start + 6], strict=True))
            self.now = room.starts_at + chunk[-1][0] + 40
            self.racing.keys(room.code, room.round, player, seq, chunk)
        finished = self.store.get_room(room.code)
        assert finished is not None and finished.phase == "finished", "the race did not end"
        return finished
