"""Room-scoped fan-out on the real Redis and on a real local Redis Cluster (sharded
pub/sub): who subscribes to what, and the join gap."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
import socketio
from redis.crc import key_slot

from race.realtime import services
from race.realtime.roomcast import RoomRedisManager
from race.realtime.shardcast import ShardedRoomManager
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.services import REDIS_URL
from tests.services import unavailable
from tests.store.conftest import redis_cluster_nodes

__all__ = ["redis_cluster_nodes"]

Nodes = list[tuple[str, int]]


def redis_or_skip() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)


def until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Recording:
    """Records the emits the real manager delivers from other workers."""

    host_id: str
    delivered: list[tuple[str, Any]]

    def _handle_emit(self, message: dict[str, Any]) -> None:
        if message.get("host_id") != self.host_id:
            self.delivered.append((message["room"], message["data"][0]))
        super()._handle_emit(message)  # type: ignore[misc]


class OnRedis(Recording, RoomRedisManager):
    """The single-Redis manager, recording."""


class OnCluster(Recording, ShardedRoomManager):
    """The cluster's manager, recording."""


@pytest.fixture(params=["redis", "cluster"])
def transport(request: pytest.FixtureRequest) -> Nodes | None:
    """Return the cluster's nodes (sharded pub/sub), or None for the single Redis."""
    redis_or_skip()
    if request.param == "redis":
        return None
    nodes: Nodes = request.getfixturevalue("redis_cluster_nodes")
    return nodes


def personal(room: str) -> bool:
    return room.startswith("p:")


def worker(nodes: Nodes | None, channel: str, resyncs: list[str] | None = None) -> Any:
    """Return a manager attached to a server, with its listener, writer and resyncer;
    rooms ``p:...`` go on the control channel."""
    resync = None if resyncs is None else resyncs.append
    manager: Any
    if nodes is None:
        manager = OnRedis(REDIS_URL, channel=channel, on_subscribed=resync, on_control=personal)
    else:
        manager = OnCluster(nodes, channel=channel, on_subscribed=resync, on_control=personal)
    manager.delivered = []
    socketio.Server(client_manager=manager, async_mode="threading")
    manager.initialize()
    return manager


def hear_control(here: Any, elsewhere: Any) -> None:
    """Broadcast from ``elsewhere`` until ``here``'s listener hears the control channel."""
    for _ in range(20):
        elsewhere.emit("notice", {"all": True})
        if until(lambda: here.delivered != [], timeout=0.5):
            return
    raise AssertionError("the control channel was never heard")


def numsub(manager: Any, channel: str) -> int:
    """Return how many connections subscribe to a room's channel, where it lives."""
    if isinstance(manager, ShardedRoomManager):
        node = manager._owner(channel)
        client = redis.Redis(host=node.host, port=node.port)
        return int(client.execute_command("PUBSUB", "SHARDNUMSUB", channel)[1])
    return int(redis.Redis.from_url(REDIS_URL).pubsub_numsub(channel)[0][1])


def test_a_worker_hears_a_room_only_while_it_has_a_member_in_it(transport: Nodes | None) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(transport, channel), worker(transport, channel)
    room_channel = here.room_channel("/", "ROOM1")
    first = here.connect("eio-1", "/")
    second = here.connect("eio-2", "/")
    here.enter_room(first, "/", "ROOM1")
    here.enter_room(second, "/", "ROOM1")
    assert until(lambda: numsub(here, room_channel) == 1)  # one subscription per worker
    assert here.subscriptions() == 1
    elsewhere.emit("tick", {"n": 1}, room="ROOM1")
    elsewhere.emit("tick", {"n": 2}, room="ROOM2")  # nobody here is in ROOM2
    assert until(lambda: here.delivered == [("ROOM1", {"n": 1})])
    here.leave_room(first, "/", "ROOM1")
    time.sleep(0.2)
    assert numsub(here, room_channel) == 1  # the second member is still here
    here.disconnect(second, "/", ignore_queue=True)
    assert until(lambda: numsub(here, room_channel) == 0)
    assert here.subscriptions() == 0
    elsewhere.emit("tick", {"n": 3}, room="ROOM1")
    here.emit("tick", {"n": 4}, room="ROOM3")  # published, for a room nobody is in
    assert until(lambda: here.published == 1)
    time.sleep(0.3)
    assert here.delivered == [("ROOM1", {"n": 1})]  # not heard once nobody is here
    assert elsewhere.heard == 0  # it has no member anywhere: it heard no room's emits


