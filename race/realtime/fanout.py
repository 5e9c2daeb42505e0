"""Fan-out between workers: python-socketio's Redis message queue, published in the background.

``socketio.RedisManager`` delivers an emit to this worker's own clients at once and then
publishes it for the other workers with a blocking round trip to Redis. The heartbeat
emits one tick per racing room, one after another, so under load every tick waited
for a publish whose reply queued behind all the worker's other ready greenlets:
measured tick lag p99 of 290-440 ms at 300 racers on one worker (bench/load.py).

``QueuedRedisManager`` hands the message to a writer task instead and returns. The
writer sends everything queued as one pipeline of PUBLISH commands, in emit order, so
ticks of many rooms cost one round trip. Failures are handled as python-socketio does:
reconnect and try once more, then log and drop (the queue is bounded, so a long Redis
outage cannot exhaust memory; players on other workers resync from the next room view).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import socketio

log = logging.getLogger(__name__)

#: Messages waiting to be published at most; older ones are dropped past it.
MAX_WAITING = 20_000


class QueuedRedisManager(socketio.RedisManager):  # type: ignore[misc]  # untyped base
    """A Redis message queue whose publishes never block the emitting greenlet."""

    name = "coderace-redis"
    connected: bool  # set by the base class

    def __init__(self, *args: Any, on_error: Callable[[], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._waiting: deque[dict[str, Any]] = deque()
        self._wake: Any = None
        self._on_error = on_error
        #: Pipelines sent and messages published (read by the tests).
        self.flushes = 0
        self.published = 0
        self.dropped = 0

    def initialize(self) -> None:
        """Start the listener (the base class) and the writer task."""
        super().initialize()
        self._wake = self.server.eio.create_event()
        self.server.start_background_task(self._writer)

    def _publish(self, data: dict[str, Any]) -> None:
        if self._wake is None:  # not attached to a server: publish in line
            self._send([data])
            return
        if len(self._waiting) >= MAX_WAITING:
            self._waiting.popleft()
            self.dropped += 1
        self._waiting.append(data)
        self._wake.set()

    def _writer(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._waiting:
                batch = [self._waiting.popleft() for _ in range(len(self._waiting))]
                try:
                    self._send(batch)
                except Exception:  # never let the writer die
                    log.exception("message queue writer failed")

    def _send(self, batch: list[dict[str, Any]]) -> None:
        """Publish messages in order, in one pipeline; reconnect and retry once."""
        for attempt in (1, 2):
            try:
                if not self.connected:
                    self._redis_connect()
                pipe = self.redis.pipeline(transaction=False)
                for message in batch:
                    pipe.publish(self.channel, self.json.dumps(message))
                pipe.execute()
            except Exception as exc:
                self.connected = False
                if self._on_error is not None:
                    self._on_error()
                if attempt == 2:
                    log.error(
                        "message queue: %d message(s) not published: %s: %s",
                        len(batch), type(exc).__name__, exc,
                    )  # fmt: skip
                    self.dropped += len(batch)
                else:
                    log.warning("message queue: publish failed, reconnecting: %s", exc)
                continue
            self.flushes += 1
            self.published += len(batch)
            return
