"""One primary's shard channels for a worker: subscribed, read and given back.

A ``Shard`` is the listener of one primary of a Redis Cluster, in a greenlet of its own
(``race.realtime.shardcast`` routes channels to it). It holds a connection only while it
has channels; it gives every channel back to be routed again when its connection fails
or when Redis says a slot moved away (an ``sunsubscribe`` it did not ask for).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING
from typing import Any

from race.logonce import ONCE
from race.realtime.fanout import close_quietly
from race.realtime.fanout import poll

if TYPE_CHECKING:
    from race.realtime.shardcast import ShardedRoomManager

log = logging.getLogger(__name__)

#: A shard's first wait before reconnecting (s); it doubles up to ``RETRY_MAX_S``.
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 30.0


class Idle(Exception):
    """A shard holds no channel any more: its connection is closed until it gets one."""


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
            if not self._busy():  # nothing to hear here: no connection held
                self.manager.server.sleep(self.manager.poll_s)
                continue
            pubsub = None
            try:
                client = self.manager.node_client(self.host, self.port)
                pubsub = client.pubsub()
                with self._lock:
                    self._changes = {**self._changes, **dict.fromkeys(self.channels, True)}
                for message in poll(pubsub, self.manager.poll_s, self._tend):
                    retry = RETRY_FIRST_S
                    self._heard(message)
            except Idle:
                close_quietly(pubsub)
            except Exception as exc:
                where = f"{self.host}:{self.port}"
                ONCE.error(log, "shard", exc, "message queue: shard %s lost", where)
                close_quietly(pubsub)
                self._give_back()
                self.manager.server.sleep(retry)
                retry = min(retry * 2, RETRY_MAX_S)

    def _busy(self) -> bool:
        with self._lock:
            return bool(self.channels or self._changes)

    def _tend(self, pubsub: Any) -> None:
        with self._lock:
            changes, self._changes = self._changes, {}
        for channel, on in changes.items():  # one slot per command: one channel each
            if on:
                pubsub.ssubscribe(channel)
            else:
                self._leaving.add(channel)
                pubsub.sunsubscribe(channel)
        if not self._busy() and not self._leaving:  # every unsubscription confirmed
            raise Idle

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
