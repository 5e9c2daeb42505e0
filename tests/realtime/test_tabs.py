"""Two tabs of one browser are one player, and one tab at a time types into its seat:
on one worker, and on two workers sharing the real Redis (the seat's holder lives in the
store, not in a worker's memory)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator

import pytest
import redis

from race.limits import Budgets
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import server_ms
from tests.services import REDIS_URL
from tests.services import unavailable

TAB_A, TAB_B = "tab-AAAAAAAA", "tab-BBBBBBBB"
Workers = tuple[Server, Server]


@pytest.fixture(params=["memory", "redis"])
def workers(
    request: pytest.FixtureRequest, server_factory: Callable[..., Server]
) -> Iterator[Workers]:
    """Two workers of one deployment: the same in-process server twice, or two servers on
    the real Redis (the second tab reaches the other worker)."""
    if request.param == "memory":
        one = server_factory()
        yield one, one
        return
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    prefix = f"crtest-{uuid.uuid4().hex[:8]}:"
    shared = {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix, "SECRET_KEY": uuid.uuid4().hex}
    yield server_factory(**shared), server_factory(**shared)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def clients() -> Iterator[list[Client]]:
    """Collect clients to close after the test."""
    made: list[Client] = []
    yield made
    for c in made:
        if c.sio.connected:
            c.close()


def racing(workers: Workers, clients: list[Client]) -> tuple[Client, Client, dict]:  # type: ignore[type-arg]
    """Return Ann's first tab and Ben, racing in a private room, and the room view."""
    ann = Client(workers[0].url, name="Ann", tab=TAB_A)
    ben = Client(workers[0].url, name="Ben")
    clients += [ann, ben]
    code = ann.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    ben.ok("join", {"code": code})
    ann.ok("start", {"code": code})
    room = ann.wait("room", lambda r: r["phase"] == "racing")
    time.sleep(max(0, room["starts_at"] - server_ms()) / 1000 + 0.05)
    return ann, ben, room


def at(room: dict, *keys: str) -> list[list[object]]:  # type: ignore[type-arg]
    """Return keys timed now, from the room's start."""
    t = server_ms() - room["starts_at"]
    return [[t + i, k] for i, k in enumerate(keys)]


def test_a_second_tab_is_the_same_player_and_is_asked_before_taking_the_seat(
    workers: Workers, clients: list[Client]
) -> None:
    ann, ben, room = racing(workers, clients)
    code = room["code"]
    assert ann.send_keys(at(room, "d", "e"))["pos"] == 2
    second = Client(workers[1].url, token=ann.token, tab=TAB_B)  # her second tab
    clients.append(second)
    assert (second.id, second.name) == (ann.id, "Ann")

    refused = second.call("join", {"code": code})
    assert refused["code"] == "other_tab" and "another tab" in refused["message"]
    assert ann.send_keys(at(room, "f"))["pos"] == 3  # nothing changed: she types on
    assert not ann.all("seat_moved")

    taken = second.ok("join", {"code": code, "take_over": True})
    assert taken["you"]["seq"] == ann.seq and taken["you"]["pos"] == 3
    moved = ann.wait("seat_moved", lambda m: m["code"] == code)
    assert moved == {"code": code, "tab": TAB_B}
    seat = next(r for r in taken["room"]["racers"] if r["id"] == ann.id)
    assert seat["connected"] and not seat["left"]

    # The first tab's keys are refused, at once (its worker may still cache the room).
    late = ann.send_keys(at(room, " "))
    assert late["code"] == "seat_moved" and "another tab" in late["message"]
    assert second.send_keys(at(room, " "))["pos"] == 4
    log = workers[1].app.extensions["coderace"].store.read_log(code, room["round"], ann.id)
    assert len(log) == 3  # two batches from the first tab, one from the second

    # Closing the tab that lost the seat leaves it with the tab that holds it.
    store = workers[0].app.extensions["coderace"].store
    ann.close()
    time.sleep(0.5)  # its disconnect has run
    assert ben.send_keys(at(room, "d"))["ok"]
    held = store.get_room(code).seat(ann.id)
    assert held.connected and held.tab == TAB_B
    assert second.send_keys(at(room, "a"))["pos"] == 5


