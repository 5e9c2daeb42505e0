"""Load benchmark: simulated racers play real races through the documented protocol.

Starts W real workers (``python -m race.serve``) sharing the real Redis, connects N racers
(spread over the workers), seats them in private rooms of 5 on a long custom snippet, and
has them type at a chosen WPM with human-like timing, sending a batch every period the
worker tells in each keys answer (``every``), as browsers do, or every ``--period`` ms if
given. Besides delivery and latency, each racer measures the glass-to-glass delay: from
an opponent's key to the first tick it receives that shows it (``load_glass.py``). Like
browsers, the clients offer permessage-deflate (``--no-deflate``: not), and each connects
from an address of its own (127.p.x.y on loopback), so the production rate limits apply
per racer as they would per player. Prints one table row per run; asserts nothing.

``--client raw`` (the default, ``load_raw.py``) writes the Socket.IO packets itself on
aiohttp websockets, for about a third of the CPU per racer; ``--client socketio``
(``load_sio.py``) uses python-socketio clients, the reference the raw one is checked
against. Both play and measure alike (``load_figures.py``); ``--client raw socketio``
runs them side by side against the same workers, one row each.

    .venv/bin/python bench/load.py --workers 1 2 --racers 200 500 1000 --seconds 30
    .venv/bin/python bench/load.py --workers 1 --racers 200 --procs 2 --client raw socketio
    .venv/bin/python bench/load.py --workers 1 --racers 200 --worker-env CODERACE_PERIOD=400
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import load_raw
from bench import load_sio
from bench.load_figures import HEADER
from bench.load_figures import Play
from bench.load_figures import Racer
from bench.load_figures import Stats
from bench.load_figures import cpu_seconds
from bench.load_figures import follow
from bench.load_figures import merge
from bench.load_figures import row
from bench.load_figures import rss_mb
from bench.load_figures import watch_loop
from bench.load_glass import cursor_after
from bench.load_glass import watch
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.timing import Timing
from tests.scale.cluster import Cluster

LINE = "total = total + weights[i] * values[i]  # accumulate\n"
CODE = (LINE * 40)[:1990]
#: Racers per private room (``--room``).
ROOM = 5
#: The load generators (``--client``): each makes the racers of one process.
CLIENTS: dict[str, Callable[[list[str], Stats, Play, list[str]], Sequence[Racer]]] = {
    "raw": load_raw.crowd,
    "socketio": load_sio.crowd,
}


async def run_load(
    urls: list[str],
    racers: int,
    play: Play,
    *,
    client: str = "raw",
    process: int = 0,
    typing: Any = None,
) -> dict[str, Any]:
    """Seat and race ``racers`` simulated players; return the measured figures."""
    stats = Stats()
    # Each racer has an address of its own: 127.<process + 1>.x.y.
    sources = [f"127.{process + 1}.{i // 250}.{i % 250 + 1}" for i in range(racers)]
    crowd = CLIENTS[client](urls, stats, play, sources)
    connected: list[Racer] = []
    for start in range(0, racers, 50):
        group = crowd[start : start + 50]
        oks = await asyncio.gather(*(r.connect() for r in group))
        connected += [r for r, ok in zip(group, oks, strict=True) if ok]
    size = play.room_size
    rooms: list[list[Racer]] = [connected[i : i + size] for i in range(0, len(connected), size)]
    course = Course(CODE.rstrip())
    keys, ends = ideal_keys(course), cursor_after(course)
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
        yous = [made.get("you"), *(answer.get("you") for answer in answers)]
        for r, you in zip(group, yous, strict=True):  # the period to batch at, until told anew
            r.period = follow(play, you.get("every") if you else None, r.period)
        watch(group, yous, ends, stats.glass)
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
    for start in range(0, len(crowd), 200):
        await asyncio.gather(*(r.close() for r in crowd[start : start + 200]))
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
        "glass": stats.glass,
        "periods": stats.periods,
        "refused": stats.refused,
        "loop_lag": loop_lag,
        "connect_failed": stats.connect_failed,
        "client": client,
    }


def _child(
    urls: list[str], racers: int, play: Play, out: Any, *, client: str, process: int, typing: Any
) -> None:
    """Run one load-generator process and hand its figures back."""
    figures = run_load(urls, racers, play, client=client, process=process, typing=typing)
    out.put(asyncio.run(figures))


def run_spread(
    cluster: Cluster, racers: int, procs: int, play: Play, client: str = "raw"
) -> dict[str, Any]:
    """Run the load from ``procs`` processes of one client; return its figures
    (``run_clients``)."""
    return run_clients(cluster, racers, procs, play, [client])[client]


def run_clients(
    cluster: Cluster, racers: int, procs: int, play: Play, clients: list[str]
) -> dict[str, dict[str, Any]]:
    """Run the load from ``procs`` processes, given the ``clients`` in turn (several side
    by side share the workers' state at every moment, so their figures compare better than
    runs apart); measure the workers' and each client's generators' CPU use over the middle
    of the typing, and the workers' memory at its end. Return the figures by client."""
    urls = cluster.urls
    per = [racers // procs // play.room_size * play.room_size] * procs
    per[0] += racers - sum(per)
    queue: Any = multiprocessing.Queue()
    typing: Any = multiprocessing.Event()
    kinds = [clients[p % len(clients)] for p in range(procs)]
    children = [
        multiprocessing.Process(
            target=_child,
            args=(urls, n, play, queue),
            kwargs={"client": kinds[p], "process": p, "typing": typing},
        )
        for p, n in enumerate(per)
        if n
    ]
    for child in children:
        child.start()
    pids = [proc.pid for proc in cluster.procs if proc is not None]
    generators = {
        c: [ch.pid for ch, k in zip(children, kinds, strict=False) if k == c and ch.pid]
        for c in clients
    }
    if not typing.wait(timeout=600):
        raise RuntimeError("the load generators never started typing")
    time.sleep(play.seconds * 0.1)
    window = play.seconds * 0.7
    used, gen_used = cpu_seconds(pids), {c: cpu_seconds(g) for c, g in generators.items()}
    time.sleep(window)
    used = cpu_seconds(pids) - used
    gen_used = {c: cpu_seconds(g) - gen_used[c] for c, g in generators.items()}
    rss = max(rss_mb(pid) for pid in pids)
    parts = [queue.get() for _ in children]
    for child in children:
        child.join()
    figures = {}
    for client in clients:
        merged = merge([part for part in parts if part["client"] == client])
        #: Mean CPU use of one worker while racers typed (100 = one core busy).
        merged["cpu"] = used / window / len(pids) * 100
        #: This client's load generators together (100 = one core).
        merged["gen_cpu"] = gen_used[client] / window * 100
        merged["rss"] = rss
        merged["wanted"] = sum(n for n, k in zip(per, kinds, strict=True) if k == client)
        figures[client] = merged
    return figures


def main() -> None:
    """Run the benchmark matrix and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--racers", type=int, nargs="+", default=[200, 500, 1000])
    parser.add_argument("--wpm", type=float, default=70.0)
    parser.add_argument(
        "--period",
        type=int,
        default=None,
        help="ms between a racer's batches (default: the period the worker tells, `every`)",
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--worker-type", default="eventlet")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--capacity", type=int, default=None, help="CODERACE_MAX_RACERS (default: the worker's)"
    )
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for the workers' environment, e.g. CODERACE_PERIOD=400 (repeatable)",
    )
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes")
    parser.add_argument(
        "--client",
        choices=sorted(CLIENTS),
        nargs="+",
        default=["raw"],
        help="the load generators' client; several: side by side, the processes given each in "
        "turn (--procs a multiple of their number), one row each",
    )
    parser.add_argument("--room", type=int, default=ROOM, help="racers per room")
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="offer permessage-deflate, as browsers do",
    )
    args = parser.parse_args()
    if args.procs % len(args.client):
        parser.error("--procs must be a multiple of the number of clients")
    if any("=" not in item for item in args.worker_env):
        parser.error("--worker-env takes KEY=VALUE")
    env = dict(item.split("=", 1) for item in args.worker_env)
    if args.capacity:
        env["CODERACE_MAX_RACERS"] = str(args.capacity)
    play = Play(args.wpm, args.period, args.seconds, args.deflate, args.room)
    timing = Timing(private_countdown_ms=6000)
    print(
        f"{args.wpm:.0f} WPM, a batch every "
        f"{f'{args.period} ms' if args.period else 'period the worker tells'}, "
        f"{args.seconds:.0f} s of typing, "
        f"rooms of {args.room}, {args.worker_type} workers, Redis store + message queue, "
        f"{args.procs} load-generator processes ({' + '.join(args.client)} clients), "
        f"{'offering' if args.deflate else 'without'} permessage-deflate"
        + "".join(f", workers' {item}" for item in args.worker_env)
    )
    print(HEADER)
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
                    env=env,
                )
                cluster.start()
                try:
                    results = run_clients(cluster, racers, args.procs, play, args.client)
                finally:
                    cluster.stop()
                for client, result in results.items():
                    label = f" [{client}]" if len(results) > 1 else ""
                    print(row(workers, result["wanted"], result) + label, flush=True)


if __name__ == "__main__":
    main()
