"""Typing in a race: keystroke batches in (``ingest``), progress ticks out (``ticks``), and
the end of a race exactly once (``conclude``), wired together for one worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from race.core import phases
from race.core.keys import Key
from race.core.pace import FASTEST_MS
from race.core.room import Room
from race.identity import Player
from race.realtime.conclude import Conclude
from race.realtime.engine import Engine
from race.realtime.ingest import Ingest
from race.realtime.ticks import tick
from race.store.base import Live


class Racing:
    """Keys in, progress out, and the race's end exactly once."""

    def __init__(
        self,
        engine: Engine,
        pause: Callable[[], None] = lambda: None,
        period: Callable[[], int] = lambda: FASTEST_MS,
    ) -> None:
        self.engine = engine
        #: The worker's batch period now (ms), told to its racers in every keys answer.
        self.period = period
        self.ingest = Ingest(engine)
        self.conclude = Conclude(engine, self.ingest.forget, pause)
        engine.watchers.append(self._after_change)

    def _after_change(self, before: Room, after: Room) -> None:
        """End the race as soon as a move leaves no racer still typing."""
        if after.phase == "racing" and phases.is_over(after, self.engine.clock()):
            self.conclude(after.code, after.round)

    def you(self, room: Room, player_id: str) -> dict[str, Any]:
        """Return a player's own state in a room (for joins and resumes), with the period
        to send batches at."""
        return {**self.ingest.you(room, player_id), "every": self.period()}

    def keys(
        self,
        code: str,
        round_: int,
        player: Player,
        seq: int,
        keys: tuple[Key, ...],
        *,
        conn: str = "",
    ) -> dict[str, Any]:
        """Take one batch of keys from connection ``conn`` (``Ingest.keys``); the answer
        says the batch period."""
        answer = self.ingest.keys(code, round_, player, seq, keys, conn=conn)
        return {**answer, "every": self.period()}

    def tick(
        self, live: Live, now: int, n: int, lag: int, progress: dict[str, str], *, every: int
    ) -> dict[str, Any]:
        """Send one progress tick for a racing room (``n``-th by this worker)."""
        data = tick(live, now, n, lag, progress, every=every)
        self.engine.emit("tick", data, live.code)
        return data
