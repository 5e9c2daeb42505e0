"""A full worker refuses newcomers with a clear "busy" before admitted players suffer."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import socketio

from tests.realtime.harness import Client
from tests.realtime.harness import Server


def test_seats_past_capacity_are_refused_as_busy(
    server: Server, connect: Callable[..., Client]
) -> None:
    # Two seats in one room (each room costs half a seat more); 12 connections at most.
    server.app.extensions["coderace"].seats.capacity = 2.5
    a, b, idle = connect(), connect(), connect()
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})  # idle connections take no seat: b gets the second one
    refused = idle.call("join", {"code": code})
    assert refused["ok"] is False and refused["code"] == "busy"
    assert "server busy" in refused["message"]
    assert idle.call("quick", {"language": "go"})["code"] == "busy"
    assert idle.call("join", {"code": code, "role": "spectator"})["code"] == "busy"
    # Admitted players carry on: resuming a seat is not a new admission.
    assert b.ok("join", {"code": code})["you"]["id"] == b.id
    b.ok("leave", {"code": code})  # a seat comes free
    assert idle.ok("join", {"code": code})["you"]["id"] == idle.id
    for _ in range(9):  # up to the twelfth connection
        connect()
    refusals: list[object] = []
    raw = socketio.Client(reconnection=False)
    raw.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        raw.connect(server.url, transports=["websocket"], wait_timeout=5)
    assert refusals == [{"message": "server busy: try again in a minute", "data": {"code": "busy"}}]
    metrics = server.app.extensions["coderace"].metrics
    assert metrics.refused_busy._value.get() == 4


def test_a_failed_join_gives_its_seat_back(server: Server, connect: Callable[..., Client]) -> None:
    server.app.extensions["coderace"].seats.capacity = 3.5  # two rooms of one, one seat more
    host, shut_out, late = connect(), connect(), connect()
    locked = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    host.ok("lock", {"code": locked, "locked": True})
    for _ in range(3):
        assert shut_out.call("join", {"code": locked})["code"] == "room_locked"
    # Had the refused joins kept a seat, the second room would not have fitted.
    own = late.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    assert shut_out.call("join", {"code": own})["code"] == "busy"


def test_a_returning_racer_is_seated_even_when_the_worker_is_full(
    server: Server, connect: Callable[..., Client]
) -> None:
    server.app.extensions["coderace"].seats.capacity = 3  # a pair, then a newcomer alone
    a, b = connect(), connect()
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    b.close()  # b's page reloads; while it does, a newcomer takes the free seat
    newcomer = connect()
    newcomer.ok("create", {"snippet_id": "py-short"})
    back = connect(token=b.token)  # b's new connection: the worker is full, b comes first
    assert back.ok("join", {"code": code})["you"]["id"] == b.id
    assert connect().call("quick", {"language": "go"})["code"] == "busy"


def test_each_room_costs_a_worker_half_a_seat(
    server: Server, connect: Callable[..., Client]
) -> None:
    """Three and a half seats: three racers fit in one room (3 + 0.5), but only two
    practising alone (2 x 1.5), whose rooms each need their own ticks."""
    server.app.extensions["coderace"].seats.capacity = 3.5
    host, b, c, d = connect(), connect(), connect(), connect()
    code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    c.ok("join", {"code": code})
    assert d.call("practice", {"snippet_id": "py-short"})["code"] == "busy"
    b.ok("leave", {"code": code})
    c.ok("leave", {"code": code})
    b.ok("practice", {"snippet_id": "py-short"})
    assert c.call("practice", {"snippet_id": "py-short"})["code"] == "busy"


def test_a_join_finishing_after_its_connection_closed_takes_no_seat(
    server: Server, connect: Callable[..., Client]
) -> None:
    """A join waits on the store; if its connection closes meanwhile, the disconnect has
    nothing to give back, so the join must not seat the dead connection."""
    svc = server.app.extensions["coderace"]
    player = connect()
    code = player.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    before = svc.seats.load()
    assert svc.take_seat("closed-sid", code) is None
    svc.place("closed-sid", code)
    assert svc.seats.load() == before and "closed-sid" not in svc.seats
    player.close()
    deadline = time.monotonic() + 5
    while svc.seats.load() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert svc.seats.load() == 0  # the closed connection gave its seat and room back
