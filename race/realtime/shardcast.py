"""Room-scoped fan-out on a Redis Cluster: each room's channel is a shard channel.

Classic pub/sub on a cluster sends every message to every node, so each node would
carry the whole deployment's traffic. Sharded pub/sub (Redis 7: ``SPUBLISH``,
``SSUBSCRIBE``) keeps a channel's messages on the primary that owns its slot, so the
cluster's pub/sub load spreads over its primaries as its keys do.

``ShardedRoomManager`` keeps ``RoomRedisManager``'s rules (who subscribes to what, the
resync after each subscription, dropping its own messages undecoded) and changes the
transport. Room channels are shard channels: the writer sends each one's messages to
the primary that owns its slot (one pipeline per primary per batch), and one ``Shard``
per primary (a greenlet of its own) holds this worker's subscriptions there. The control
channel stays classic (any node hears it: the cluster relays it); its listener, the base
class's, also routes the subscription changes to the shards between its reads, so a
join never does network I/O. When a shard's connection fails, or Redis tells it that a
slot moved (an ``sunsubscribe`` it did not ask for), it gives its channels back to be
routed again on a fresh slot map, and reconnects with backoff.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

from redis.crc import key_slot

from race.logonce import ONCE
from race.realtime.fanout import close_quietly
from race.realtime.fanout import poll
from race.realtime.roomcast import HOST_ID_LEN
from race.realtime.roomcast import RoomRedisManager
from race.store.client import connect_cluster

log = logging.getLogger(__name__)

#: A shard's first wait before reconnecting (s); it doubles up to ``RETRY_MAX_S``.
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0


class Shard:
    """This worker's shard-channel subscriptions on one primary, and their listener."""

    def __init__(self, manager: ShardedRoomManager, host: str, port: int) -> None:
        self.manager = manager
        self.host, self.port = host, port
        self._lock = threading.Lock()
        #: Channels subscribed here (or to be), and changes not yet sent.
        self.channels: set[str] = set()
        self._changes: dict[str, bool] = {}
        self._leaving: set[str] = set()

    def change(self, channel: str, on: bool) -> None:
        """Record that this worker wants (or no longer wants) a channel of this primary."""
        with self._lock:
            if on:
                self.channels.add(channel)
            else:
                self.channels.discard(channel)
            self._changes[channel] = on

    def run(self) -> None:
        """Listen to this primary for ever: connect, subscribe, read; on a failure give
        the channels back to be routed again, and reconnect with backoff."""
        retry = RETRY_FIRST_S
        while True:
            pubsub = None
            try:
                client = self.manager.node_client(self.host, self.port)
                pubsub = client.pubsub()
                with self._lock:
                    self._changes = dict.fromkeys(self.channels, True)
                for message in poll(pubsub, self.manager.poll_s, self._tend):
                    retry = RETRY_FIRST_S
                    self._heard(message)
            except Exception as exc:
                where = f"{self.host}:{self.port}"
                ONCE.error(log, "shard", exc, "message queue: shard %s lost", where)
                close_quietly(pubsub)
                self._give_back()
                self.manager.server.sleep(retry)
                retry = min(retry * 2, RETRY_MAX_S)

    def _tend(self, pubsub: Any) -> None:
        with self._lock:
            changes, self._changes = self._changes, {}
        for channel, on in changes.items():  # one slot per command: one channel each
            if on:
                pubsub.ssubscribe(channel)
            else:
                self._leaving.add(channel)
                pubsub.sunsubscribe(channel)

    def _heard(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        channel = message.get("channel")
        name = channel.decode() if isinstance(channel, bytes) else str(channel)
        if kind == "smessage":
            self.manager.dispatch(message["data"])
        elif kind == "ssubscribe":
            self.manager.confirmed(name)
        elif kind == "sunsubscribe":
            if name in self._leaving:
                self._leaving.discard(name)
            elif name in self.channels:  # Redis moved its slot away from this primary
                with self._lock:
                    self.channels.discard(name)
                self.manager.reroute([name])

    def _give_back(self) -> None:
        with self._lock:
            lost, self.channels = list(self.channels), set()
            self._changes = {}
            self._leaving = set()
        self.manager.reroute(lost)


class ShardedRoomManager(RoomRedisManager):
    """A room-scoped message queue over a Redis Cluster's sharded pub/sub."""

    name = "coderace-shards"

    def __init__(self, nodes: Sequence[tuple[str, int]], **kwargs: Any) -> None:
        if not nodes:
            raise ValueError("a Redis Cluster needs at least one seed node")
        self._seeds = list(nodes)
        self._turn = 0
        host, port = nodes[0]
        super().__init__(f"redis://{host}:{port}", **kwargs)
        self._cluster: Any = None
        self._shards: dict[str, Shard] = {}
        self._stale = False

    # --- the cluster's map ------------------------------------------------------------

    def _cluster_client(self) -> Any:
        if self._cluster is None:
            self._cluster = connect_cluster(self._seeds)
        elif self._stale:
            self._stale = False
            self._cluster.nodes_manager.initialize()
        return self._cluster

    def node_client(self, host: str, port: int) -> Any:
        """Return a client of one primary, with the message queue's bounds."""
        module = self._get_redis_module()
        return module.Redis(host=host, port=port, **self.redis_options)

    def _owner(self, channel: str) -> Any:
        slot = key_slot(channel.encode())
        return self._cluster_client().nodes_manager.get_node_from_slot(slot)

    def reroute(self, channels: list[str]) -> None:
        """Route channels again on a fresh slot map (those still wanted)."""
        self._stale = True
        with self._lock:
            for channel in channels:
                if channel in self._wanted:
                    self._changes[channel] = True

    # --- the control listener routes the changes --------------------------------------

    def _redis_connect(self) -> None:
        host, port = self._seeds[self._turn % len(self._seeds)]  # a lost seed: the next
        self._turn += 1
        self.redis_url = f"redis://{host}:{port}"
        super()._redis_connect()

    def _channels_on_connect(self) -> list[str]:
        return []  # room channels live on the shards, which reconnect on their own

    def _tend(self, pubsub: Any) -> None:
        with self._lock:
            changes, self._changes = self._changes, {}
        try:
            for channel, on in changes.items():
                node = self._owner(channel)
                shard = self._shards.get(node.name)
                if shard is None:
                    shard = self._shards[node.name] = Shard(self, node.host, node.port)
                    self.server.start_background_task(shard.run)
                if not on:
                    for other in self._shards.values():
                        if channel in other.channels:
                            other.change(channel, False)
                    continue
                shard.change(channel, True)
        except Exception as exc:  # no slot map yet: route them on a later round
            with self._lock:
                self._changes = {**changes, **self._changes}
            ONCE.error(log, "route", exc, "message queue: routing subscriptions failed")

    # --- what the shards hear ---------------------------------------------------------

    def dispatch(self, data: bytes) -> None:
        """Handle one message heard on a shard channel (an emit or a room's close)."""
        if data[:HOST_ID_LEN] == self._host:
            self.own += 1
            return
        try:
            message = json.loads(data[HOST_ID_LEN:])
            self.heard += 1
            if message.get("method") == "emit":
                self._handle_emit(message)
            elif message.get("method") == "close_room":
                self._handle_close_room(message)
        except Exception as exc:
            ONCE.error(log, "shard-message", exc, "message queue: a shard message failed")

    def confirmed(self, channel: str) -> None:
        """A shard subscription took effect: resync its room."""
        self._confirmed(channel)

    # --- the writer -------------------------------------------------------------------

    def _send(self, batch: list[tuple[str, str]]) -> None:
        """Publish in order per channel: control messages anywhere (classic), each room's
        on the primary owning its slot, one pipeline per primary; retry a primary's part
        once on a fresh slot map."""
        rooms = [item for item in batch if item[0] != self.channel]
        control = [item for item in batch if item[0] == self.channel]
        if control:
            self._send_part(control, "publish")
        by_node: dict[str, list[tuple[str, str]]] = {}
        try:
            for item in rooms:
                by_node.setdefault(self._owner(item[0]).name, []).append(item)
        except Exception as exc:
            self._lost(rooms, exc)
            return
        for items in by_node.values():
            self._send_part(items, "spublish")

    def _send_part(self, items: list[tuple[str, str]], verb: str) -> None:
        """Send messages that share a primary (the owner of the first one's channel)."""
        for attempt in (1, 2):
            try:
                node = self._owner(items[0][0])
                client = self._cluster_client().get_redis_connection(node)
                pipe = client.pipeline(transaction=False)
                for channel, payload in items:
                    getattr(pipe, verb)(channel, payload)
                pipe.execute()
            except Exception as exc:
                if self._on_error is not None:
                    self._on_error()
                self._stale = True
                if attempt == 2:
                    self._lost(items, exc)
                continue
            self.flushes += 1
            self.published += len(items)
            return

    def _lost(self, items: list[tuple[str, str]], exc: Exception) -> None:
        log.error(
            "message queue: %d message(s) not published: %s: %s",
            len(items), type(exc).__name__, exc,
        )  # fmt: skip
        self.dropped += len(items)
