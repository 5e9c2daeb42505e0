"""Load benchmark: simulated racers play real races through the documented protocol.

Starts W real workers (``python -m race.serve``) sharing the real Redis, connects N racers
(asyncio python-socketio clients, spread over the workers), seats them in private rooms of
5 on a long custom snippet, and has them type at a chosen WPM with human-like timing,
sending a batch every ``--period`` ms. Like browsers, the clients offer permessage-deflate
(``--no-deflate``: not), and each connects from an address of its own (127.p.x.y on
loopback), so the production rate limits apply per racer as they would per player.
Prints one table row per run; asserts nothing.

    .venv/bin/python bench/load.py --workers 1 2 --racers 200 500 1000 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.timing import Timing
from tests.scale.cluster import Cluster

LINE = "total = total + weights[i] * values[i]  # accumulate\n"
CODE = (LINE * 40)[:1990]
#: Racers per private room (``--room``).
ROOM = 5


def now_ms() -> int:
    """Return the shared wall clock in ms."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Play:
    """How the simulated racers play (the command line's options for one run)."""

    wpm: float
    #: ms between a racer's batches
    period: int
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
    refused: dict[str, int] = field(default_factory=dict)
    connect_failed: int = 0


class Racer:
    """One simulated player."""

    def __init__(self, url: str, stats: Stats, play: Play, seed: int, *, source: str) -> None:
        self.url = url
        self.stats = stats
        self.period = play.period
        self.rng = random.Random(seed)
        self.mean_gap = 12_000 / play.wpm
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
        #: When each key of the snippet is typed, in ms after the racer's first batch slot.
        self.times: list[int] = []
        self.last_n = 0
        self.got = 0
        self.counting = False
        self.sio.on("tick", self.on_tick)
        self.sio.on("room", self.on_room)

    async def on_tick(self, tick: dict[str, Any]) -> None:
        """Record tick delivery delay, lag and sequence."""
        if not self.counting:
            return
        self.stats.tick_delay.append(now_ms() - tick["t"])
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
            self.stats.refused[answer.get("code", "?")] = (
                self.stats.refused.get(answer.get("code", "?"), 0) + 1
            )
        return answer

    def plan(self, keys: list[str]) -> None:
        """Draw this racer's key gaps (log-normal around the WPM) before the race starts:
        drawing them at the start line stalled the generator for half a second, which
        showed up as late ticks in the first second of every run."""
        sigma = 0.5
        mu = math.log(self.mean_gap) - sigma**2 / 2
        gaps = [max(15, round(self.rng.lognormvariate(mu, sigma))) for _ in keys]
        self.times = list(itertools.accumulate(gaps))

    async def type_for(self, seconds: float, starts_at: int, keys: list[str]) -> None:
        """Type in real time for ``seconds``, one batch every period."""
        t0 = max(now_ms(), starts_at) - starts_at + self.rng.randint(0, self.period)
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
        self.counting = False
        if self.first_n is not None:
            self.stats.ticks_expected += self.last_n - self.first_n + 1
            self.stats.ticks_got += self.got


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


async def run_load(
    urls: list[str], racers: int, play: Play, *, process: int = 0, typing: Any = None
) -> dict[str, Any]:
    """Seat and race ``racers`` simulated players; return the measured figures."""
    stats = Stats()
    # Each racer has an address of its own: 127.<process + 1>.x.y.
    sources = [f"127.{process + 1}.{i // 250}.{i % 250 + 1}" for i in range(racers)]
    crowd = [Racer(urls[i % len(urls)], stats, play, i, source=sources[i]) for i in range(racers)]
    connected = []
    for start in range(0, racers, 50):
        group = crowd[start : start + 50]
        oks = await asyncio.gather(*(r.connect() for r in group))
        connected += [r for r, ok in zip(group, oks, strict=True) if ok]
    size = play.room_size
    rooms: list[list[Racer]] = [connected[i : i + size] for i in range(0, len(connected), size)]
    keys = ideal_keys(Course(CODE.rstrip()))
    starts = []
    for group in rooms:
        host = group[0]
        made = await host.call("create", {"custom": {"code": CODE}, "limit_s": 600})
        if not made.get("ok"):
            continue
        host.code = made["room"]["code"]
        for r in group[1:]:
            r.code = host.code
        answers = await asyncio.gather(*(r.call("join", {"code": host.code}) for r in group[1:]))
        del answers
        await host.call("start", {"code": host.code})
        starts.append(group)
    countdown_end = time.monotonic() + 8
    for r in connected:
        r.plan(keys)
    await asyncio.sleep(countdown_end - time.monotonic())  # countdowns end
    seated = [r for group in starts for r in group if r.room.get("starts_at")]
    if typing is not None:
        typing.set()  # the parent measures the workers' CPU while racers type
    begin = time.perf_counter()
    loop_lag: list[float] = []
    watcher = asyncio.create_task(watch_loop(loop_lag))
    await asyncio.gather(*(r.type_for(play.seconds, r.room["starts_at"], keys) for r in seated))
    watcher.cancel()
    wall = time.perf_counter() - begin
    for r in crowd:
        if r.sio.connected:
            await r.sio.disconnect()
        await r.http.close()
    return {
        "racers": len(seated),
        "batches_s": stats.batches / wall,
        "ticks_s": stats.ticks_got / wall,
        "delivery": stats.ticks_got / stats.ticks_expected if stats.ticks_expected else math.nan,
        "ticks_got": stats.ticks_got,
        "ticks_expected": stats.ticks_expected,
        "rtt": stats.batch_rtt,
        "delay": stats.tick_delay,
        "lag": stats.tick_lag,
        "refused": stats.refused,
        "loop_lag": loop_lag,
        "connect_failed": stats.connect_failed,
    }


