"""Sessions like a bank's: the socket handshake reads no database; tokens expire and are
renewed on connect; logout and password change end every copy of a session cookie, over
HTTP at once and on the socket right after its handshake."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import itsdangerous.timed
import pytest
import socketio
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from race import create_app
from race.config import Config
from race.identity import Player
from race.identity.session import log_in as put_account
from race.identity.tokens import TOKEN_MAX_AGE_S
from race.identity.tokens import issue_token
from race.identity.tokens import read_token
from tests.db.proxy import Proxy
from tests.db.records import pid
from tests.realtime.harness import Server
from tests.web.test_accounts import csrf
from tests.web.test_accounts import log_in
from tests.web.test_accounts import register
from tests.web.test_accounts import welcome

SECRET = "s" * 64


@pytest.fixture
def served(app: Flask) -> Iterator[Server]:
    """Serve the app on a loopback port (real Socket.IO handshakes carry the cookie)."""
    server = Server(app).start()
    yield server
    server.stop()


def unreachable_postgres(tmp_path: Path) -> tuple[Flask, Proxy]:
    """Return an app whose Postgres is behind a proxy, down while the app started."""
    proxy = Proxy(("127.0.0.1", 5432))
    proxy.set("down")  # start-up's schema check fails at once (the app starts anyway)
    config = Config(
        {
            "CODERACE_INSTANCE": str(tmp_path / "instance"),
            "CODERACE_TESTING": "1",
            "CODERACE_WORKER": "threading",
            "DATABASE_URL": f"postgresql+psycopg2://postgres@127.0.0.1:{proxy.port}/test",
        }
    )
    return create_app(config), proxy


@pytest.fixture
def hung_database(tmp_path: Path) -> Iterator[Server]:
    """Serve an app whose Postgres accepts connections and never answers."""
    app, proxy = unreachable_postgres(tmp_path)
    server = Server(app).start()
    proxy.set("hang")
    yield server
    server.stop()
    proxy.close()


def logged_in_browser(app: Flask, player_id: str, name: str, version: int) -> FlaskClient:
    """Return a browser whose session cookie holds an account (as /login leaves it)."""
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        put_account(cookie, player_id, name, version)
    return browser


def test_connect_reads_no_database(hung_database: Server) -> None:
    app = hung_database.app
    secret = app.config["SECRET_KEY"]
    cookie = logged_in_browser(app, pid(1), "Ada", 4).get_cookie("session")
    assert cookie is not None
    guest_token = issue_token(secret, Player(pid(3), "Guesty"))
    account = timed(hung_database, cookie.value, {})
    guest = timed(hung_database, None, {"token": guest_token})
    # An account's token without its cookie (logged out) starts a new guest, still no query.
    gone = timed(hung_database, None, {"token": account["token"]})
    assert (account["player_id"], account["name"]) == (pid(1), "Ada")
    claim = read_token(secret, account["token"])
    assert claim is not None and claim.version == 4
    assert guest["player_id"] == pid(3)
    assert gone["player_id"] not in (pid(1), pid(3))


def timed(server: Server, cookie: str | None, auth: dict[str, str]) -> Any:
    """Connect; return the welcome, which must come at once (a query would hang 5 s)."""
    started = time.monotonic()
    one = Socket(server, cookie, auth)
    took = time.monotonic() - started
    one.sio.disconnect()
    assert took < 1.5, f"the handshake took {took:.1f} s"
    return one.welcome


def test_tokens_expire_and_each_connect_renews_them(
    app: Flask, served: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = app.config["SECRET_KEY"]
    now = time.time()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now - 3600)
    token = issue_token(secret, Player(pid(3), "Guesty"))  # issued an hour ago
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + TOKEN_MAX_AGE_S - 3605)
    assert read_token(secret, token) is not None
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: now + TOKEN_MAX_AGE_S - 3595)
    assert read_token(secret, token) is None
    monkeypatch.undo()
    hello = welcome(served, app.test_client(), {"token": token})
    assert hello["player_id"] == pid(3)
    _, issued = URLSafeTimedSerializer(secret, salt="coderace-player-v2").loads(
        hello["token"], return_timestamp=True
    )
    assert abs(issued.timestamp() - now) < 5  # renewed: a full max age from now
    assert read_token(secret, "forged." + token) is None
    assert read_token("another secret", token) is None


def test_a_cookie_copied_before_logout_no_longer_logs_in(app: Flask, client: FlaskClient) -> None:
    register(client, app, "Ada", pid(1))
    copy = client.get_cookie("session")
    assert copy is not None
    thief = app.test_client()
    thief.set_cookie("session", copy.value)
    assert thief.get("/api/me").get_json() == {"player_id": pid(1), "username": "Ada"}
    client.post("/logout", data={"csrf_token": csrf(client, "/login")})
    assert client.get("/api/me").get_json() is None
    assert thief.get("/api/me").get_json() is None
    assert thief.get("/players/me").status_code == 200  # no longer sent to Ada's profile
    # Logging in again starts a new session; the old copy stays dead.
    assert log_in(client, "Ada").status_code == 302
    stale = app.test_client()
    stale.set_cookie("session", copy.value)
    assert stale.get("/api/me").get_json() is None
    assert client.get("/api/me").get_json()["player_id"] == pid(1)


def test_a_password_change_ends_every_other_session(app: Flask, client: FlaskClient) -> None:
    register(client, app, "Ada", pid(1))
    other = app.test_client()
    assert log_in(other, "Ada").status_code == 302
    form = {
        "csrf_token": csrf(client, "/login"),
        "current": "correct horse",
        "password": "battery staple",
        "confirm": "battery staple",
    }
    wrong = client.post("/password", data={**form, "current": "not it at all"})
    assert "that is not your current password" in wrong.get_data(as_text=True)
    assert other.get("/api/me").get_json() is not None
    assert client.post("/password", data=form).status_code == 302
    assert "every other browser is logged out" in client.get("/login").get_data(as_text=True)
    assert client.get("/api/me").get_json()["player_id"] == pid(1)  # this one goes on
    assert other.get("/api/me").get_json() is None
    assert "wrong username or password" in log_in(app.test_client(), "Ada").get_data(True)
    assert log_in(app.test_client(), "Ada", "battery staple").status_code == 302


def test_a_copied_cookie_is_closed_on_the_socket_right_after_its_handshake(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    register(client, app, "Ada", pid(1))
    copy = client.get_cookie("session")
    assert copy is not None
    before = connected(served, copy.value)
    client.post("/logout", data={"csrf_token": csrf(client, "/login")})
    after = connected(served, copy.value)
    try:
        assert before.welcome["player_id"] == pid(1) and after.welcome["player_id"] == pid(1)
        assert after.gone.wait(15), "the revoked socket was not closed"
        assert after.errors and after.errors[0]["code"] == "session_revoked"
        assert not after.sio.connected
        assert before.sio.connected and not before.errors  # checked at its handshake: fine
    finally:
        for one in (before, after):
            one.sio.disconnect()


class Socket:
    """A socket with a browser's cookie, recording its welcome, errors and closing."""

    def __init__(
        self, server: Server, cookie: str | None, auth: dict[str, str] | None = None
    ) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.errors: list[Any] = []
        self.gone = threading.Event()
        got = threading.Event()
        self.welcome: Any = None

        def on_welcome(data: Any) -> None:
            self.welcome = data
            got.set()

        self.sio.on("welcome", on_welcome)
        self.sio.on("error", self.errors.append)
        self.sio.on("disconnect", lambda *_: self.gone.set())
        headers = {"Cookie": f"session={cookie}"} if cookie else {}
        self.sio.connect(server.url, transports=["websocket"], headers=headers, auth=auth or {})
        assert got.wait(5), "no welcome"


def connected(server: Server, cookie: str) -> Socket:
    """Connect a socket with a session cookie; let its session check run."""
    one = Socket(server, cookie)
    time.sleep(0.5)
    return one


def test_a_guest_token_from_before_registration_no_longer_plays_as_the_account(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    stolen = issue_token(app.config["SECRET_KEY"], Player(pid(3), "Gus"))
    guest = Socket(served, None, {"token": stolen})  # before: the guest resumes, unrevoked
    time.sleep(0.5)
    assert guest.welcome["player_id"] == pid(3) and not guest.errors
    guest.sio.disconnect()
    register(client, app, "Gustavo", pid(3))  # the guest claims its history
    copy = Socket(served, None, {"token": stolen})
    try:
        assert copy.gone.wait(15), "the copied token's socket was not closed"
        assert copy.errors and copy.errors[0]["code"] == "token_revoked"
    finally:
        copy.sio.disconnect()