def test_broadcasts_reach_every_worker_and_a_local_connection_costs_no_publish(
    transport: Nodes | None,
) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(transport, channel), worker(transport, channel)
    sid = here.connect("eio-1", "/")
    hear_control(here, elsewhere)
    assert here.delivered and all(d == (None, {"all": True}) for d in here.delivered)
    here.emit("answer", {"to": "one"}, room=sid)  # a connection of this worker
    here.emit("tick", {"n": 1}, room="ROOM1")
    assert until(lambda: here.published == 1)  # only the room's emit went out
    time.sleep(0.2)
    assert here.published == 1 and elsewhere.delivered == []
    assert all(d == (None, {"all": True}) for d in here.delivered)  # nothing of its own


def test_an_emit_missed_while_subscribing_is_followed_by_a_resync_of_that_room(
    transport: Nodes | None,
) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    resyncs: list[str] = []
    here, elsewhere = worker(transport, channel, resyncs), worker(transport, channel)
    time.sleep(0.2)  # the listener is up and quiet: changes wait in its next _tend
    gate = threading.Event()
    tend = here._tend
    here._tend = lambda pubsub: (gate.wait(10), tend(pubsub))  # type: ignore[method-assign]
    sid = here.connect("eio-1", "/")
    here.enter_room(sid, "/", "ROOM1")
    elsewhere.emit("room", {"v": 1}, room="ROOM1")  # published before the subscription
    assert until(lambda: elsewhere.published == 1)
    time.sleep(0.2)
    assert resyncs == []  # nothing confirmed yet
    gate.set()
    assert until(lambda: resyncs == ["ROOM1"])  # resynced once the subscription held
    assert numsub(here, here.room_channel("/", "ROOM1")) == 1
    assert here.delivered == []  # the early emit itself was lost: the resync covers it
    elsewhere.emit("room", {"v": 2}, room="ROOM1")
    assert until(lambda: here.delivered == [("ROOM1", {"v": 2})])


def test_a_player_joining_through_a_slow_subscription_still_sees_who_joined_meanwhile(
    server_factory: Callable[..., Server], transport: Nodes | None
) -> None:
    prefix = f"crtest-{uuid.uuid4().hex[:8]}:"
    where = {"REDIS_URL": REDIS_URL} if transport is None else {"REDIS_CLUSTER_NODES": transport}
    first = server_factory(**where, REDIS_PREFIX=prefix)
    second = server_factory(**where, REDIS_PREFIX=prefix)
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


def kill_listeners(manager: Any, control_only: bool = False) -> int:
    """Close the server side of a manager's subscriber connections (only the control
    listener's, if asked); return how many."""
    if isinstance(manager, ShardedRoomManager):
        servers = [redis.Redis(host=n.host, port=n.port) for n in manager._cluster.get_primaries()]
    else:
        servers = [redis.Redis.from_url(REDIS_URL)]
    killed = 0
    for server in servers:
        for conn in server.client_list():
            classic, sharded = int(conn.get("sub") or 0), int(conn.get("ssub") or 0)
            if conn.get("name") != manager.client_name or not classic + sharded:
                continue
            if control_only and (sharded or not classic):
                continue
            server.client_kill_filter(_id=conn["id"])
            killed += 1
    return killed


def test_a_listener_that_loses_its_connection_subscribes_again_and_resyncs(
    transport: Nodes | None,
) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    resyncs: list[str] = []
    here, elsewhere = worker(transport, channel, resyncs), worker(transport, channel)
    sid = here.connect("eio-1", "/")
    here.enter_room(sid, "/", "ROOM1")
    assert until(lambda: resyncs == ["ROOM1"])
    assert kill_listeners(here) >= 1
    elsewhere.emit("room", {"v": 1}, room="ROOM1")  # may fall into the gap: resynced after
    assert until(lambda: resyncs == ["ROOM1", "ROOM1"], timeout=10)  # subscribed again
    elsewhere.emit("room", {"v": 2}, room="ROOM1")
    assert until(lambda: ("ROOM1", {"v": 2}) in here.delivered)


