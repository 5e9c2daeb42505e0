"""A reconnect racing the reconciler: only the connection that closed is disconnected.

A ghost seat (its ``disconnect`` failed in a store outage) is checked about a second
later. Its player may come back meanwhile: each test runs that reconnect exactly between
two of the reconciler's steps, with a hook on the real store's method, on both stores.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from race.realtime import Services
from race.store.base import Store
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.test_reconcile import ann_and_ben
from tests.realtime.test_reconcile import ghost
from tests.realtime.test_reconcile import seat_connected
from tests.services import REDIS_URL
from tests.services import unavailable


@pytest.fixture(params=["memory", "redis"])
def server(
    request: pytest.FixtureRequest, server_factory: Callable[..., Server]
) -> Iterator[Server]:
    """Serve the app on each store in turn (Redis: the real one, on a fresh key prefix)."""
    if request.param == "memory":
        yield server_factory()
        return
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    yield server_factory(REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix)
    for key in list(client.scan_iter(match=prefix + "*", count=1000)):
        client.delete(key)
    client.close()


def once_after(store: Store, name: str, action: Callable[[], None]) -> threading.Event:
    """Run ``action`` once, right after the next call of the store's ``name`` returns."""
    real = getattr(store, name)
    done = threading.Event()

    def call(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not done.is_set():
            done.set()
            action()
        return result

    setattr(store, name, call)
    return done


def checked(svc: Services) -> threading.Event:
    """Tell when the reconciler's next check has returned."""
    reconciler = svc.heartbeat.reconciler
    real = reconciler.check
    done = threading.Event()

    def check(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        finally:
            done.set()

    reconciler.check = check  # type: ignore[method-assign]
    return done


def stays_seated(server: Server, code: str, player_id: str, check: threading.Event) -> None:
    """Ben's seat is connected, and still is past the grace window (no drop followed)."""
    svc: Services = server.app.extensions["coderace"]
    assert check.wait(5), "the reconciler did not check the seat"
    assert seat_connected(svc, code, player_id), "the reconnected seat was disconnected"
    time.sleep(server.app.config["TIMING"].grace_ms / 1000 + 0.5)
    assert seat_connected(svc, code, player_id), "the reconnected seat was dropped"


def test_a_reconnect_between_the_check_and_the_room_update_stays_connected(
    server: Server, connect: Callable[..., Client]
) -> None:
    # The close failed to forget its connection: the store still records the closed one.
    code, _, b = ghost(server, connect, "drop_conn")
    svc: Services = server.app.extensions["coderace"]
    back: list[Client] = []

    def reconnect() -> None:  # Ben's new tab resumes his seat: connected, its conn recorded
        back.append(connect(token=b.token))
        back[0].ok("join", {"code": code})

    # The check's first step (forgetting the closed connection) returns, then Ben is back.
    fired, check = once_after(svc.store, "drop_conn", reconnect), checked(svc)
    stays_seated(server, code, b.id, check)
    assert fired.is_set() and back and back[0].id == b.id
    assert svc.heartbeat.reconciler.reconciled == 0


def test_a_check_in_the_middle_of_a_reconnect_leaves_the_seat_connected(
    server: Server, connect: Callable[..., Client]
) -> None:
    # The close forgot its connection but could not mark the seat: none is recorded.
    code, _, b = ghost(server, connect, "update_room")
    svc: Services = server.app.extensions["coderace"]
    reconciler = svc.heartbeat.reconciler

    def check() -> None:  # the sweep, as if due now, before the reconnect's join answers
        reconciler.sweep(svc.engine.clock() + 60_000)

    # Ben's reconnect has marked his seat connected (its connection recorded with the
    # room, in the same write); its join has not answered yet.
    fired, checked_once = once_after(svc.store, "update_room", check), checked(svc)
    back = connect(token=b.token)
    back.ok("join", {"code": code})
    stays_seated(server, code, b.id, checked_once)
    assert fired.is_set() and reconciler.reconciled == 0


def test_only_the_connection_that_joined_last_marks_the_seat_away(
    server: Server, connect: Callable[..., Client]
) -> None:
    svc: Services = server.app.extensions["coderace"]
    a, b, code = ann_and_ben(connect)
    tab = connect(token=b.token)  # Ben opens the room in a second tab
    tab.ok("join", {"code": code})
    b.close()  # his first tab: the seat is the second one's now
    time.sleep(0.3)
    assert seat_connected(svc, code, b.id)
    tab.close()
    view = a.wait("room", lambda r: any(not s["connected"] for s in r["racers"]))
    assert [s["id"] for s in view["racers"] if not s["connected"]] == [b.id]
