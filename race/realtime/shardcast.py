"""Room-scoped fan-out on a Redis Cluster: each room's channel is a shard channel.

Classic pub/sub on a cluster sends every message to every node, so each node would
carry the whole deployment's traffic. Sharded pub/sub (Redis 7: ``SPUBLISH``,
``SSUBSCRIBE``) keeps a channel's messages on the primary that owns its slot, so the
cluster's pub/sub load spreads over its primaries as its keys do.

``ShardedRoomManager`` keeps ``RoomRedisManager``'s rules (who subscribes to what, the
resync after each subscription, dropping its own messages undecoded) and changes the
transport. Room channels are shard channels: the writer sends each one's messages to
the primary that owns its slot (one pipeline per primary per batch; what failed, such as
a slot that moved, is sent once more on a fresh slot map, what went is not), and one
``Shard`` per primary (``race.realtime.shard``, a greenlet of its own) holds this
worker's subscriptions there. The control
channel stays classic (any node hears it: the cluster relays it); its listener, the base
class's, also routes the subscription changes to the shards between its reads, so a
join never does network I/O; when routing fails (no slot map yet) the changes wait and
are tried again after a backoff. When a shard's connection fails, or Redis tells it that
a slot moved (an ``sunsubscribe`` it did not ask for), it gives its channels back to be
routed again on a fresh slot map, and reconnects with backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from redis.crc import key_slot

from race.logonce import ONCE
from race.realtime.roomcast import RoomRedisManager
from race.realtime.shard import RETRY_FIRST_S
from race.realtime.shard import RETRY_MAX_S
from race.realtime.shard import Shard
from race.store.client import connect_cluster

log = logging.getLogger(__name__)


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
        self._cluster_lock = threading.Lock()
        #: One per primary this worker has subscribed on (bounded by the primaries seen).
        self._shards: dict[str, Shard] = {}
        self._stale = False
        #: Routing failed (no slot map): not tried again before this (monotonic s).
        self._route_after = 0.0
        self._route_wait = RETRY_FIRST_S

    # --- the cluster's map ------------------------------------------------------------

    def _cluster_client(self) -> Any:
        with self._cluster_lock:  # the writer and the listener both get here
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
        if time.monotonic() < self._route_after:
            return  # routing failed lately: the changes wait
        with self._lock:
            changes, self._changes = self._changes, {}
        try:
            for channel, on in changes.items():
                if not on:
                    for held in self._shards.values():
                        if channel in held.channels:
                            held.change(channel, False)
                    continue
                node = self._owner(channel)
                shard = self._shards.get(node.name)
                if shard is None:
                    shard = self._shards[node.name] = Shard(self, node.host, node.port)
                    self.server.start_background_task(shard.run)
                shard.change(channel, True)
            self._route_wait = RETRY_FIRST_S
        except Exception as exc:  # no slot map: route them again after a backoff
            with self._lock:
                self._changes = {**changes, **self._changes}
            self._route_after = time.monotonic() + self._route_wait
            self._route_wait = min(self._route_wait * 2, RETRY_MAX_S)
            if self._on_error is not None:
                self._on_error()
            ONCE.error(log, "route", exc, "message queue: routing subscriptions failed")

    # --- what the shards hear ---------------------------------------------------------

    def dispatch(self, data: bytes) -> None:
        """Handle one message heard on a shard channel (an emit or a room's close)."""
        message = self.decode(data)
        if message is None:
            return
        try:
            if message.get("method") == "emit":
                self._handle_emit(message)
            elif message.get("method") == "close_room":
                self._handle_close_room(message)
        except Exception as exc:
            ONCE.error(log, "shard-message", exc, "message queue: a shard message failed")

    # --- the writer -------------------------------------------------------------------

    def _send(self, batch: list[tuple[str, str]]) -> None:
        """Publish: control messages on the control channel's primary (classic: the
        cluster relays them), each room's on the primary owning its slot, one pipeline per
        primary, in order per channel. What failed (a moved slot, a lost primary) is tried
        once more on a fresh slot map; what succeeded is not sent again."""
        pending, error = batch, None
        for _ in (1, 2):
            failed: list[tuple[str, str]] = []
            try:
                groups = self._by_owner(pending)
            except Exception as exc:  # no slot map
                failed, error = pending, exc
            else:
                for node, items in groups:
                    bad, why = self._send_group(node, items)
                    failed += bad
                    error = why or error
            if not failed:
                return
            if self._on_error is not None:
                self._on_error()
            self._stale = True
            pending = failed
        self._lost(pending, error or RuntimeError("not published"))

    def _by_owner(self, items: list[tuple[str, str]]) -> list[tuple[Any, list[tuple[str, str]]]]:
        groups: dict[str, tuple[Any, list[tuple[str, str]]]] = {}
        for item in items:
            node = self._owner(item[0])
            groups.setdefault(node.name, (node, []))[1].append(item)
        return list(groups.values())

    def _send_group(
        self, node: Any, items: list[tuple[str, str]]
    ) -> tuple[list[tuple[str, str]], Exception | None]:
        """Send messages that share a primary; return those that failed, and why."""
        try:
            pipe = self._cluster_client().get_redis_connection(node).pipeline(transaction=False)
            for channel, payload in items:
                if channel == self.channel:
                    pipe.publish(channel, payload)
                else:
                    pipe.spublish(channel, payload)
            results = pipe.execute(raise_on_error=False)
        except Exception as exc:  # the connection failed: none is known to have gone
            return items, exc
        bad = [item for item, r in zip(items, results, strict=True) if isinstance(r, Exception)]
        errors = [r for r in results if isinstance(r, Exception)]
        self.flushes += 1
        self.published += len(items) - len(bad)
        return bad, (errors[0] if errors else None)
