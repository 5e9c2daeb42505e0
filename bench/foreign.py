"""Foreign-traffic benchmark: what other workers' rooms cost one worker, per fan-out mode.

Starts one real worker (``python -m race.serve``) on the real Redis with 100 local racers
typing (bench/load.py's racers), while a publisher outside it makes F other rooms tick
every 200 ms on the same Redis, as the other workers of a large deployment would: each
tick a realistic 5-player ``tick`` emit, addressed as the chosen fan-out mode addresses
it (``channel``: every emit on the one channel every worker hears; ``rooms``: on the
room's own channel). The worker's CPU is read from /proc while the racers type; ``lost``
counts the times its listener lost Redis (Redis cuts off a subscriber whose output
buffer overflows: one that cannot keep up with what it is sent).

The publisher writes pre-encoded PUBLISH commands to a raw socket (no client library),
so that it costs little and offers the full rate; the row shows the rate it achieved.
Prints one row per (mode, foreign rooms); asserts nothing.

    .venv/bin/python bench/foreign.py --foreign 0 5000 20000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import run_spread
from bench.load_figures import Play
from bench.load_figures import pct
from race.core.timing import Timing
from tests.scale.cluster import Cluster

#: How often each foreign room ticks (ms), as a racing room does.
TICK_MS = 200
#: Players in each foreign room's tick.
PLAYERS = 5


def resp(*parts: bytes) -> bytes:
    """Encode one Redis command in RESP."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(part), part))
    return b"".join(out)


def tick_message(code: str, host_id: str) -> dict[str, Any]:
    """Return the message a worker publishes for one room's tick."""
    players = [
        {"id": uuid.uuid4().hex[:16], "pos": 120 + i, "err": 0, "wpm": 71.3, "done": False}
        for i in range(PLAYERS)
    ]
    tick = {"code": code, "round": 1, "t": 1764800000000, "n": 40, "lag": 3, "players": players}
    return {
        "method": "emit", "event": "tick", "data": [tick], "binary": False, "namespace": "/",
        "room": code, "skip_sid": None, "callback": None, "host_id": host_id,
    }  # fmt: skip


def commands(mode: str, prefix: str, rooms: int) -> bytes:
    """Return one tick of every foreign room, as PUBLISH commands, back to back."""
    host_id = uuid.uuid4().hex
    channel = f"{prefix}rooms" if mode == "rooms" else f"{prefix}socketio"
    out = []
    for n in range(rooms):
        code = f"F{n:07d}"
        body = json.dumps(tick_message(code, host_id))
        if mode == "rooms":
            target, body = f"{channel}:{{{code}}}", host_id + body
        else:
            target = channel
        out.append(resp(b"PUBLISH", target.encode(), body.encode()))
    return b"".join(out)


def publish(url: str, blob: bytes, rooms: int, stop: Any, sent: Any) -> None:
    """Send every room's tick (``blob``) each TICK_MS until told to stop; count them."""
    if rooms == 0:
        stop.wait()
        return
    where = urlparse(url)
    sock = socket.create_connection((where.hostname or "127.0.0.1", where.port or 6379))
    sock.setblocking(True)
    replies = 0
    next_at = time.monotonic()
    while not stop.is_set():
        sock.sendall(blob)
        want = rooms
        while want > 0:  # every reply is ":<n>\r\n"; count the line ends
            chunk = sock.recv(1 << 20)
            want -= chunk.count(b"\n")
        replies += rooms
        sent.value = replies
        next_at += TICK_MS / 1000
        time.sleep(max(0.0, next_at - time.monotonic()))
    sock.close()


def run(mode: str, rooms: int, args: argparse.Namespace, folder: Path) -> str:
    """Measure one (mode, foreign rooms) cell and return its row."""
    cluster = Cluster(
        folder,
        1,
        "eventlet",
        redis_url=args.redis,
        timing=Timing(private_countdown_ms=6000),
        corpus=Path(__file__).parent.parent / "race" / "corpus",
        env={"CODERACE_FANOUT": mode},
    )
    cluster.start()
    stop, sent = multiprocessing.Event(), multiprocessing.Value("q", 0)
    publisher = multiprocessing.Process(
        target=publish,
        args=(args.redis, commands(mode, cluster.prefix, rooms), rooms, stop, sent),
    )
    publisher.start()
    try:
        begin = time.monotonic()
        play = Play(70.0, 200, args.seconds, True, 5)
        result = run_spread(cluster, args.racers, 1, play)
        rate = sent.value / (time.monotonic() - begin)
        lost = cluster.log(0).count("listener lost Redis")  # e.g. cut off for a full buffer
    finally:
        stop.set()
        publisher.join(10)
        cluster.stop()
    return (
        f"{mode:>8} {rooms:>7} {rate:>9.0f} {result['racers']:>6} {result['cpu']:>5.0f}% "
        f"{result['delivery'] * 100:>7.1f}% {pct(result['rtt'], 99):>7.0f} "
        f"{pct(result['delay'], 99):>7.0f} {lost:>5}"
    )


def main() -> None:
    """Run both modes at each foreign load and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--foreign", type=int, nargs="+", default=[0, 5000, 20000])
    parser.add_argument("--modes", nargs="+", default=["channel", "rooms"])
    parser.add_argument("--racers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    print(
        f"one eventlet worker, {args.racers} local racers at 70 WPM (batch every 200 ms), "
        f"foreign rooms ticking every {TICK_MS} ms with {PLAYERS} players each"
    )
    print("    mode foreign  msg/s in racers   cpu delivery rtt p99 tick p99 (ms) lost")
    with tempfile.TemporaryDirectory() as tmp:
        for rooms in args.foreign:
            for mode in args.modes:
                folder = Path(tmp) / f"{mode}-{rooms}"
                folder.mkdir()
                print(run(mode, rooms, args, folder), flush=True)


if __name__ == "__main__":
    main()