def test_taking_the_seat_back_moves_it_again(workers: Workers, clients: list[Client]) -> None:
    ann, _, room = racing(workers, clients)
    code = room["code"]
    second = Client(workers[1].url, token=ann.token, tab=TAB_B)
    clients.append(second)
    second.ok("join", {"code": code, "take_over": True})
    ann.wait("seat_moved")
    back = ann.ok("join", {"code": code, "take_over": True})
    assert back["you"]["seq"] == 0
    assert second.wait("seat_moved", lambda m: m["tab"] == TAB_A)["code"] == code
    assert second.send_keys(at(room, "d"))["code"] == "seat_moved"
    assert ann.send_keys(at(room, "d"))["pos"] == 1


def test_the_same_tab_reconnecting_resumes_without_being_asked(
    workers: Workers, clients: list[Client]
) -> None:
    ann, _, room = racing(workers, clients)
    assert ann.send_keys(at(room, "d"))["ok"]
    # A new connection of the same tab (a reload, a network drop) before its old one's
    # close has been seen: it is that tab, not another one.
    again = Client(workers[1].url, token=ann.token, tab=TAB_A)
    clients.append(again)
    resumed = again.ok("join", {"code": room["code"]})
    assert resumed["you"]["seq"] == 1
    assert again.send_keys(at(room, "e"))["pos"] == 2
    assert ann.send_keys(at(room, "x"))["code"] == "seat_moved"


def test_take_overs_spend_the_join_budget(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(joins_per_ip="4/minute"))
    ann = Client(srv.url, name="Ann", tab=TAB_A)
    other = Client(srv.url, token=ann.token, tab=TAB_B)
    try:
        code = ann.ok("create", {"snippet_id": "py-short"})["room"]["code"]  # 1
        tabs = [other, ann]
        for n in range(3):  # 2, 3, 4
            tabs[n % 2].ok("join", {"code": code, "take_over": True})
        refused = tabs[1].call("join", {"code": code, "take_over": True})
        assert refused["code"] == "rate_limited"
    finally:
        ann.close()
        other.close()


def test_a_quick_race_from_another_tab_moves_the_waiting_seat(
    workers: Workers, clients: list[Client]
) -> None:
    ann = Client(workers[0].url, name="Ann", tab=TAB_A)
    clients.append(ann)
    code = ann.ok("quick", {"language": "go"})["room"]["code"]
    second = Client(workers[1].url, token=ann.token, tab=TAB_B)
    clients.append(second)
    again = second.ok("quick", {"language": "go"})  # nobody types in a lobby: no question
    assert again["room"]["code"] == code
    assert [r["id"] for r in again["room"]["racers"]] == [ann.id]  # one seat, moved
    assert ann.wait("seat_moved") == {"code": code, "tab": TAB_B}


def test_a_tab_that_lost_its_seat_leaves_it_to_the_tab_holding_it(
    workers: Workers, clients: list[Client]
) -> None:
    ann, _, room = racing(workers, clients)
    code = room["code"]
    second = Client(workers[1].url, token=ann.token, tab=TAB_B)
    clients.append(second)
    second.ok("join", {"code": code, "take_over": True})
    ann.wait("seat_moved")
    assert ann.ok("leave", {"code": code})  # the old tab leaves: nothing happens to the seat
    ann.ok("practice", {"snippet_id": "go-short"})  # and goes on elsewhere
    held = workers[1].app.extensions["coderace"].store.get_room(code).seat(ann.id)
    assert held is not None and held.connected and not held.left and held.tab == TAB_B
    assert second.send_keys(at(room, "d"))["pos"] == 1


def test_a_tab_that_lost_its_practice_seat_neither_restarts_nor_starts_the_run(
    workers: Workers, clients: list[Client]
) -> None:
    ann = Client(workers[0].url, name="Ann", tab=TAB_A)
    clients.append(ann)
    room = ann.ok("practice", {"snippet_id": "py-short", "ready": True})["room"]
    code = room["code"]
    second = Client(workers[1].url, token=ann.token, tab=TAB_B)
    clients.append(second)
    assert second.call("join", {"code": code})["code"] == "other_tab"
    second.ok("join", {"code": code, "take_over": True})
    ann.wait("seat_moved")
    for event, payload in (
        ("restart", {"code": code}),
        ("go", {"code": code, "round": room["round"], "at": server_ms()}),
    ):
        refused = ann.call(event, payload)
        assert refused["code"] == "seat_moved", (event, refused)
    store = workers[1].app.extensions["coderace"].store
    assert store.get_room(code).round == room["round"]  # nothing restarted
    assert store.get_room(code).phase == "lobby"  # nor started
    started = second.ok("go", {"code": code, "round": room["round"], "at": server_ms()})
    assert started["room"]["phase"] in ("countdown", "racing")
