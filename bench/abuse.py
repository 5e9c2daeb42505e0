"""Abuse benchmark: what one racer at the rate limit all race long costs a worker.

Two parts, printing figures and asserting nothing:

1. In process: the end of a race whose racer sent the most a round takes (the key budget
   of the longest snippet a host may paste, then the log's byte limit in one-key batches),
   timed through ``Racing.conclude`` (the re-score and the record) and ``trace`` (the
   frames of its replay); then the same for an uncapped log of ``--uncapped-s`` seconds at
   the rate limit, the way a round grew before it had bounds.
2. Live: one real eventlet worker on Redis; an abuser sends 256-key batches at 28 a second
   for a whole private race of ``--seconds`` while another room races on the same worker
   (``tests/faults/abuse.py``): batches taken and refused, keys and bytes stored, the time
   from the limit to the standings, the other room's tick gaps, the worst ``sync`` round
   trip (the hub's longest stall, as a player sees it), and the worker's memory.

    .venv/bin/python bench/abuse.py --seconds 600
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from race.core.bounds import MAX_LOG_BYTES
from race.core.keylog import parse_log
from race.core.snippet import custom_snippet
from race.core.timing import Timing
from race.core.trace import trace
from race.corpus import builtin
from race.identity import Player
from race.realtime.engine import Engine
from race.realtime.racing import Racing
from race.store.base import wall_ms
from race.store.client import connect
from race.store.memory import MemoryStore
from tests.faults import abuse
from tests.scale.cluster import Cluster

PLAYER = Player("p" + "a" * 16, "Abe")


def ended(lines: list[str]) -> tuple[float, float, int]:
    """Return (conclude ms, trace ms, log bytes) for a race whose one racer's log holds
    ``lines``, written straight to the store as the keys path would have."""
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    engine = Engine(store, builtin(), lambda: clock[0], lambda *_: None, Timing())
    racing = Racing(engine)
    room = engine.create_private(PLAYER, custom_snippet(abuse.ABUSED_CODE), 600_000)
    engine.start(room.code, PLAYER)
    started = store.get_room(room.code)
    assert started is not None and started.starts_at is not None and started.ends_at is not None
    for seq, line in enumerate(lines):
        store.append_batch(room.code, 1, PLAYER.id, seq, line)
    clock[0] = started.ends_at
    began = time.perf_counter()
    assert racing.conclude(room.code, 1)
    concluded = (time.perf_counter() - began) * 1000
    record = json.loads(dict(store.outbox_pending())[room.race_id])
    began = time.perf_counter()
    trace(parse_log(record["logs"][PLAYER.id], "bench"))
    traced = (time.perf_counter() - began) * 1000
    return concluded, traced, sum(len(line) for line in lines)


def capped() -> list[str]:
    """Return the largest log a round takes now: one-key batches to the byte limit."""
    lines: list[str] = []
    size = 0
    for seq in range(100_000):
        key = "#" if seq % 2 == 0 else "Backspace"
        line = json.dumps({"seq": seq, "recv_ms": seq * 36, "keys": [[seq * 36, key]]})
        if size + len(line) > MAX_LOG_BYTES:
            break
        lines.append(line.replace(" ", ""))
        size += len(lines[-1])
    return lines


def uncapped(seconds: int) -> list[str]:
    """Return what a racer at the rate limit stored in ``seconds`` before rounds had bounds."""
    lines = []
    for seq in range(seconds * abuse.ABUSE_RATE):
        t = seq * 1000 // abuse.ABUSE_RATE
        keys = [[t, k] for k in abuse.ABUSE_BATCH]
        lines.append(json.dumps({"seq": seq, "recv_ms": t, "keys": keys}, separators=(",", ":")))
    return lines


def main() -> None:
    """Print the in-process and the live figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="the abused race's limit")
    parser.add_argument("--uncapped-s", type=int, default=20, help="seconds of uncapped log")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    print("the end of a race, in process (one racer):")
    for label, lines in (
        ("capped: the most a round takes", capped()),
        (f"uncapped: {args.uncapped_s} s at the rate limit", uncapped(args.uncapped_s)),
    ):
        concluded, traced, size = ended(lines)
        print(
            f"  {label:<38} {len(lines):>6} batches {size / 1024:>9,.0f} KiB  "
            f"conclude {concluded:>8,.1f} ms  trace {traced:>8,.1f} ms"
        )

    print(f"live: one eventlet worker on Redis, a {args.seconds} s race at the rate limit:")
    timing = Timing(private_countdown_ms=1000)
    with tempfile.TemporaryDirectory() as folder:
        cluster = Cluster(
            Path(folder),
            1,
            "eventlet",
            redis_url=args.redis,
            timing=timing,
            corpus=Path(__file__).parent.parent / "race" / "corpus",
        )
        cluster.start()
        store = connect(args.redis)
        try:
            proc = cluster.procs[0]
            assert proc is not None
            fig = abuse.run(cluster.urls[0], proc.pid, store, cluster.prefix, args.seconds)
        finally:
            cluster.stop()
            keys = list(store.scan_iter(match=cluster.prefix + "*", count=1000))
            if keys:
                store.delete(*keys)
            store.close()
    for name, value in fig.row().items():
        print(f"  {name:<34} {value}")


if __name__ == "__main__":
    main()
