"""Room-scoped fan-out: a room's emits go on a channel of that room, heard only by the
workers that have a member in it.

With one channel for everything (``QueuedRedisManager``) every worker decodes every
emit of every room in the deployment and drops those for rooms it has no member in, so
a worker's cost grows with the whole cluster's traffic. ``RoomRedisManager`` publishes
an emit for room ``R`` on ``<channel>:{R}`` and subscribes a worker to that channel
while, and only while, one of its own connections is in ``R``: subscribed when the
first local member enters, unsubscribed when the last one leaves (``basic_enter_room``
and ``basic_leave_room`` see every way in and out: join, leave, disconnect, close).

What is not for one room goes on the control channel ``<channel>``, which every worker
hears: broadcasts to everyone, emits to several rooms at once, and the messages for one
connection (``disconnect``, ``enter_room``, ``leave_room``, callbacks), and the rooms
``on_control`` names: rare one-shot events (a player's ``kicked``) that must not fall
into the gap before a subscription takes effect, as no resync could restore them. An emit to a
connection of this worker is delivered here and published nowhere; an emit to a single
connection of another worker is not delivered (nothing in CodeRace sends one: each
worker answers its own connections).

Subscribing takes a round trip, so an emit for a room published between a member's
entry and Redis confirming the subscription is not heard. The listener therefore calls
``on_subscribed(room)`` once each subscription is confirmed (also after a reconnect,
when every channel is subscribed again); the application sends the room's current view
to its local members then, so nothing is missed for good (``race.realtime.resync``).

Only the listener greenlet touches its connection: entries and exits record a change,
and the listener sends the changes between two reads, at most ``CHUNK`` channels per
command, within ``poll_s`` of the change. Every message starts with the 32 hex digits
of its sender's host id, so a worker drops its own messages, which it hears on the
rooms it is in, without decoding them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from race.logonce import ONCE
from race.realtime.fanout import QueuedRedisManager

log = logging.getLogger(__name__)

#: Longest wait between a room's first local member entering and its SUBSCRIBE (s).
SUBSCRIBE_POLL_S = 0.05
#: Channels named in one SUBSCRIBE or UNSUBSCRIBE command at most.
CHUNK = 500
#: Length of the sender's host id that starts every message.
HOST_ID_LEN = 32


class RoomRedisManager(QueuedRedisManager):
    """A Redis message queue with a channel per room, subscribed only where needed.

    Bounds: a worker holds one subscription per room with a local member (rooms
    are bounded by its seats, and each connection's player room), the changes waiting
    for the listener are at most one per such room, and the rooms waiting for a resync
    are a set of them.
    """

    name = "coderace-rooms"
    poll_s = SUBSCRIBE_POLL_S

    def __init__(
        self,
        *args: Any,
        on_subscribed: Callable[[str], None] | None = None,
        on_control: Callable[[str], bool] = lambda room: False,
        **kwargs: Any,
    ):
        # Its connections say whose they are (CLIENT LIST), for operators and tests: the
        # base class keeps this very dict, named once the host id is drawn.
        options: dict[str, Any] = {**(kwargs.pop("redis_options", None) or {})}
        options["client_name"] = "coderace-mq"
        super().__init__(*args, redis_options=options, **kwargs)
        options["client_name"] = self.client_name
        self._host = self.host_id.encode()
        self._on_subscribed = on_subscribed
        #: Rooms whose emits go on the control channel, heard by every worker without a
        #: subscription (rare one-shot events that no resync could restore).
        self._on_control = on_control
        self._lock = threading.Lock()
        self._members = threading.RLock()
        #: Channel → room, for every room with a local member.
        self._wanted: dict[str, str] = {}
        #: Channel → subscribe (True) or unsubscribe, since the listener last looked.
        self._changes: dict[str, bool] = {}
        self._resync: set[str] = set()
        self._resync_wake: Any = None
        #: Messages heard from other workers, and own messages dropped undecoded.
        self.heard = 0
        self.own = 0

    @property
    def client_name(self) -> str:
        """Return the name this worker's message-queue connections give Redis."""
        return f"coderace-mq-{self.host_id[:12]}"

    # --- which channel ----------------------------------------------------------------

    def room_channel(self, namespace: str | None, room: str) -> str:
        """Return the channel of one room (its name is a hash tag: one cluster slot)."""
        if namespace in (None, "/"):
            return f"{self.channel}:{{{room}}}"
        return f"{self.channel}:{namespace}:{{{room}}}"

    def subscriptions(self) -> int:
        """Return how many room channels this worker wants to hear."""
        return len(self._wanted)

    def _publish(self, data: dict[str, Any]) -> None:
        room = data.get("room")
        namespace = data.get("namespace") or "/"
        if data.get("method") in ("emit", "close_room") and isinstance(room, str):
            if self.is_sid_room(namespace, room):
                return  # one of this worker's connections: delivered already
            channel = self.channel if self._on_control(room) else self.room_channel(namespace, room)
        else:
            channel = self.channel
        self._queue(channel, self.host_id + self.json.dumps(data))

    # --- who is here ------------------------------------------------------------------

    def basic_enter_room(
        self, sid: str, namespace: str, room: Any, eio_sid: str | None = None
    ) -> None:
        """Enter a room; subscribe to it if this is its first member here."""
        with self._members:  # the check and the entry as one (threads: async_mode threading)
            first = (
                room is not None
                and room != sid
                and room not in self.rooms.get(namespace, {})
                and not self._on_control(room)
            )
            super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
            if first:
                self._want(self.room_channel(namespace, room), room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        """Leave a room; unsubscribe from it if that was its last member here."""
        with self._members:
            super().basic_leave_room(sid, namespace, room)
            if room is not None and room != sid and room not in self.rooms.get(namespace, {}):
                channel = self.room_channel(namespace, room)
                if channel in self._wanted:
                    self._want(channel, None)

    def _want(self, channel: str, room: str | None) -> None:
        with self._lock:
            if room is None:
                self._wanted.pop(channel, None)
            else:
                self._wanted[channel] = room
            self._changes[channel] = room is not None

    # --- the listener -----------------------------------------------------------------

    def initialize(self) -> None:
        """Start the listener, the writer and the resync task."""
        super().initialize()
        self._resync_wake = self.server.eio.create_event()
        self.server.start_background_task(self._resyncer)

    def _redis_connect(self) -> None:
        super()._redis_connect()
        self.pubsub = self.redis.pubsub()  # with confirmations: they start the resyncs
        with self._lock:  # a new connection subscribes to everything wanted; changes
            # recorded meanwhile stay (those for the shards on a cluster, above all)
            self._changes = {**self._changes, **dict.fromkeys(self._channels_on_connect(), True)}

    def _channels_on_connect(self) -> list[str]:
        """Return the room channels a new listener connection subscribes to (the base
        class subscribes to the control channel itself)."""
        return list(self._wanted)

    def _tend(self, pubsub: Any) -> None:
        with self._lock:
            changes, self._changes = self._changes, {}
        for wanted in (True, False):
            channels = [c for c, on in changes.items() if on is wanted]
            for start in range(0, len(channels), CHUNK):
                chunk = channels[start : start + CHUNK]
                if wanted:
                    pubsub.subscribe(*chunk)
                else:
                    pubsub.unsubscribe(*chunk)

    def _listen(self) -> Iterator[dict[str, Any]]:
        for message in self._redis_listen_with_retries():
            kind = message["type"]
            if kind == "message":
                decoded = self.decode(message["data"])
                if decoded is not None:
                    yield decoded
            elif kind == "subscribe":
                self.confirmed(message["channel"])

    def decode(self, data: bytes) -> dict[str, Any] | None:
        """Return a message another worker published, or None for one of this worker's
        own (dropped undecoded) or one that is not JSON."""
        if data[:HOST_ID_LEN] == self._host:
            self.own += 1
            return None
        try:
            decoded: dict[str, Any] = self.json.loads(data[HOST_ID_LEN:])
        except ValueError:
            log.warning("message queue: dropped a message that is not JSON")
            return None
        self.heard += 1
        return decoded

    def confirmed(self, channel: bytes | str) -> None:
        """A subscription took effect: resync its room (if this worker still wants it)."""
        name = channel.decode() if isinstance(channel, bytes) else channel
        room = self._wanted.get(name)
        if room is None or self._on_subscribed is None or self._resync_wake is None:
            return
        self._resync.add(room)
        self._resync_wake.set()

    def _resyncer(self) -> None:
        while True:
            self._resync_wake.wait()
            self._resync_wake.clear()
            while self._resync:
                room = self._resync.pop()
                try:
                    assert self._on_subscribed is not None
                    self._on_subscribed(room)
                except Exception as exc:  # the next tick or room view resyncs instead
                    ONCE.error(log, "resync", exc, "resync of room %s failed", room)
