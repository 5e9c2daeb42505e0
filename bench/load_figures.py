"""What the load benchmark's racers measure, and how a run's row is printed.

Shared by both load generators (``load_sio.py``, ``load_raw.py``) and ``load.py``, so their
rows compare like for like.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import random
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Protocol

from bench.load_glass import Sight


def now_ms() -> int:
    """Return the shared wall clock in ms."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Play:
    """How the simulated racers play (the command line's options for one run)."""

    wpm: float
    #: ms between a racer's batches; None: the period the worker tells (``every``)
    period: int | None
    #: seconds of typing
    seconds: float
    #: offer permessage-deflate, as browsers do
    deflate: bool
    #: racers per room
    room_size: int


@dataclass
class Stats:
    """What every racer measured."""

    batch_rtt: list[float] = field(default_factory=list)
    tick_delay: list[float] = field(default_factory=list)
    tick_lag: list[float] = field(default_factory=list)
    ticks_got: int = 0
    ticks_expected: int = 0
    batches: int = 0
    #: Glass-to-glass delays (``load_glass.py``), ms.
    glass: list[float] = field(default_factory=list)
    #: The periods the keys answers told (``every``, ms), counted.
    periods: dict[int, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    connect_failed: int = 0

    def refuse(self, code: str) -> None:
        """Count a refused request."""
        self.refused[code] = self.refused.get(code, 0) + 1

    def told(self, every: Any) -> None:
        """Count the period a keys answer told."""
        if isinstance(every, int):
            self.periods[every] = self.periods.get(every, 0) + 1


#: The period a racer batches at before the worker has told one (ms), as the browser.
BATCH_MS = 200
#: The periods a racer follows are kept within these (ms), as the browser's
#: (static/js/sender.js).
FASTEST_MS = 100
SLOWEST_MS = 1000


def follow(play: Play, every: Any, period: int) -> int:
    """Return the period to batch at after the worker told ``every`` (``period`` so far):
    the one ``--period`` fixed, else ``every`` within bounds."""
    if play.period is not None:
        return play.period
    if not isinstance(every, int):
        return period
    return min(SLOWEST_MS, max(FASTEST_MS, every))


class Racer(Protocol):
    """One simulated player, as ``load.run_load`` drives it (either generator)."""

    #: the room code, once the racer is in a room
    code: str
    #: the latest room view
    room: dict[str, Any]
    #: the batch period (ms) it follows now
    period: int
    #: when its key times count from (wall clock ms), once it types
    origin: int
    #: when it types each key of the snippet, ms after ``origin``
    times: Sequence[int]
    #: what it sees of its opponents (``load_glass.watch``)
    sight: Sight | None

    async def connect(self) -> bool:
        """Connect; False if the server refused."""

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        """Send and await the acknowledgement."""

    def plan(self, keys: list[str]) -> None:
        """Draw the key timing before the race starts."""

    async def type_for(self, seconds: float, starts_at: int, keys: list[str]) -> None:
        """Type in real time for ``seconds``, one batch every period."""

    async def close(self) -> None:
        """Disconnect and release the connection."""


def key_times(rng: random.Random, wpm: float, count: int) -> array[int]:
    """Return when each of ``count`` keys is typed, in ms after the first batch slot: gaps
    log-normal around the WPM. Drawn before the race starts: drawing them at the start
    line stalled the generator for half a second, which showed up as late ticks in the
    first second of every run. An array: a list held an int object per key per racer."""
    sigma = 0.5
    mu = math.log(12_000 / wpm) - sigma**2 / 2
    gaps = [max(15, round(rng.lognormvariate(mu, sigma))) for _ in range(count)]
    return array("q", itertools.accumulate(gaps))


def pct(xs: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of xs, or nan."""
    if not xs:
        return math.nan
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q / 100 * len(xs)))]


async def watch_loop(lags: list[float]) -> None:
    """Record how late this process's event loop wakes up: the load generator's own lag."""
    while True:
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - start - 0.01) * 1000)


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user + system) the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Return the resident memory of a process in MiB (Linux /proc), or nan."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return math.nan
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Sum the figures of several load-generator processes."""
    merged: dict[str, Any] = {"refused": {}, "periods": {}}
    for key in ("racers", "batches_s", "ticks_s", "ticks_got", "ticks_expected", "connect_failed"):
        merged[key] = sum(part[key] for part in parts)
    for key in ("rtt", "delay", "lag", "glass", "loop_lag"):
        merged[key] = [x for part in parts for x in part[key]]
    for part in parts:
        for counts in ("refused", "periods"):
            for code, n in part[counts].items():
                merged[counts][code] = merged[counts].get(code, 0) + n
    expected = merged["ticks_expected"]
    merged["delivery"] = merged["ticks_got"] / expected if expected else math.nan
    return merged


HEADER = (
    "  W wanted racers  batch/s  ticks/s delivery  cpu  rss  gen | batch rtt ms p50 p99 max | "
    "tick delivery ms p50 p99 max | tick lag ms p50 p99 max | g2g ms p50 p99 | every ms | "
    "client lag p99 | refused"
)


def row(workers: int, wanted: int, r: dict[str, Any]) -> str:
    """Format one result row (columns as in ``HEADER``)."""

    def trio(xs: list[float]) -> str:
        return f"{pct(xs, 50):5.0f} {pct(xs, 99):5.0f} {max(xs, default=math.nan):6.0f}"

    refused = ",".join(f"{k}:{v}" for k, v in r["refused"].items()) or "-"
    told = sorted(r["periods"])
    every = "-" if not told else f"{told[0]}" if len(told) == 1 else f"{told[0]}-{told[-1]}"
    return (
        f"{workers:>3} {wanted:>6} {r['racers']:>6} {r['batches_s']:>8.0f} {r['ticks_s']:>8.0f} "
        f"{r['delivery'] * 100:>7.1f}% {r['cpu']:>4.0f}% {r['rss']:>4.0f} {r['gen_cpu']:>4.0f}% "
        f"| {trio(r['rtt'])} | {trio(r['delay'])} | {trio(r['lag'])} "
        f"| {pct(r['glass'], 50):5.0f} {pct(r['glass'], 99):5.0f} | {every:>7} "
        f"| {pct(r['loop_lag'], 99):5.0f} | {refused} {r['connect_failed'] or ''}"
    )
