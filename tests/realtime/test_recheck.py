"""Sockets open before their session ended (logout, password change): told at once through
the account's room, and closed by their worker's re-check within its bound, even when the
client ignores the event; a database that does not answer leaves them be and the
heartbeat beating."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from race.db.engine import CONNECT_TIMEOUT_S
from race.identity import Player
from race.identity.session import Account
from race.realtime import services
from race.realtime.metrics import Metrics
from race.realtime.recheck import Recheck
from race.store.memory import MemoryStore
from tests.db.proxy import Proxy
from tests.db.records import pid
from tests.realtime.harness import Server
from tests.web.test_accounts import csrf
from tests.web.test_accounts import log_in
from tests.web.test_accounts import register
from tests.web.test_sessions import Socket
from tests.web.test_sessions import logged_in_browser
from tests.web.test_sessions import unreachable_postgres

#: The re-check interval of these tests (the real one is 10 s).
EVERY_S = 0.3


def quick_rechecks(app: Flask) -> Server:
    """Serve the app with a re-check every ``EVERY_S``."""
    services(app).recheck.every_s = EVERY_S
    return Server(app).start()


@pytest.fixture
def served(app: Flask) -> Iterator[Server]:
    server = quick_rechecks(app)
    yield server
    server.stop()


class Tab(Socket):
    """A logged-in tab's socket that records ``session_revoked`` and ignores it (as a
    hostile client would)."""

    def __init__(self, server: Server, browser: FlaskClient) -> None:
        cookie = browser.get_cookie("session")
        assert cookie is not None
        super().__init__(server, cookie.value)
        self.told = threading.Event()
        self.sio.on("session_revoked", lambda data: self.told.set())
        time.sleep(0.3)  # its handshake's own session check has run


def revoked(app: Flask) -> float:
    metrics = services(app).metrics
    return metrics.registry.get_sample_value("coderace_sessions_revoked_total") or 0.0


def test_a_socket_open_before_logout_is_told_and_closed_and_its_seat_let_go(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    register(client, app, "Ada", pid(1))
    register(bob_browser := app.test_client(), app, "Bob", pid(2))
    ada, bob = Tab(served, client), Tab(served, bob_browser)
    try:
        answer = ada.sio.call("create", {}, timeout=5)
        assert answer["ok"], answer
        code = answer["room"]["code"]
        started = time.monotonic()
        client.post("/logout", data={"csrf_token": csrf(client, "/login")})
        assert ada.told.wait(2), "the open tab was not told"
        assert ada.gone.wait(EVERY_S + 3), "the revoked socket was not closed"
        assert time.monotonic() - started < EVERY_S + 3
        seat = services(app).engine.room(code).seat(pid(1))
        assert seat is not None and not seat.connected  # handled as any disconnect
        assert revoked(app) == 1
        time.sleep(3 * EVERY_S)  # several passes: another account's socket is untouched
        assert bob.sio.connected and not bob.told.is_set() and not bob.errors
        assert bob.sio.call("sync", {"c": 1}, timeout=5)["ok"]
    finally:
        for one in (ada, bob):
            one.sio.disconnect()


def test_a_password_change_closes_the_sockets_of_the_old_password(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    register(client, app, "Ada", pid(1))
    laptop = app.test_client()
    assert log_in(laptop, "Ada").status_code == 302
    old = Tab(served, laptop)
    try:
        form = {
            "csrf_token": csrf(client, "/login"),
            "current": "correct horse",
            "password": "battery staple",
            "confirm": "battery staple",
        }
        assert client.post("/password", data=form).status_code == 302
        assert old.told.wait(2) and old.gone.wait(EVERY_S + 3)
        again = Tab(served, client)  # the browser that changed it reconnects and stays
        time.sleep(3 * EVERY_S)
        assert again.sio.connected and not again.told.is_set()
        again.sio.disconnect()
    finally:
        old.sio.disconnect()


class FakeServer:
    """python-socketio's server as the re-check uses it: what was emitted and closed."""

    def __init__(self) -> None:
        self.told: list[str] = []
        self.closed: list[str] = []

    def emit(self, event: str, data: Any, to: str, ignore_queue: bool) -> None:
        self.told.append(to)

    def disconnect(self, sid: str) -> None:
        self.closed.append(sid)


