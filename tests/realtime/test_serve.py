"""The real entry point: ``race run`` under eventlet serves a race end to end."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from race.core.course import Course
from race.core.course import ideal_keys
from tests.realtime.harness import Client
from tests.realtime.harness import type_keys

pytestmark = pytest.mark.integration


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """Start ``race run`` in a subprocess, as the README does, and return its URL."""
    port = free_port()
    env = {
        **os.environ,
        "CODERACE_INSTANCE": str(tmp_path / "instance"),
        "CODERACE_WORKER": "eventlet",
    }
    race = Path(sys.executable).with_name("race")
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(race), "run", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(url + "/", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
    assert "monkey_patching" not in log_path.read_text(), "eventlet was patched too late"


def test_race_run_serves_a_private_race_under_eventlet(served: str) -> None:
    host, guest = Client(served, name="Host"), Client(served, name="Guest")
    try:
        made = host.ok("create", {"custom": {"code": "ok = 1\nprint(ok)\n"}, "limit_s": 30})
        code = made["room"]["code"]
        guest.ok("join", {"code": code})
        host.ok("start", {"code": code})
        room = host.wait("room", lambda r: r["phase"] == "countdown")
        keys = ideal_keys(Course(room["snippet"]["text"]))
        type_keys(host, keys, room["starts_at"])
        type_keys(guest, keys, room["starts_at"])
        standings = guest.wait("standings", timeout=15)["standings"]
        assert [s["place"] for s in standings] == [1, 2]
        assert all(s["completed"] for s in standings)
        assert host.wait("standings")["standings"] == standings
    finally:
        host.close()
        guest.close()


def test_long_messages_from_the_browser_arrive_intact(served: str) -> None:
    """Client frames are masked; a 2 KB snippet takes the extended-length frame path and
    is unmasked by ``race.realtime.websocket`` on the way in."""
    code = "".join(f"value_{i} = compute({i}, '{chr(97 + i % 26)}' * {i % 7})\n" for i in range(50))
    host = Client(served, name="Host")
    try:
        made = host.ok("create", {"custom": {"code": code}, "limit_s": 30})
        assert made["room"]["snippet"]["text"] == code.rstrip("\n")
    finally:
        host.close()


def test_the_server_declines_websocket_compression(served: str) -> None:
    """Browsers offer permessage-deflate on every WebSocket; the server must not take it
    (race.realtime.websocket.NoCompression: it costs a loaded worker a sixth of its CPU)."""
    host, port = served.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(4096)
            assert chunk, reply
            reply += chunk
    head = reply.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 101"), head
    assert "sec-websocket-extensions" not in head, head
