"""One task that sends every racer's keys batch when it is due (``load_raw.py``).

A sleep per racer per batch is a timer and a task wake-up each; the pacer wakes once for
every batch due within ``PACE_S`` of each other, and the racer writes its batch there. It
sleeps until the earliest batch due; one scheduled earlier still (a racer whose period
the worker narrowed) wakes it sooner.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
from typing import Protocol

from bench.load_figures import now_ms

#: The pacer's shortest sleep (s): batches due within it go out together.
PACE_S = 0.005


class Typist(Protocol):
    """A racer the pacer sends for."""

    async def fire(self, now: int) -> None:
        """Send the keys typed by ``now`` (wall clock, ms)."""


class Pacer:
    """Sends every typing racer's next batch when it is due, from one task; holds what the
    racers of one process share."""

    def __init__(self) -> None:
        self.due: list[tuple[int, int, Typist]] = []
        self.order = itertools.count()
        self.typing = 0
        self.task: asyncio.Task[None] | None = None
        #: What the pacer sleeps on, and until when (wall clock ms).
        self.alarm: asyncio.Future[None] | None = None
        self.wake_at = 0
        self._keys: list[str] | None = None
        self._encoded: list[str] = []

    def encoded(self, keys: list[str]) -> list[str]:
        """Return ``keys`` JSON-encoded, one string per key (computed once per snippet)."""
        if keys is not self._keys:
            self._keys, self._encoded = keys, [json.dumps(k) for k in keys]
        return self._encoded

    def begin(self) -> None:
        """Count one more racer typing; start the pacer's task if it is not running."""
        self.typing += 1
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self.run())

    def end(self) -> None:
        """Count one racer less typing."""
        self.typing -= 1

    def at(self, ms: int, racer: Typist) -> None:
        """Have ``racer`` send its next batch at ``ms`` (wall clock)."""
        heapq.heappush(self.due, (ms, next(self.order), racer))
        if ms < self.wake_at and self.alarm is not None and not self.alarm.done():
            self.alarm.set_result(None)

    async def run(self) -> None:
        """Send batches as they fall due while anyone is typing."""
        due, loop = self.due, asyncio.get_running_loop()
        while self.typing:
            wait = max(PACE_S, (due[0][0] - now_ms()) / 1000 if due else PACE_S)
            self.wake_at = now_ms() + round(wait * 1000)
            alarm = self.alarm = loop.create_future()
            timer = loop.call_later(wait, _ring, alarm)
            await alarm
            timer.cancel()
            self.wake_at = 0
            now = now_ms()
            while due and due[0][0] <= now:
                await heapq.heappop(due)[2].fire(now)
        self.task = None


def _ring(alarm: asyncio.Future[None]) -> None:
    """Wake the pacer (unless a sooner batch already did)."""
    if not alarm.done():
        alarm.set_result(None)
