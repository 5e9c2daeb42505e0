"""Accounts: a guest registers and keeps their history; login, logout, CSRF; identity."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from flask import Flask
from flask.testing import FlaskClient

from race.db.app import database
from race.db.models import Player as PlayerRow
from race.db.write import save_race
from race.identity import Player
from race.identity.tokens import issue_token
from race.identity.tokens import read_token
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing
from tests.realtime.harness import Server


def csrf(client: FlaskClient, path: str) -> str:
    """Return the CSRF token of the form on a page."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def token(app: Flask, player_id: str, name: str = "Guest") -> str:
    return issue_token(app.config["SECRET_KEY"], Player(player_id, name))


def register(
    client: FlaskClient, app: Flask, name: str, player_id: str | None, **extra: str
) -> Any:
    form = {
        "csrf_token": csrf(client, "/register"),
        "username": name,
        "password": "correct horse",
        "confirm": "correct horse",
        "token": token(app, player_id) if player_id else "",
        **extra,
    }
    return client.post("/register", data=form)


def log_in(client: FlaskClient, name: str, password: str = "correct horse") -> Any:
    form = {"csrf_token": csrf(client, "/login"), "username": name, "password": password}
    return client.post("/login", data=form)


@pytest.fixture
def served(app: Flask) -> Iterator[Server]:
    """Serve the app on a loopback port (real Socket.IO handshakes carry the cookie)."""
    server = Server(app).start()
    yield server
    server.stop()


def welcome(server: Server, browser: FlaskClient, auth: dict[str, str] | None = None) -> Any:
    """Connect a socket with the browser's session cookie; return its ``welcome``."""
    cookie = browser.get_cookie("session")
    headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
    sio = socketio.Client(reconnection=False)
    got: list[Any] = []
    sio.on("welcome", got.append)
    sio.connect(server.url, transports=["websocket"], auth=auth or {}, headers=headers)
    try:
        deadline = time.monotonic() + 5
        while not got:
            assert time.monotonic() < deadline, "no welcome"
            time.sleep(0.01)
        return got[0]
    finally:
        sio.disconnect()


def test_a_guest_registers_and_keeps_their_history(app: Flask, client: FlaskClient) -> None:
    with database(app).sessions() as session:
        save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1), "SwiftOtter001")]))
        session.commit()
    answer = register(client, app, "Ada Lovelace", pid(1))
    assert answer.status_code == 302 and answer.location == f"/players/{pid(1)}"
    assert client.get("/api/me").get_json() == {"player_id": pid(1), "username": "Ada Lovelace"}
    body = client.get(f"/api/players/{pid(1)}").get_json()
    assert body["name"] == "Ada Lovelace" and body["registered"]
    assert body["recent"][0]["race_id"] == "AAAAAAAAAAAAAAAAAAAAA1"
    with database(app).sessions() as session:
        row = session.get_one(PlayerRow, pid(1))
        assert row.password_hash is not None and row.password_hash.startswith("$argon2id$")
        assert "correct horse" not in row.password_hash


def test_usernames_are_unique_in_any_case(app: Flask, client: FlaskClient) -> None:
    register(client, app, "Ada", pid(1))
    other = app.test_client()
    html = register(other, app, "aDA", pid(2)).get_data(as_text=True)
    assert "that username is taken" in html
    assert other.get("/api/me").get_json() is None


def test_a_player_registers_once(app: Flask, client: FlaskClient) -> None:
    register(client, app, "Ada", pid(1))
    html = register(app.test_client(), app, "Bob", pid(1)).get_data(as_text=True)
    assert "already has an account" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "<b>"}, "letters, digits"),
        ({"username": "x"}, "2-24 characters"),
        ({"password": "short", "confirm": "short"}, "8 to 128 characters"),
        ({"confirm": "other one"}, "passwords differ"),
        ({"token": "forged.token"}, "reload the page"),
    ],
)
def test_registration_refuses_bad_input(
    app: Flask, client: FlaskClient, fields: dict[str, str], message: str
) -> None:
    html = register(client, app, "Ada", pid(1), **fields).get_data(as_text=True)
    assert message in html
    assert client.get("/api/me").get_json() is None


def test_forms_need_their_csrf_token(app: Flask, client: FlaskClient) -> None:
    form = {"username": "Ada", "password": "correct horse", "confirm": "correct horse"}
    html = client.post("/register", data=form).get_data(as_text=True)
    assert "CSRF token is missing" in html
    register(client, app, "Ada", pid(1))
    assert client.post("/logout").status_code == 302
    assert client.get("/api/me").get_json() is not None  # still logged in


def test_register_without_a_token_makes_a_new_player(app: Flask, client: FlaskClient) -> None:
    answer = register(client, app, "Ada", None)
    me = client.get("/api/me").get_json()
    assert answer.status_code == 302 and re.fullmatch(r"p[0-9a-f]{16}", me["player_id"])


def test_login_and_logout(app: Flask, client: FlaskClient) -> None:
    register(client, app, "Ada", pid(1))
    browser = app.test_client()
    assert "wrong username or password" in log_in(browser, "Ada", "wrong one!").get_data(True)
    assert "wrong username or password" in log_in(browser, "Nobody").get_data(True)
    assert log_in(browser, "ADA").status_code == 302
    assert browser.get("/api/me").get_json()["player_id"] == pid(1)
    assert "Log out" in browser.get("/login").get_data(as_text=True)
    out = browser.post("/logout", data={"csrf_token": csrf(browser, "/login")})
    assert out.status_code == 302 and browser.get("/api/me").get_json() is None


def test_the_socket_plays_as_the_logged_in_account(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    register(client, app, "Ada", pid(1))
    someone_else = token(app, pid(2), "Bob")
    hello = welcome(served, client, {"token": someone_else, "name": "Other Name"})
    assert (hello["player_id"], hello["name"]) == (pid(1), "Ada")
    claim = read_token(app.config["SECRET_KEY"], hello["token"])
    assert claim is not None and claim.player == Player(pid(1), "Ada") and claim.version == 0


def test_after_logout_the_accounts_token_no_longer_works(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    register(client, app, "Ada", pid(1))
    account_token = welcome(served, client)["token"]
    client.post("/logout", data={"csrf_token": csrf(client, "/login")})
    hello = welcome(served, client, {"token": account_token})
    assert hello["player_id"] != pid(1)


def test_a_guest_token_still_resumes_the_guest(
    app: Flask, client: FlaskClient, served: Server
) -> None:
    hello = welcome(served, client, {"token": token(app, pid(3), "Guesty")})
    assert (hello["player_id"], hello["name"]) == (pid(3), "Guesty")