class FakeSocketIO:
    def __init__(self) -> None:
        self.server = FakeServer()


def test_a_pass_asks_one_query_for_a_bounded_batch_and_every_socket_has_its_turn() -> None:
    asked: list[set[str]] = []
    versions = {pid(n): 1 for n in range(5)}

    def lookup(ids: set[str]) -> dict[str, int]:
        asked.append(ids)
        return {i: versions[i] for i in ids if i in versions}

    sio = FakeSocketIO()
    recheck = Recheck(sio, lookup, Metrics(MemoryStore()))  # type: ignore[arg-type]
    recheck.per_pass = 2
    for n in range(5):
        recheck.opened(f"s{n}", Account(Player(pid(n), f"P{n}"), 1))
    versions[pid(3)] = 2  # logged out elsewhere
    del versions[pid(4)]  # no longer an account
    closed = [recheck.recheck() for _ in range(3)]
    assert [len(ids) for ids in asked] == [2, 2, 2]
    assert set().union(*asked) == {pid(n) for n in range(5)}  # all within three passes
    assert sorted(sid for one in closed for sid in one) == ["s3", "s4"] == sorted(sio.server.closed)
    assert sio.server.told == sio.server.closed  # told, then closed
    recheck.closed("s0")
    assert recheck.recheck() == [] and asked[-1] <= {pid(1), pid(2)}  # the rest are current


def test_a_database_that_fails_leaves_every_socket_be_counted() -> None:
    def lookup(ids: set[str]) -> dict[str, int]:
        raise OSError("database away")

    sio = FakeSocketIO()
    metrics = Metrics(MemoryStore())
    recheck = Recheck(sio, lookup, metrics)  # type: ignore[arg-type]
    recheck.opened("s1", Account(Player(pid(1), "Ada"), 1))
    assert recheck.recheck() == [] and not sio.server.closed
    failed = metrics.registry.get_sample_value(
        "coderace_session_rechecks_total", {"outcome": "failed"}
    )
    assert failed == 1


@pytest.fixture
def hung_database(tmp_path: Path) -> Iterator[tuple[Server, Proxy]]:
    """Serve an app whose Postgres will accept connections and never answer."""
    app, proxy = unreachable_postgres(tmp_path)
    beats: list[float] = []
    heartbeat = services(app).heartbeat
    real = heartbeat.beat

    def beat() -> float:
        beats.append(time.monotonic())
        return real()

    heartbeat.beat = beat  # type: ignore[method-assign]
    app.extensions["test_beats"] = beats
    server = quick_rechecks(app)
    proxy.set("hang")
    yield server, proxy
    server.stop()
    proxy.close()


def test_a_database_that_never_answers_stalls_no_heartbeat_and_closes_no_socket(
    hung_database: tuple[Server, Proxy],
) -> None:
    server, _ = hung_database
    app = server.app
    recheck = services(app).recheck
    passes: list[tuple[float, float]] = []
    real = recheck.lookup

    def timed(ids: set[str]) -> dict[str, int]:
        began = time.monotonic()
        try:
            return real(ids)
        finally:
            passes.append((began, time.monotonic()))

    recheck.lookup = timed
    ada = Tab(server, logged_in_browser(app, pid(1), "Ada", 4))
    try:
        deadline = time.monotonic() + CONNECT_TIMEOUT_S + 10
        while not passes:
            assert time.monotonic() < deadline, "no re-check pass ended"
            time.sleep(0.1)
        began, ended = passes[0]
        assert ended - began < CONNECT_TIMEOUT_S + 2  # bounded by the driver's timeout
        beats: list[float] = app.extensions["test_beats"]
        during = [t for t in beats if began <= t <= ended]
        assert len(during) > (ended - began) * 5  # it beat on (every 50 ms at most)
        failed = services(app).metrics.registry.get_sample_value(
            "coderace_session_rechecks_total", {"outcome": "failed"}
        )
        assert failed is not None and failed >= 1
        assert ada.sio.connected and not ada.told.is_set()  # failing open
    finally:
        ada.sio.disconnect()
