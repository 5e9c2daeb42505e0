"""One racer sending keys at the most the rate limits allow, all race long, while another
room races on the same worker: what it costs the worker, and what the others notice.

Used by ``tests/faults/test_abuse.py`` (a short race, asserting the bounds) and by
``bench/abuse.py`` (a full 600 s race, printing the figures).
"""

from __future__ import annotations

import itertools
import json
import statistics
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import redis

from race.store.keys import Keys
from tests.realtime.harness import Client
from tests.realtime.harness import server_ms

#: The most a host may paste (2,000 characters): the largest key budget a round can have.
ABUSED_CODE = "x = 1\n" * 333
HONEST_CODE = "total = a + b\n" * 60
#: Batches a second: just under the per-connection budget (30 events a second).
ABUSE_RATE = 28
#: Every batch as large as a batch may be: a wrong key and its Backspace, 128 times.
ABUSE_BATCH = [("#", "Backspace")[i % 2] for i in range(256)]


@dataclass
class Figures:
    """What one abuse run measured."""

    accepted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    log_keys: int = 0
    log_bytes: int = 0
    #: From the abused race's time limit to its standings reaching the abuser (ms).
    end_ms: float = 0.0
    #: Gaps between the other room's ticks (ms) and the worst sync round trip (ms).
    tick_gaps: list[float] = field(default_factory=list)
    sync_ms: list[float] = field(default_factory=list)
    rss_kib: tuple[int, int] = (0, 0)
    completed: bool = False

    def row(self) -> dict[str, Any]:
        """Return the figures a report prints."""
        gaps = sorted(self.tick_gaps) or [0.0]
        return {
            "batches taken": self.accepted,
            "refused": dict(sorted(self.refused.items())),
            "keys stored": self.log_keys,
            "log bytes": self.log_bytes,
            "end to standings ms": round(self.end_ms),
            "other room tick gap p50/max ms": (round(statistics.median(gaps)), round(gaps[-1])),
            "sync rtt max ms": round(max(self.sync_ms or [0.0])),
            "worker rss MiB start/end": tuple(round(k / 1024) for k in self.rss_kib),
        }


def rss_kib(pid: int) -> int:
    """Return a process's resident memory in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


#: The longest race a room may have (``limit_s`` in docs/protocol.md).
MAX_LIMIT_S = 600
#: The honest room ends this long after the abused one, so its ticks cover that end.
OUTLAST_S = 15
#: The honest room's guest sends a batch this often (s), as someone typing does.
HONEST_EVERY_S = 0.18


def _open(host: Client, code: str, limit_s: int, *guests: Client) -> str:
    """Open a private room on custom code and seat the guests; return its code."""
    answer = host.ok("create", {"custom": {"code": code, "language": "python"}, "limit_s": limit_s})
    room_code: str = answer["room"]["code"]
    for guest in guests:
        guest.ok("join", {"code": room_code})
    return room_code


def _start(host: Client, room_code: str) -> dict[str, Any]:
    """Start a room the host holds; return it as its countdown begins."""
    host.ok("start", {"code": room_code})
    return dict(host.wait("room", lambda r: r["code"] == room_code and r["phase"] == "countdown"))


def run(url: str, pid: int, store: redis.Redis[str], prefix: str, limit_s: int) -> Figures:
    """Play one abused race of ``limit_s`` seconds beside an honest one; return figures."""
    fig = Figures()
    abuser, host, guest, probe = (Client(url, name=n) for n in ("Abe", "Hal", "Gus", "Pat"))
    try:
        fig.rss_kib = (rss_kib(pid), 0)
        # The honest race ends OUTLAST_S after the abused one. Both are capped at
        # MAX_LIMIT_S, so when the abused race is that long the honest one starts late.
        honest_s = min(limit_s + OUTLAST_S, MAX_LIMIT_S)
        honest_code = _open(host, HONEST_CODE, honest_s, guest)
        abused = _start(abuser, _open(abuser, ABUSED_CODE, limit_s))
        stop = threading.Event()
        host_ticks: list[float] = []
        host.sio.on("tick", lambda _: host_ticks.append(time.monotonic()))
        late_s = limit_s + OUTLAST_S - honest_s

        def honest_start() -> None:
            """Start the honest race; its guest then sends a batch every HONEST_EVERY_S
            (an empty one: its progress moves, so its room is ticked every period; a still
            room is ticked only once a second)."""
            if stop.wait(late_s):
                return
            room = _start(host, honest_code)
            seq = 0
            while not stop.wait(HONEST_EVERY_S):
                if server_ms() < room["starts_at"]:
                    continue
                answer = {"code": honest_code, "round": 1, "seq": seq, "keys": []}
                ack = guest.call("keys", answer)
                seq = ack.get("seq", seq)

        threading.Thread(target=honest_start, daemon=True).start()

        def probing() -> None:
            while not stop.wait(0.1):
                sent = time.monotonic()
                probe.call("sync", {"c": time.time() * 1000})
                fig.sync_ms.append((time.monotonic() - sent) * 1000)

        threading.Thread(target=probing, daemon=True).start()
        starts_at, ends_at = abused["starts_at"], abused["ends_at"]
        while server_ms() < starts_at:
            time.sleep(0.01)
        seq = 0
        while server_ms() < ends_at - 50:
            tick = time.monotonic()
            t = max(server_ms() - starts_at, 0)
            keys = [[t, k] for k in ABUSE_BATCH]
            ack = abuser.call(
                "keys", {"code": abused["code"], "round": 1, "seq": seq, "keys": keys}
            )
            if ack["ok"]:
                fig.accepted += 1
                seq = ack["seq"]
            else:
                fig.refused[ack["code"]] = fig.refused.get(ack["code"], 0) + 1
            time.sleep(max(0.0, 1 / ABUSE_RATE - (time.monotonic() - tick)))
        standings = abuser.wait("standings", lambda s: s["code"] == abused["code"], timeout=30)
        fig.end_ms = server_ms() - ends_at
        fig.completed = any(s["player_id"] == abuser.id for s in standings["standings"])
        stop.set()
        ticks_during = [t for t in host_ticks if t <= time.monotonic()]
        fig.tick_gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks_during)]
        lines = store.lrange(Keys(prefix).log(abused["code"], 1, abuser.id), 0, -1)
        fig.log_bytes = sum(len(line.encode()) for line in lines)
        fig.log_keys = sum(len(json.loads(line)["keys"]) for line in lines)
        fig.rss_kib = (fig.rss_kib[0], rss_kib(pid))
        assert honest_code != abused["code"]
        return fig
    finally:
        for client in (abuser, host, guest, probe):
            client.close()
