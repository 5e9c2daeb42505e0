"""A logout on one worker reaches an account's socket on another: told at once through the
message queue, and closed by its own worker's re-check (real eventlet workers, Redis and
Postgres)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
import socketio

from race.db import migrate
from race.db.engine import make_engine
from race.realtime.recheck import RECHECK_EVERY_S
from tests.db.conftest import postgres_schema
from tests.scale.cluster import Cluster
from tests.services import POSTGRES_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def database_url() -> Iterator[str]:
    """Return a DATABASE_URL on a fresh, migrated Postgres schema."""
    with postgres_schema() as schema:
        engine = make_engine(POSTGRES_URL, schema=schema)
        migrate.upgrade(engine)
        engine.dispose()
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"


def csrf(browser: requests.Session, url: str) -> str:
    """Return the CSRF token of the form on a page."""
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get(url).text)
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def test_a_logout_on_one_worker_tells_and_closes_a_socket_on_another(
    cluster_factory: Callable[..., Cluster], database_url: str
) -> None:
    cluster = cluster_factory(2, env={"DATABASE_URL": database_url})
    web, other = cluster.urls
    browser = requests.Session()
    form = {"username": "Ada", "password": "correct horse", "confirm": "correct horse"}
    done = browser.post(
        web + "/register",
        data={**form, "csrf_token": csrf(browser, web + "/register"), "token": ""},
        allow_redirects=False,
    )
    assert done.status_code == 302, done.text
    sio = socketio.Client(reconnection=False)
    told, gone, welcome = threading.Event(), threading.Event(), threading.Event()
    sio.on("welcome", lambda data: welcome.set())
    sio.on("session_revoked", lambda data: told.set())  # ignored, as a hostile client would
    sio.on("disconnect", lambda *_: gone.set())
    cookie = f"session={browser.cookies['session']}"
    sio.connect(other, transports=["websocket"], headers={"Cookie": cookie})
    try:
        assert welcome.wait(5)
        time.sleep(1.5)  # its handshake's session check has passed
        assert sio.connected
        logout = {"csrf_token": csrf(browser, web + "/login")}
        started = time.monotonic()
        assert browser.post(web + "/logout", data=logout, allow_redirects=False).is_redirect
        assert told.wait(3), "the other worker's socket was not told"
        assert gone.wait(RECHECK_EVERY_S + 5), "the other worker did not close the socket"
        assert time.monotonic() - started < RECHECK_EVERY_S + 5
    finally:
        sio.disconnect()