def test_a_room_entered_while_the_control_listener_reconnects_is_still_subscribed(
    transport: Nodes | None,
) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(transport, channel), worker(transport, channel)
    first = here.connect("eio-1", "/")
    here.enter_room(first, "/", "ROOM1")
    assert until(lambda: numsub(here, here.room_channel("/", "ROOM1")) == 1)
    assert kill_listeners(here, control_only=True) == 1
    time.sleep(0.3)  # the listener waits before it reconnects: enter meanwhile
    second = here.connect("eio-2", "/")
    here.enter_room(second, "/", "ROOM2")
    assert until(lambda: numsub(here, here.room_channel("/", "ROOM2")) == 1, timeout=10)
    elsewhere.emit("room", {"v": 1}, room="ROOM2")
    assert until(lambda: ("ROOM2", {"v": 1}) in here.delivered)


def free_rooms_on_one_primary(manager: Any, count: int) -> list[str]:
    """Return rooms whose channels share a primary and whose slots hold no keys."""
    owner, rooms = None, []
    for n in range(10_000):
        room = f"MOVE{n}"
        channel = manager.room_channel("/", room)
        node = manager._owner(channel)
        server = redis.Redis(host=node.host, port=node.port)
        if server.execute_command("CLUSTER", "COUNTKEYSINSLOT", key_slot(channel.encode())):
            continue
        owner = owner or node
        if node.name == owner.name:
            rooms.append(room)
        if len(rooms) == count:
            return rooms
    raise AssertionError("no such rooms")


def give_slot(nodes: Nodes, slot: int, to: tuple[str, int]) -> None:
    """Move an empty slot to another primary (every node is told, the new owner first)."""
    target = redis.Redis(host=to[0], port=to[1]).execute_command("CLUSTER", "MYID")
    for host, port in [to, *[n for n in nodes if n != to]]:
        redis.Redis(host=host, port=port).execute_command(
            "CLUSTER", "SETSLOT", slot, "NODE", target
        )


def test_a_slot_that_moves_is_published_to_and_heard_on_its_new_primary_once(
    redis_cluster_nodes: Nodes,
) -> None:
    redis_or_skip()
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    resyncs: list[str] = []
    nodes = redis_cluster_nodes
    here, elsewhere = worker(nodes, channel, resyncs), worker(nodes, channel)
    stay, move = free_rooms_on_one_primary(here, 2)
    for n, room in enumerate((stay, move)):
        here.enter_room(here.connect(f"eio-{n}", "/"), "/", room)
    assert until(lambda: sorted(resyncs) == sorted([stay, move]))
    elsewhere.emit("room", {"v": 0}, room=stay)  # the publisher learns the slot map as it is
    assert until(lambda: (stay, {"v": 0}) in here.delivered)
    moved_channel = here.room_channel("/", move)
    slot = key_slot(moved_channel.encode())
    old = here._owner(moved_channel)
    new = next(n for n in nodes if f"{n[0]}:{n[1]}" != old.name)
    give_slot(nodes, slot, new)
    try:
        # Redis tells the subscriber its slot moved: it subscribes on the new owner, resyncs.
        assert until(lambda: resyncs.count(move) == 2, timeout=10), resyncs
        assert numsub(here, moved_channel) == 1
        elsewhere.emit("room", {"v": 1}, room=stay)
        elsewhere.emit("room", {"v": 1}, room=move)  # MOVED on the stale map: sent again
        assert until(lambda: (move, {"v": 1}) in here.delivered)
        time.sleep(0.3)
        assert here.delivered.count((stay, {"v": 1})) == 1  # not sent twice by the retry
        assert here.delivered.count((move, {"v": 1})) == 1
        assert elsewhere.dropped == 0
    finally:
        give_slot(nodes, slot, (old.host, old.port))


def test_a_personal_room_is_heard_on_the_control_channel_with_no_subscription_gap(
    transport: Nodes | None,
) -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    here, elsewhere = worker(transport, channel), worker(transport, channel)
    hear_control(here, elsewhere)
    gate = threading.Event()  # no subscription can be made from now on
    tend = here._tend
    here._tend = lambda pubsub: (gate.wait(10), tend(pubsub))
    sid = here.connect("eio-1", "/")
    here.enter_room(sid, "/", "p:ada")
    elsewhere.emit("kicked", {"code": "ROOM1"}, room="p:ada")  # at once after the entry
    assert until(lambda: ("p:ada", {"code": "ROOM1"}) in here.delivered)
    gate.set()
    assert here.subscriptions() == 0
    assert numsub(here, here.room_channel("/", "p:ada")) == 0
