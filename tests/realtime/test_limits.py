"""Rate limits per connection and per IP, and the origin check on the handshake."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
import socketio

from race.core.room import Refused
from race.limits import Budgets
from tests.realtime.harness import Client
from tests.realtime.harness import Server


def test_a_flooding_connection_is_throttled_and_others_are_not(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(events_per_connection="5/second"))
    flood, calm = Client(srv.url), Client(srv.url)
    try:
        answers = [flood.call("sync", {"c": 1.0}) for _ in range(12)]
        codes = [a.get("code") for a in answers if not a["ok"]]
        assert codes and set(codes) == {"rate_limited"}
        assert sum(a["ok"] for a in answers) == 5
        assert calm.call("sync", {"c": 1.0})["ok"]
    finally:
        flood.close()
        calm.close()


def test_unknown_events_spend_the_same_budget(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(events_per_connection="5/second"))
    flood = Client(srv.url)
    try:
        answers = [flood.call(f"made-up-{i}", {}) for i in range(8)]
        assert [a["code"] for a in answers] == ["unknown_event"] * 5 + ["rate_limited"] * 3
        assert flood.call("sync", {"c": 1.0})["code"] == "rate_limited"
    finally:
        flood.close()


def test_connections_of_one_ip_share_its_event_budget(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(events_per_ip="10/minute"))
    first, second = Client(srv.url), Client(srv.url)
    try:
        assert all(first.call("sync", {"c": 1.0})["ok"] for _ in range(6))
        answers = [second.call("sync", {"c": 1.0}) for _ in range(6)]
        assert [a["ok"] for a in answers] == [True] * 4 + [False] * 2
        assert answers[-1]["code"] == "rate_limited"
        # A closed connection does not hand its IP a fresh budget.
        first.close()
        third = Client(srv.url)
        assert third.call("sync", {"c": 1.0})["code"] == "rate_limited"
        third.close()
    finally:
        first.close()
        second.close()


def test_joins_and_room_codes_are_limited_per_ip(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(joins_per_ip="4/minute", rooms_per_ip="2/minute"))
    a, b = Client(srv.url), Client(srv.url)
    try:
        code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
        assert a.call("create", {})["ok"]
        assert a.call("practice", {})["code"] == "rate_limited"  # third room in a minute
        # Guessing codes spends the same budget as joining, from any connection of the IP.
        assert b.call("join", {"code": "Z" * 16})["code"] == "no_such_room"
        answer = b.call("join", {"code": code})
        assert answer["code"] == "rate_limited" and "try again in" in answer["message"]
        assert 0 < answer["retry_ms"] <= 60_000
    finally:
        a.close()
        b.close()


def test_a_spent_room_budget_says_when_it_has_room_again(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(rooms_per_ip="2/3 seconds"))
    client = Client(srv.url)
    try:
        assert client.call("create", {})["ok"]
        assert client.call("practice", {})["ok"]
        refused = client.call("practice", {})
        assert refused["code"] == "rate_limited"
        assert refused["message"].startswith("too many new rooms from your address; try again in")
        assert 0 < refused["retry_ms"] <= 3000
        error = client.wait("error", lambda e: e["event"] == "practice")
        assert error["retry_ms"] == refused["retry_ms"]
        # Not before: the window still holds both rooms a little earlier.
        time.sleep(max(0, refused["retry_ms"] - 400) / 1000)
        early = client.call("practice", {})
        assert early["code"] == "rate_limited" and early["retry_ms"] <= refused["retry_ms"]
        time.sleep(early["retry_ms"] / 1000 + 0.05)
        assert client.call("practice", {})["ok"]  # the oldest room has left the window
    finally:
        client.close()


def test_a_spent_restart_budget_says_when_it_has_room_again(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(restarts_per_ip="1/3 seconds"))
    client = Client(srv.url)
    try:
        code = client.ok("practice", {"snippet_id": "py-short"})["room"]["code"]
        assert client.call("restart", {"code": code})["ok"]
        refused = client.call("restart", {"code": code})
        assert refused["code"] == "rate_limited"
        assert refused["message"].startswith("too many restarts from your address; try again")
        assert 0 < refused["retry_ms"] <= 3000
    finally:
        client.close()


def test_a_flooding_connection_is_told_how_long_to_wait(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(events_per_connection="4/second"))
    flood = Client(srv.url)
    try:
        answers = [flood.call("sync", {"c": 1.0}) for _ in range(8)]
        waits = [a["retry_ms"] for a in answers if not a["ok"]]
        assert waits and all(0 < w <= 250 for w in waits)  # one token is back in 1/4 s
        time.sleep(max(waits) / 1000 + 0.05)
        assert flood.call("sync", {"c": 1.0})["ok"]
    finally:
        flood.close()


def test_a_player_refused_busy_spends_no_room_of_the_budget(
    server_factory: Callable[..., Server],
) -> None:
    # A full worker refuses every join; the page then draws a new balance token and tries
    # again (static/js/net.js). Those tries must not use up the address's new rooms.
    srv = server_factory(RATE_LIMITS=Budgets(rooms_per_ip="1/minute"), MAX_RACERS=0.0)
    client = Client(srv.url)
    try:
        codes = [client.call(event, {})["code"] for event in ("practice", "create") * 2]
        assert codes == ["busy"] * 4
    finally:
        client.close()


def test_connections_are_limited_per_ip(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(connects_per_ip="3/minute"))
    clients = [Client(srv.url) for _ in range(3)]
    refusals: list[object] = []
    raw = socketio.Client(reconnection=False)
    raw.on("connect_error", refusals.append)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            raw.connect(srv.url, transports=["websocket"], wait_timeout=5)
        [refusal] = refusals
        assert isinstance(refusal, dict)
        assert refusal["message"].startswith("too many connections from your address; try again")
        assert refusal["data"]["code"] == "rate_limited"
        assert 0 < refusal["data"]["retry_ms"] <= 60_000
    finally:
        for c in clients:
            c.close()


def test_foreign_origins_cannot_open_a_socket(server: Server) -> None:
    url = server.url + "/socket.io/?EIO=4&transport=polling"
    assert requests.get(url, headers={"Origin": server.url}, timeout=5).status_code == 200
    foreign = requests.get(url, headers={"Origin": "https://evil.example"}, timeout=5)
    assert foreign.status_code == 400


def test_rate_limit_setting_is_validated() -> None:
    from race.realtime.throttle import Budgets

    assert Budgets.parse_setting("joins_per_ip=9/minute").joins_per_ip == "9/minute"
    with pytest.raises(ValueError, match="unknown budget"):
        Budgets.parse_setting("jumps_per_ip=1/second")
    with pytest.raises(ValueError):
        Budgets.parse_setting("joins_per_ip=lots")


def test_the_ip_event_budget_fails_open_when_the_store_is_unreachable() -> None:
    from race.realtime.throttle import Budgets
    from race.realtime.throttle import Throttle
    from race.store.client import connect
    from race.store.memory import MemoryStore
    from race.store.redis import RedisStore

    budgets = Budgets(events_per_ip="1/minute")
    held = Throttle(budgets, MemoryStore(), None)
    held.opened("s1", "10.0.0.1")
    held.event("s1")
    with pytest.raises(Refused, match="from your address"):
        held.event("s1")
    # Redis gone (nothing listens on port 1): players keep playing, the per-connection
    # budget still holds.
    lost = Throttle(budgets, RedisStore(connect("redis://127.0.0.1:1/0")), None)
    lost.opened("s1", "10.0.0.1")
    for _ in range(5):
        lost.event("s1")


def test_events_arriving_during_a_lease_request_wait_for_it() -> None:
    """One IP's events that arrive while its lease is being fetched spend that lease,
    instead of each asking the store (which also threw away the tokens taken)."""
    import threading
    import time

    from race.realtime.throttle import Budgets
    from race.realtime.throttle import Throttle
    from race.store.memory import MemoryStore

    class SlowStore(MemoryStore):
        calls = 0

        def take_tokens(self, key: str, per_second: float, burst: int, want: int) -> int:
            SlowStore.calls += 1
            time.sleep(0.05)  # a slow round trip
            return super().take_tokens(key, per_second, burst, want)

    throttle = Throttle(Budgets(events_per_ip="1000/second"), SlowStore(), None)
    for i in range(10):
        throttle.opened(f"s{i}", "10.0.0.9")
    threads = [threading.Thread(target=throttle.event, args=(f"s{i}",)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert (SlowStore.calls, throttle.leases) == (1, 1)
    assert throttle._ip_tokens["10.0.0.9"] == 20 - 10