def _child(
    urls: list[str], racers: int, play: Play, out: Any, *, process: int, typing: Any
) -> None:
    """Run one load-generator process and hand its figures back."""
    out.put(asyncio.run(run_load(urls, racers, play, process=process, typing=typing)))


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


def run_spread(cluster: Cluster, racers: int, procs: int, play: Play) -> dict[str, Any]:
    """Run the load from ``procs`` processes (one asyncio process cannot read fast enough);
    measure the workers' and the generators' CPU use over the middle of the typing, and the
    workers' memory at its end."""
    urls = cluster.urls
    per = [racers // procs // play.room_size * play.room_size] * procs
    per[0] += racers - sum(per)
    queue: Any = multiprocessing.Queue()
    typing: Any = multiprocessing.Event()
    children = [
        multiprocessing.Process(
            target=_child,
            args=(urls, n, play, queue),
            kwargs={"process": p, "typing": typing},
        )
        for p, n in enumerate(per)
        if n
    ]
    for child in children:
        child.start()
    pids = [proc.pid for proc in cluster.procs if proc is not None]
    generators = [child.pid for child in children if child.pid is not None]
    if not typing.wait(timeout=600):
        raise RuntimeError("the load generators never started typing")
    time.sleep(play.seconds * 0.1)
    window = play.seconds * 0.7
    used, gen_used = cpu_seconds(pids), cpu_seconds(generators)
    time.sleep(window)
    used, gen_used = cpu_seconds(pids) - used, cpu_seconds(generators) - gen_used
    rss = max(rss_mb(pid) for pid in pids)
    parts = [queue.get() for _ in children]
    for child in children:
        child.join()
    merged: dict[str, Any] = {"refused": {}}
    for key in ("racers", "batches_s", "ticks_s", "ticks_got", "ticks_expected", "connect_failed"):
        merged[key] = sum(part[key] for part in parts)
    for key in ("rtt", "delay", "lag", "loop_lag"):
        merged[key] = [x for part in parts for x in part[key]]
    for part in parts:
        for code, n in part["refused"].items():
            merged["refused"][code] = merged["refused"].get(code, 0) + n
    expected = merged["ticks_expected"]
    merged["delivery"] = merged["ticks_got"] / expected if expected else math.nan
    #: Mean CPU use of one worker while racers typed (100 = one core busy).
    merged["cpu"] = used / window / len(pids) * 100
    #: All load generators together (100 = one core): what the workers could not have.
    merged["gen_cpu"] = gen_used / window * 100
    merged["rss"] = rss
    return merged


def row(workers: int, wanted: int, r: dict[str, Any]) -> str:
    """Format one result row."""

    def trio(xs: list[float]) -> str:
        return f"{pct(xs, 50):5.0f} {pct(xs, 99):5.0f} {max(xs, default=math.nan):6.0f}"

    refused = ",".join(f"{k}:{v}" for k, v in r["refused"].items()) or "-"
    return (
        f"{workers:>3} {wanted:>6} {r['racers']:>6} {r['batches_s']:>8.0f} {r['ticks_s']:>8.0f} "
        f"{r['delivery'] * 100:>7.1f}% {r['cpu']:>4.0f}% {r['rss']:>4.0f} {r['gen_cpu']:>4.0f}% "
        f"| {trio(r['rtt'])} | {trio(r['delay'])} | {trio(r['lag'])} "
        f"| {pct(r['loop_lag'], 99):5.0f} | {refused} {r['connect_failed'] or ''}"
    )


def main() -> None:
    """Run the benchmark matrix and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--racers", type=int, nargs="+", default=[200, 500, 1000])
    parser.add_argument("--wpm", type=float, default=70.0)
    parser.add_argument("--period", type=int, default=200, help="ms between a racer's batches")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--worker-type", default="eventlet")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--capacity", type=int, default=None, help="CODERACE_MAX_RACERS (default: the worker's)"
    )
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes")
    parser.add_argument("--room", type=int, default=ROOM, help="racers per room")
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="offer permessage-deflate, as browsers do",
    )
    args = parser.parse_args()
    play = Play(args.wpm, args.period, args.seconds, args.deflate, args.room)
    timing = Timing(private_countdown_ms=6000)
    print(
        f"{args.wpm:.0f} WPM, a batch every {args.period} ms, {args.seconds:.0f} s of typing, "
        f"rooms of {args.room}, {args.worker_type} workers, Redis store + message queue, "
        f"{args.procs} load-generator processes on the same machine, "
        f"{'offering' if args.deflate else 'without'} permessage-deflate"
    )
    print(
        "  W wanted racers  batch/s  ticks/s delivery  cpu  rss  gen | batch rtt ms p50 p99 max | "
        "tick delivery ms p50 p99 max | tick lag ms p50 p99 max | client lag p99 | refused"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for workers in args.workers:
            for racers in args.racers:
                folder = Path(tmp) / f"w{workers}-r{racers}"
                folder.mkdir()
                cluster = Cluster(
                    folder,
                    workers,
                    args.worker_type,
                    redis_url=args.redis,
                    timing=timing,
                    corpus=Path(__file__).parent.parent / "race" / "corpus",
                    env={"CODERACE_MAX_RACERS": str(args.capacity)} if args.capacity else {},
                )
                cluster.start()
                try:
                    result = run_spread(cluster, racers, args.procs, play)
                finally:
                    cluster.stop()
                print(row(workers, racers, result), flush=True)


if __name__ == "__main__":
    main()
