"""Test harness: a real server on a loopback port, and real Socket.IO clients that race."""

from __future__ import annotations

import contextlib
import math
import random
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio
from flask import Flask
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from race.core.keys import Key


class Server:
    """A CodeRace app served by a threaded Werkzeug server in this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._http: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        # Accepted sockets inherit it: replies are not held back by Nagle's algorithm.
        self._http.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.url = f"http://127.0.0.1:{self._http.server_port}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def start(self) -> Server:
        """Start serving and the race heartbeat."""
        self._thread.start()
        self.app.extensions["coderace"].start_background()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._http.shutdown()


class Client:
    """A Socket.IO client that records every event the server sends it."""

    def __init__(
        self,
        url: str,
        name: str | None = None,
        token: str | None = None,
        transports: tuple[str, ...] = ("websocket",),
        headers: dict[str, str] | None = None,
        *,
        tab: str | None = None,
    ) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        self.sio.on("*", self._record)
        auth: dict[str, Any] = {}
        if name:
            auth["name"] = name
        if token:
            auth["token"] = token
        if tab:
            auth["tab"] = tab  # the browser tab it speaks for (race.core.tabs)
        self.sio.connect(
            url, transports=list(transports), auth=auth, headers=headers or {}, wait_timeout=5
        )
        welcome = self.wait("welcome")
        self.id: str = welcome["player_id"]
        self.name: str = welcome["name"]
        self.token: str = welcome["token"]
        self.code: str | None = None
        self.round = 1
        self.seq = 0

    def _record(self, event: str, data: Any = None) -> None:
        with self._cond:
            self.events.append((event, data))
            self._cond.notify_all()

    def call(self, event: str, data: Any = None, timeout: float = 5) -> Any:
        """Send an event and return the server's acknowledgement."""
        if data is None:
            return self.sio.call(event, timeout=timeout)
        return self.sio.call(event, data, timeout=timeout)

    def ok(self, event: str, data: Any = None) -> dict[str, Any]:
        """Send an event that must succeed; remember the room it puts us in."""
        answer = self.call(event, data)
        assert answer["ok"], answer
        if "room" in answer:
            self.code = answer["room"]["code"]
            self.round = answer["room"]["round"]
            self.seq = answer["you"]["seq"]
        return dict(answer)

    def wait(
        self, event: str, pred: Callable[[Any], bool] = lambda _: True, timeout: float = 10
    ) -> Any:
        """Wait for an event matching ``pred`` (already received or still to come)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for name, data in self.events:
                    if name == event and pred(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [n for n, _ in self.events]
                    raise AssertionError(f"no {event!r} within {timeout}s; saw {seen}")
                self._cond.wait(left)

    def all(self, event: str) -> list[Any]:
        """Return every recorded event of a kind."""
        with self._cond:
            return [d for n, d in self.events if n == event]

    def send_keys(self, keys: list[Key]) -> dict[str, Any]:
        """Send one batch of keys for the current round and return the ack."""
        ack = self.call(
            "keys", {"code": self.code, "round": self.round, "seq": self.seq, "keys": keys}
        )
        if ack.get("ok"):
            self.seq = ack["seq"]
        return dict(ack)

    def close(self) -> None:
        """Disconnect (the test server never answers the close frame, so don't wait for it)."""
        ws = getattr(self.sio.eio, "ws", None)
        sock = getattr(ws, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.sio.disconnect()
        if sock is not None:
            sock.close()


def server_ms() -> int:
    """Return the server's clock (same machine, same clock)."""
    return time.time_ns() // 1_000_000


def human_gaps(n: int, mean_ms: float = 110.0, seed: int = 7) -> list[int]:
    """Return ``n`` inter-key gaps with a human-like spread (lognormal, CV about 0.5)."""
    rng = random.Random(seed)
    sigma = 0.5
    mu = math.log(mean_ms) - sigma**2 / 2
    return [max(15, round(rng.lognormvariate(mu, sigma))) for _ in range(n)]


def type_keys(
    client: Client, keys: list[str], starts_at: int, gaps: list[int] | None = None, batch: int = 4
) -> list[dict[str, Any]]:
    """Type keys in real time after the race start, sending ``batch`` keys per message.

    Timestamps are what an honest browser sends: ms since the race start when each key
    was pressed; each batch leaves once its last key's time has come.
    """
    gaps = gaps or human_gaps(len(keys))
    begin = max(server_ms(), starts_at) - starts_at + 50
    stamps, t = [], begin
    for gap in gaps[: len(keys)]:
        t += gap
        stamps.append(t)
    acks = []
    for i in range(0, len(keys), batch):
        chunk = list(zip(stamps[i : i + batch], keys[i : i + batch], strict=True))
        wait = starts_at + chunk[-1][0] - server_ms()
        if wait > 0:
            time.sleep(wait / 1000)
        acks.append(client.send_keys(chunk))
    return acks


def poll_json(url: str, timeout: float = 10.0) -> Any:
    """GET a JSON API until it answers 200 (results are stored a moment after the race)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = requests.get(url, timeout=5)
        if answer.status_code == 200:
            kind = answer.headers["Content-Type"]
            return answer.json() if kind.startswith("application/json") else answer.text
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} answered {answer.status_code}")
        time.sleep(0.2)
