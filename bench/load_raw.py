"""The cheap load generator: racers speak the documented protocol as raw websocket frames.

Socket.IO v5 over Engine.IO v4, websocket transport only (``GET
/socket.io/?EIO=4&transport=websocket``), through aiohttp's websocket client. The server
opens with ``0{"sid", "pingInterval", ...}``; the client joins the namespace with ``40``
and is answered ``40{"sid"}``, or refused with ``44{"message", "data": {"code"}}``.
Events are ``42["name", data]``; a request that wants an answer is ``42<id>["name",
data]``, answered by ``43<id>[answer]``. The server pings (``2``), the client pongs
(``3``); ``41`` leaves.

It plays exactly as ``load_sio.py`` does (the same key timing, one batch in flight, the
next one a period after the answer: the period the last answer told, ``every``, unless
``--period`` fixes it) and measures the same things, but does the least it can per
message. aiohttp opens the connection (from the racer's own address), makes the upgrade
(offering permessage-deflate, as browsers do) and writes the frames; the server's frames
are read by ``FrameReader``, a protocol on the connection's transport that hands each
message to its racer in the same call, since aiohttp's reading API wakes a task per
message, which cost more than all the rest. The racer looks at a packet's first
characters and parses only what it needs: a tick's ``t``, ``n`` and ``lag`` and each
player's ``id`` and ``pos`` (two regexes), answers, room views. A keys batch is written
as one string from the snippet's keys JSON-encoded once per process, and one pacer task
per process sends every racer's batch when it is due, instead of a timer and a task
wake-up per racer.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from bench.load_figures import BATCH_MS
from bench.load_figures import Play
from bench.load_figures import Stats
from bench.load_figures import follow
from bench.load_figures import key_times
from bench.load_figures import now_ms
from bench.load_frames import Upgraded
from bench.load_frames import send_soon
from bench.load_frames import take_over
from bench.load_glass import Sight
from bench.load_pacer import Pacer

#: A tick's figures the racer records, in the order the server writes them.
TICK_FIGURES = re.compile(r'"t":(\d+),"n":(\d+),"lag":(-?\d+)')
#: Each player's id and ``pos`` in a tick's ``players``.
TICK_PLAYERS = re.compile(r'"id":"([^"]*)","pos":(\d+)')
#: How long a racer waits for the namespace connect and for an answer (s), as load_sio.py.
CONNECT_S = 20
ANSWER_S = 30


class RawRacer:
    """One simulated player on a raw Socket.IO connection."""

    def __init__(
        self, url: str, stats: Stats, play: Play, seed: int, *, source: str, pacer: Pacer
    ) -> None:
        self.url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.stats = stats
        self.play = play
        self.period = play.period or BATCH_MS
        self.pacer = pacer
        self.rng = random.Random(seed)
        # Players have addresses of their own: connect from ``source`` (a loopback address).
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=(source, 0)), ws_response_class=Upgraded
        )
        self.ws: Upgraded | None = None
        self.transport: asyncio.Transport | None = None
        self.joined: asyncio.Future[bool] | None = None
        self.answers: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.ids = itertools.count()
        self.code = ""
        self.round = 1
        self.room: dict[str, Any] = {}
        # Typing state (``type_for``).
        self.times: Sequence[int] = []
        self.keys: list[str] = []
        self.seq = 0
        self.i = 0
        self.t0 = 0
        self.starts_at = 0
        self.origin = 0
        self.sight: Sight | None = None
        self.end = 0.0
        self.keys_id = -1
        #: A keys packet up to its ``seq`` (the room and round do not change while typing).
        self.head = ""
        self.sent = 0.0
        self.done: asyncio.Future[None] | None = None
        self.counting = False
        self.first_n: int | None = None
        self.last_n = 0
        self.got = 0

    async def connect(self) -> bool:
        """Open the websocket and join the namespace; False if either failed or was refused."""
        ok = False
        try:
            # Browsers offer permessage-deflate on every WebSocket; aiohttp only when asked.
            ws = self.ws = await asyncio.wait_for(
                self.http.ws_connect(self.url, compress=15 if self.play.deflate else 0),
                CONNECT_S,
            )
            opened = await asyncio.wait_for(ws.receive(), CONNECT_S)  # 0{"sid", ...}
            if opened.type is aiohttp.WSMsgType.TEXT and opened.data.startswith("0"):
                self.transport = take_over(ws, self.on_text, self.closed)
                self.joined = asyncio.get_running_loop().create_future()
                await ws.send_str("40")
                ok = await asyncio.wait_for(self.joined, CONNECT_S)
        except (aiohttp.ClientError, OSError, TimeoutError):
            pass
        if not ok:  # hang up, as python-socketio does (a refused socket would hold a slot)
            self.stats.connect_failed += 1
            await self.close()
        return ok

    def on_text(self, data: str) -> None:
        """Handle one packet from the server."""
        kind = data[:2]
        if kind == "42":
            if data.startswith('42["tick"'):
                if self.counting:
                    self.on_tick(data)
            elif data.startswith('42["room"'):
                self.room = json.loads(data[2:])[1]
        elif kind == "43":
            bracket = data.index("[")
            self.on_answer(int(data[2:bracket]), json.loads(data[bracket:])[0])
        elif data == "2" and self.ws is not None:
            send_soon(self.ws.send_str("3"))
        elif kind in ("40", "44") and self.joined and not self.joined.done():
            self.joined.set_result(kind == "40")
        elif kind == "41" and self.transport is not None:
            self.transport.close()

    def on_tick(self, data: str) -> None:
        """Record tick delivery delay, lag and sequence, and the opponents' moves seen."""
        found = TICK_FIGURES.search(data)
        now = now_ms()
        sight = self.sight
        if found:
            t, n, lag = int(found[1]), int(found[2]), int(found[3])
            if sight is not None:
                for pid, pos in TICK_PLAYERS.findall(data):
                    sight.see(pid, int(pos), now)
        else:  # written otherwise: read it all
            tick = json.loads(data[2:])[1]
            t, n, lag = tick["t"], tick["n"], tick["lag"]
            if sight is not None:
                for player in tick["players"]:
                    sight.see(player["id"], player["pos"], now)
        self.stats.tick_delay.append(now - t)
        self.stats.tick_lag.append(lag)
        if self.first_n is None:
            self.first_n = n
        self.last_n = n
        self.got += 1

    def on_answer(self, ack: int, answer: dict[str, Any]) -> None:
        """Take the answer to request ``ack``: a keys batch's, or one ``call`` awaits."""
        if ack != self.keys_id:
            waiter = self.answers.pop(ack, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(answer)
            return
        self.stats.batch_rtt.append((time.perf_counter() - self.sent) * 1000)
        self.stats.batches += 1
        if answer.get("ok"):
            self.seq = answer["seq"]
            every = answer.get("every")
            self.stats.told(every)
            self.period = follow(self.play, every, self.period)
        else:
            self.stats.refuse(answer.get("code", "?"))
        self.next_batch()

    def closed(self) -> None:
        """The connection is gone: answer what waits, stop typing."""
        if self.joined and not self.joined.done():
            self.joined.set_result(False)
        for waiter in self.answers.values():
            if not waiter.done():
                waiter.set_result({"ok": False, "code": "disconnected"})
        self.answers.clear()
        self.keys_id = -1
        self.finish()

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        """Send and await the acknowledgement."""
        assert self.ws is not None
        ack = next(self.ids)
        waiter = self.answers[ack] = asyncio.get_running_loop().create_future()
        try:
            await self.ws.send_str(f"42{ack}{json.dumps([event, data], separators=(',', ':'))}")
            answer = await asyncio.wait_for(waiter, ANSWER_S)
        except (ConnectionError, aiohttp.ClientError, TimeoutError):
            answer = {"ok": False, "code": "disconnected"}
        if not answer.get("ok"):
            self.stats.refuse(answer.get("code", "?"))
        return answer

    def plan(self, keys: list[str]) -> None:
        """Draw this racer's key timing before the race starts."""
        self.times = key_times(self.rng, self.play.wpm, len(keys))

    async def type_for(self, seconds: float, starts_at: int, keys: list[str]) -> None:
        """Type in real time for ``seconds``, one batch every period (sent by the pacer)."""
        self.t0 = max(now_ms(), starts_at) - starts_at + self.rng.randint(0, self.period)
        self.keys = self.pacer.encoded(keys)
        self.starts_at = starts_at
        self.origin = starts_at + self.t0
        self.head = f'["keys",{{"code":{json.dumps(self.code)},"round":{self.round},"seq":'
        self.end = now_ms() + seconds * 1000
        self.i = 0
        self.done = asyncio.get_running_loop().create_future()
        self.counting = True
        self.pacer.begin()
        self.next_batch()
        await self.done
        self.counting = False
        if self.first_n is not None:
            self.stats.ticks_expected += self.last_n - self.first_n + 1
            self.stats.ticks_got += self.got

    def next_batch(self) -> None:
        """Schedule the next batch a period from now, or stop typing when the time is up."""
        if now_ms() < self.end and self.i < len(self.times):
            self.pacer.at(now_ms() + self.period, self)
        else:
            self.finish()

    def finish(self) -> None:
        """Stop typing (once)."""
        if self.done is not None and not self.done.done():
            self.done.set_result(None)
            self.pacer.end()

    async def fire(self, now: int) -> None:
        """Send the keys typed by ``now`` as one batch (or wait a period if there are none)."""
        if self.done is None or self.done.done():
            return
        elapsed, t0, times, i = now - self.starts_at, self.t0, self.times, self.i
        parts = []
        while i < len(times) and t0 + times[i] <= elapsed:
            parts.append(f"[{t0 + times[i]},{self.keys[i]}]")
            i += 1
        if i == self.i:
            self.next_batch()
            return
        self.i = i
        ack = self.keys_id = next(self.ids)
        packet = f'42{ack}{self.head}{self.seq},"keys":[{",".join(parts)}]}}]'
        self.sent = time.perf_counter()
        try:
            assert self.ws is not None
            await self.ws.send_str(packet)
        except (ConnectionError, aiohttp.ClientError):
            self.finish()

    async def close(self) -> None:
        """Leave, close the websocket and release the connection."""
        if self.ws is not None and self.transport is not None and not self.transport.is_closing():
            try:
                await self.ws.send_str("41")
                await self.ws.send_frame(b"\x03\xe8", aiohttp.WSMsgType.CLOSE)  # 1000: normal
            except (ConnectionError, aiohttp.ClientError):
                pass
            self.transport.close()
        if self.ws is not None:
            self.ws.upgrade.close()
        await self.http.close()


def crowd(urls: list[str], stats: Stats, play: Play, sources: list[str]) -> list[RawRacer]:
    """Return one racer per source address, spread over the workers' URLs, sharing a pacer."""
    pacer = Pacer()
    return [
        RawRacer(urls[i % len(urls)], stats, play, i, source=src, pacer=pacer)
        for i, src in enumerate(sources)
    ]
