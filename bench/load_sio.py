"""The reference load generator: each racer is a python-socketio asyncio client.

Costs far more CPU per racer than ``load_raw.py`` (figures in docs/architecture.md, "Load
figures"); it is kept as the generator the cheap one is checked against.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any

import aiohttp
import socketio

from bench.load_figures import BATCH_MS
from bench.load_figures import Play
from bench.load_figures import Stats
from bench.load_figures import follow
from bench.load_figures import key_times
from bench.load_figures import now_ms
from bench.load_glass import Sight


class Racer:
    """One simulated player."""

    def __init__(self, url: str, stats: Stats, play: Play, seed: int, *, source: str) -> None:
        self.url = url
        self.stats = stats
        self.play = play
        self.period = play.period or BATCH_MS
        self.wpm = play.wpm
        self.rng = random.Random(seed)
        # Browsers offer permessage-deflate on every WebSocket; aiohttp only when asked.
        extra = {"compress": 15} if play.deflate else {}
        # Players have addresses of their own: connect from ``source`` (a loopback address).
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)))
        self.sio = socketio.AsyncClient(
            reconnection=False, websocket_extra_options=extra, http_session=self.http
        )
        self.code = ""
        self.round = 1
        self.seq = 0
        self.room: dict[str, Any] = {}
        self.first_n: int | None = None
        #: When each key of the snippet is typed, in ms after ``origin``, the racer's first
        #: batch slot (wall clock; 0 until it types).
        self.times: Sequence[int] = []
        self.origin = 0
        self.sight: Sight | None = None
        self.last_n = 0
        self.got = 0
        self.counting = False
        self.sio.on("tick", self.on_tick)
        self.sio.on("room", self.on_room)

    async def on_tick(self, tick: dict[str, Any]) -> None:
        """Record tick delivery delay, lag and sequence, and the opponents' moves seen."""
        if not self.counting:
            return
        now = now_ms()
        if self.sight is not None:
            for player in tick["players"]:
                self.sight.see(player["id"], player["pos"], now)
        self.stats.tick_delay.append(now - tick["t"])
        self.stats.tick_lag.append(tick["lag"])
        if self.first_n is None:
            self.first_n = tick["n"]
        self.last_n = tick["n"]
        self.got += 1

    async def on_room(self, room: dict[str, Any]) -> None:
        """Keep the latest room view."""
        self.room = room

    async def connect(self) -> bool:
        """Connect; False if the server refused."""
        try:
            await self.sio.connect(self.url, transports=["websocket"], wait_timeout=20)
            return True
        except socketio.exceptions.ConnectionError:
            self.stats.connect_failed += 1
            return False

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        """Send and await the acknowledgement."""
        answer: dict[str, Any] = await self.sio.call(event, data, timeout=30)
        if not answer.get("ok"):
            self.stats.refuse(answer.get("code", "?"))
        return answer

    def plan(self, keys: list[str]) -> None:
        """Draw this racer's key timing before the race starts."""
        self.times = key_times(self.rng, self.wpm, len(keys))

    async def type_for(self, seconds: float, starts_at: int, keys: list[str]) -> None:
        """Type in real time for ``seconds``, one batch every period."""
        t0 = max(now_ms(), starts_at) - starts_at + self.rng.randint(0, self.period)
        self.origin = starts_at + t0
        times = self.times
        end = now_ms() + seconds * 1000
        i = 0
        self.counting = True
        while now_ms() < end and i < len(times):
            await asyncio.sleep(self.period / 1000)
            elapsed = now_ms() - starts_at
            batch = []
            while i < len(times) and t0 + times[i] <= elapsed:
                batch.append([t0 + times[i], keys[i]])
                i += 1
            if not batch:
                continue
            sent = time.perf_counter()
            ack = await self.call(
                "keys", {"code": self.code, "round": self.round, "seq": self.seq, "keys": batch}
            )
            self.stats.batch_rtt.append((time.perf_counter() - sent) * 1000)
            self.stats.batches += 1
            if ack.get("ok"):
                self.seq = ack["seq"]
                self.stats.told(ack.get("every"))
                self.period = follow(self.play, ack.get("every"), self.period)
        self.counting = False
        if self.first_n is not None:
            self.stats.ticks_expected += self.last_n - self.first_n + 1
            self.stats.ticks_got += self.got

    async def close(self) -> None:
        """Disconnect and release the connection."""
        if self.sio.connected:
            await self.sio.disconnect()
        await self.http.close()


def crowd(urls: list[str], stats: Stats, play: Play, sources: list[str]) -> list[Racer]:
    """Return one racer per source address, spread over the workers' URLs."""
    return [Racer(urls[i % len(urls)], stats, play, i, source=src) for i, src in enumerate(sources)]
