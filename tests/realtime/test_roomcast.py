"""Room-scoped fan-out on the real Redis: who subscribes to what, and the join gap."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
import socketio

from race.realtime import services
from race.realtime.roomcast import RoomRedisManager
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.services import REDIS_URL
from tests.services import unavailable


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    return client


def until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Recording(RoomRedisManager):
    """The real manager, recording the emits it delivers from other workers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivered: list[tuple[str, Any]] = []

    def _handle_emit(self, message: dict[str, Any]) -> None:
        if message.get("host_id") != self.host_id:
            self.delivered.append((message["room"], message["data"][0]))
        super()._handle_emit(message)


def worker(channel: str, resyncs: list[str] | None = None) -> Recording:
    """Return a manager attached to a server, with its listener, writer and resyncer."""
    resync = None if resyncs is None else resyncs.append
    manager = Recording(REDIS_URL, channel=channel, on_subscribed=resync)
    socketio.Server(client_manager=manager, async_mode="threading")
    manager.initialize()
    return manager


def numsub(client: redis.Redis, channel: str) -> int:
    return int(client.pubsub_numsub(channel)[0][1])


def test_a_worker_hears_a_room_only_while_it_has_a_member_in_it() -> None:
    client = redis_or_skip()
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(channel), worker(channel)
    room_channel = here.room_channel("/", "ROOM1")
    first = here.connect("eio-1", "/")
    second = here.connect("eio-2", "/")
    here.enter_room(first, "/", "ROOM1")
    here.enter_room(second, "/", "ROOM1")
    assert until(lambda: numsub(client, room_channel) == 1)  # one subscription per worker
    assert here.subscriptions() == 1
    elsewhere.emit("tick", {"n": 1}, room="ROOM1")
    elsewhere.emit("tick", {"n": 2}, room="ROOM2")  # nobody here is in ROOM2
    assert until(lambda: here.delivered == [("ROOM1", {"n": 1})])
    here.leave_room(first, "/", "ROOM1")
    time.sleep(0.2)
    assert numsub(client, room_channel) == 1  # the second member is still here
    here.disconnect(second, "/", ignore_queue=True)
    assert until(lambda: numsub(client, room_channel) == 0)
    assert here.subscriptions() == 0
    elsewhere.emit("tick", {"n": 3}, room="ROOM1")
    time.sleep(0.3)
    assert here.delivered == [("ROOM1", {"n": 1})]  # not heard once nobody is here
    assert elsewhere.heard == 0  # it has no member anywhere: it heard no room's emits


def test_broadcasts_reach_every_worker_and_a_local_connection_costs_no_publish() -> None:
    redis_or_skip()
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(channel), worker(channel)
    sid = here.connect("eio-1", "/")
    assert until(lambda: here.published == 0 and here._wanted == {})
    time.sleep(0.2)  # both listeners subscribed to the control channel
    elsewhere.emit("notice", {"all": True})  # to everyone: the control channel
    assert until(lambda: here.delivered == [(None, {"all": True})])
    here.emit("answer", {"to": "one"}, room=sid)  # a connection of this worker
    here.emit("tick", {"n": 1}, room="ROOM1")
    assert until(lambda: here.published == 1)  # only the room's emit went out
    time.sleep(0.2)
    assert here.published == 1 and elsewhere.delivered == []


def test_an_emit_missed_while_subscribing_is_followed_by_a_resync_of_that_room() -> None:
    client = redis_or_skip()
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    resyncs: list[str] = []
    here, elsewhere = worker(channel, resyncs), worker(channel)
    time.sleep(0.2)  # the listener is up and quiet: changes wait in its next _tend
    gate = threading.Event()
    tend = here._tend
    here._tend = lambda pubsub: (gate.wait(10), tend(pubsub))  # type: ignore[method-assign]
    sid = here.connect("eio-1", "/")
    here.enter_room(sid, "/", "ROOM1")
    elsewhere.emit("room", {"v": 1}, room="ROOM1")  # published before the subscription
    assert until(lambda: elsewhere.published == 1)
    gate.set()
    assert until(lambda: resyncs == ["ROOM1"])  # resynced once the subscription held
    assert numsub(client, here.room_channel("/", "ROOM1")) == 1
    assert here.delivered == []  # the early emit itself was lost: the resync covers it
    elsewhere.emit("room", {"v": 2}, room="ROOM1")
    assert until(lambda: here.delivered == [("ROOM1", {"v": 2})])


def test_a_player_joining_through_a_slow_subscription_still_sees_who_joined_meanwhile(
    server_factory: Callable[..., Server],
) -> None:
    redis_or_skip()
    prefix = f"crtest-{uuid.uuid4().hex[:8]}:"
    first = server_factory(REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix)
    second = server_factory(REDIS_URL=REDIS_URL, REDIS_PREFIX=prefix)
    clients: list[Client] = []
    try:
        host = Client(first.url, name="Host")
        clients.append(host)
        code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
        late = Client(second.url, name="Late")
        clients.append(late)
        manager = services(second.app).socketio.server.manager  # type: ignore[attr-defined]
        time.sleep(0.2)  # its listener is up (started by the first connection)
        gate = threading.Event()
        tend = manager._tend
        manager._tend = lambda pubsub: (gate.wait(10), tend(pubsub))
        late.ok("join", {"code": code})
        third = Client(first.url, name="Third")  # joins while Late's worker is deaf
        clients.append(third)
        third.ok("join", {"code": code})

        def lists_third(view: Any) -> bool:
            return any(r["name"] == "Third" for r in view["racers"])

        host.wait("room", lists_third)
        time.sleep(0.3)
        assert not any(lists_third(v) for v in late.all("room"))  # missed, for now
        gate.set()
        late.wait("room", lists_third)  # the resync after subscribing
    finally:
        for c in clients:
            c.close()
