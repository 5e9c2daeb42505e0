"""A disconnect during a store outage leaves no ghost: the seat is reconciled, the room goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from race.core.course import Course
from race.core.course import ideal_keys
from race.realtime import Services
from race.realtime.reconcile import RECONCILE_AFTER_MS
from race.realtime.reconcile import RECONCILE_EVERY_MS
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.test_reconnect import send_paced


class Outage:
    """Makes the real store's connection and room writes fail, as Redis going away does."""

    def __init__(self, svc: Services) -> None:
        self.down = False
        #: Fail only this one of the two (None: both).
        self.only: str | None = None
        store = svc.store
        for name in ("drop_conn", "update_room"):
            real = getattr(store, name)
            setattr(store, name, self.guard(name, real))

    def guard(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down and self.only in (None, name):
                raise redis.ConnectionError("Connection refused (injected)")
            return real(*args, **kwargs)

        return call


def ann_and_ben(connect: Callable[..., Client]) -> tuple[Client, Client, str]:
    """Seat Ann (the host) and Ben in a private room; return both and the room's code."""
    a, b = connect("Ann"), connect("Ben")
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    return a, b, code


def seat_connected(svc: Services, code: str, player_id: str) -> bool:
    room = svc.store.get_room(code)
    assert room is not None
    seat = room.seat(player_id)
    return seat is not None and seat.connected and not seat.left


def ghost(
    server: Server, connect: Callable[..., Client], failing: str | None = None
) -> tuple[str, Client, Client]:
    """Seat Ann and Ben; close Ben's connection while the store's ``failing`` call fails
    (both its connection and room writes if None); return the room, Ann and Ben."""
    svc: Services = server.app.extensions["coderace"]
    outage = Outage(svc)
    a, b, code = ann_and_ben(connect)
    outage.down, outage.only = True, failing
    b.close()
    deadline = time.monotonic() + 5
    while svc.connected > 1:  # the server has run Ben's disconnect, which failed
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.05)
    outage.down = False
    assert seat_connected(svc, code, b.id), "the outage did not leave a ghost"
    assert svc.heartbeat.reconciler.waiting() == 1
    return code, a, b


def test_a_disconnect_during_a_store_outage_is_reconciled_and_the_race_goes_on(
    server: Server, connect: Callable[..., Client]
) -> None:
    svc: Services = server.app.extensions["coderace"]
    code, a, b = ghost(server, connect)
    began = time.monotonic()
    while seat_connected(svc, code, b.id):
        # Within the sweep's delay and interval (plus a beat and some slack).
        assert time.monotonic() - began < (RECONCILE_AFTER_MS + RECONCILE_EVERY_MS) / 1000 + 1
        time.sleep(0.02)
    assert svc.heartbeat.reconciler.reconciled == 1
    view = a.wait("room", lambda r: any(not s["connected"] for s in r["racers"]))
    assert [s["id"] for s in view["racers"] if not s["connected"]] == [b.id]
    # The room goes on: Ann races alone and the race ends at her finish, not at the limit
    # (a ghost would be waited for as a racer still typing).
    a.wait("room", lambda r: [s["id"] for s in r["racers"]] == [a.id], timeout=5)
    a.ok("start", {"code": code})
    room = a.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(room["snippet"]["text"]))
    stamped = [(200 + 40 * i, k) for i, k in enumerate(keys)]
    send_paced(a, stamped, room["starts_at"], batch=8)
    standings = a.wait("standings", timeout=5)
    assert [s["player_id"] for s in standings["standings"]] == [a.id]
    assert standings["standings"][0]["completed"]


def test_a_normal_disconnect_is_not_checked_again(
    server: Server, connect: Callable[..., Client]
) -> None:
    svc: Services = server.app.extensions["coderace"]
    a, b, _ = ann_and_ben(connect)
    b.close()
    a.wait("room", lambda r: any(not s["connected"] for s in r["racers"]))
    # Only a disconnect whose store calls failed is noted for a check (each costs a room
    # update; a reconnect racing one is tests/realtime/test_reconcile_reconnect.py).
    reconciler = svc.heartbeat.reconciler
    assert not reconciler.waiting() and reconciler.reconciled == 0


def test_a_connection_that_closes_while_its_join_runs_leaves_no_ghost_seat(
    server: Server, connect: Callable[..., Client]
) -> None:
    svc: Services = server.app.extensions["coderace"]
    sio: Any = svc.socketio.server  # type: ignore[attr-defined]
    a = connect("Ann")
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    a_sid = next(iter(svc._live))
    b = connect("Ben")
    real = svc.store.update_room
    closed: list[str] = []

    def closing(*args: Any, **kwargs: Any) -> Any:
        moved = real(*args, **kwargs)
        seat = moved[1].seat(b.id)
        if seat is not None and not closed:  # Ben's join took the seat: his tab closes
            # now, before the join has recorded the room in his session; its disconnect
            # runs elsewhere, as a socket closing under a join does
            closed.append(seat.player_id)
            sid = next(iter(svc._live - {a_sid}))
            closer = threading.Thread(target=sio.disconnect, args=(sid,))
            closer.start()
            closer.join(5)
        return moved

    svc.store.update_room = closing  # type: ignore[method-assign]
    b.sio.emit("join", {"code": code})  # no answer: the connection is gone
    deadline = time.monotonic() + 5
    while svc.store.get_room(code) is None or svc.store.get_room(code).seat(b.id) is None:
        assert time.monotonic() < deadline, "the join never took the seat"
        time.sleep(0.02)
    wait_s = (RECONCILE_AFTER_MS + 2 * RECONCILE_EVERY_MS) / 1000 + 2
    deadline = time.monotonic() + wait_s
    while seat_connected(svc, code, b.id):
        assert time.monotonic() < deadline, "Ben's seat stayed connected: a ghost"
        time.sleep(0.05)
