"""A client that never reads its socket slows no one else's race (real eventlet worker)."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
import websocket

from race.core.course import Course
from race.core.course import ideal_keys
from tests.faults.test_failures import send
from tests.faults.test_failures import stamps
from tests.realtime.harness import Client
from tests.scale.cluster import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.slow]
GENEROUS = (
    "events_per_connection=100000/second;events_per_ip=100000/second;joins_per_ip=100000/minute"
)


def stuck_spectator(url: str, code: str, requests_sent: int) -> websocket.WebSocket:
    """Join a room as a spectator over a raw websocket, then ask a lot and read nothing."""
    ws = websocket.create_connection(
        url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),),
        timeout=10,
    )
    assert ws.recv().startswith("0")  # engine.io open
    ws.send("40")  # socket.io connect, no auth: a fresh guest
    while not ws.recv().startswith("40"):
        pass
    join = json.dumps(["join", {"code": code, "role": "spectator"}])
    for i in range(requests_sent):  # every answer carries the whole room view
        ws.send(f"42{i}{join}")
    return ws  # and never read again


def server_backlog(url: str) -> int:
    """Return the bytes the server's sockets on this port have queued but not delivered."""
    port = url.rsplit(":", 1)[1]
    out = subprocess.run(
        ["ss", "-tnH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(int(line.split()[1]) for line in out.splitlines() if line.split())


def test_a_client_that_never_reads_slows_no_one(
    workers: Callable[..., Cluster], tmp_path: Path
) -> None:
    cluster = workers(1, f"sqlite:///{tmp_path / 'results.db'}", env={"RATE_LIMITS": GENEROUS})
    url = cluster.urls[0]
    a, b = Client(url, name="Ann"), Client(url, name="Ben")
    stuck = None
    try:
        code = a.ok("create", {"snippet_id": "py-short", "limit_s": 60})["room"]["code"]
        b.ok("join", {"code": code})
        stuck = stuck_spectator(url, code, 3000)  # megabytes of answers it will never read
        # The kernel's send buffer to the stuck client fills up (the rest waits in the
        # worker's queue for that socket): the server is really blocked on it.
        deadline = time.monotonic() + 15
        while server_backlog(url) <= 8192 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server_backlog(url) > 8192
        a.ok("start", {"code": code})
        room = a.wait("room", lambda r: r["code"] == code and r["phase"] == "countdown")
        keys = ideal_keys(Course(room["snippet"]["text"]))
        threads = [
            threading.Thread(
                target=send, args=(c, stamps(keys, room["starts_at"], i), room["starts_at"])
            )
            for i, c in enumerate((a, b))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        standings = a.wait("standings", timeout=15)["standings"]
        assert b.wait("standings")["standings"] == standings
        assert all(s["completed"] and not s["flagged"] for s in standings)
        for client in (a, b):  # every tick the worker sent them arrived, in order
            numbers = [t["n"] for t in client.all("tick") if t["code"] == code]
            assert numbers and numbers == list(range(numbers[0], numbers[-1] + 1))
        assert requests.get(url + "/healthz", timeout=2).status_code == 200
    finally:
        for c in (a, b):
            if c.sio.connected:
                c.close()
        if stuck is not None:
            stuck.close()
