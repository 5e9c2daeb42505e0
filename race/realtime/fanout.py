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

Every call is bounded in time (``REDIS_OPTIONS`` in ``race.realtime``: connect and reply
timeouts). The listener cannot block on a read with a timeout, as an idle channel is
silent; it polls instead, pings Redis when it has heard nothing for ``PING_EVERY_S``, and
reconnects (with python-socketio's backoff) after ``SILENCE_S`` without a word, so a
Redis that stopped answering is left and a returning one is subscribed to again.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import socketio

log = logging.getLogger(__name__)

#: Messages waiting to be published at most; older ones are dropped past it.
MAX_WAITING = 20_000
#: Messages sent in one pipeline at most (a failure loses at most this many).
MAX_BATCH = 500
#: How long one read of the listener waits for a message before it checks on Redis.
LISTEN_POLL_S = 1.0
#: The listener pings Redis after this long without a message.
PING_EVERY_S = 3.0
#: Heard nothing, not even a pong, for this long: Redis stopped answering; reconnect.
SILENCE_S = 10.0


class Silent(ConnectionError):
    """Redis said nothing to the listener for ``SILENCE_S``."""


def poll(pubsub: Any, poll_s: float, tend: Callable[[Any], None]) -> Iterator[dict[str, Any]]:
    """Yield what a subscription receives (pongs aside), calling ``tend`` between reads;
    ping a quiet connection and raise ``Silent`` once it has said nothing for too long."""
    heard = pinged = time.monotonic()
    while True:
        tend(pubsub)
        message = pubsub.get_message(timeout=poll_s)
        now = time.monotonic()
        if message is not None:
            heard = now
            if message["type"] != "pong":
                yield message
        elif now - heard > SILENCE_S:
            raise Silent(f"no word from Redis for {SILENCE_S:g} s")
        elif now - heard > PING_EVERY_S and now - pinged > PING_EVERY_S:
            pubsub.ping("coderace-listener")
            pinged = now


def close_quietly(pubsub: Any) -> None:
    """Close a subscription that may already be broken."""
    if pubsub is None:
        return
    try:
        pubsub.close()
    except Exception:  # already broken: nothing to release
        log.debug("message queue: closing an old subscription failed", exc_info=True)


class QueuedRedisManager(socketio.RedisManager):  # type: ignore[misc]  # untyped base
    """A Redis message queue whose publishes never block the emitting greenlet."""

    name = "coderace-redis"

    def __init__(self, *args: Any, on_error: Callable[[], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        #: (channel, encoded message) pairs, in emit order.
        self._waiting: deque[tuple[str, str]] = deque()
        self._wake: Any = None
        self._on_error = on_error
        self._client: Any = None
        #: Pipelines sent and messages published (read by the tests).
        self.flushes = 0
        self.published = 0
        self.dropped = 0
        #: Times the listener gave up on a Redis that stopped answering.
        self.silences = 0

    def initialize(self) -> None:
        """Start the listener (the base class) and the writer task."""
        super().initialize()
        self._wake = self.server.eio.create_event()
        self.server.start_background_task(self._writer)

    def _redis_listen_with_retries(self) -> Iterator[dict[str, Any]]:
        """Yield what the channel receives; reconnect on errors and on silence."""
        retry_sleep = 1.0
        while True:
            pubsub = None
            try:
                self._redis_connect()
                pubsub = self.pubsub
                pubsub.subscribe(self.channel)
                retry_sleep = 1.0
                yield from self._poll(pubsub)
            except Exception as exc:
                log.error("message queue: listener lost Redis (%s); again in %gs", exc, retry_sleep)
                close_quietly(pubsub)
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, 60.0)

    #: How long one read of the listener waits for a message (s).
    poll_s = LISTEN_POLL_S

    def _tend(self, pubsub: Any) -> None:
        """Run between two reads of the listener (nothing here; subclasses subscribe)."""

    def _poll(self, pubsub: Any) -> Iterator[dict[str, Any]]:
        try:
            # looked up at each read, so that a _tend replaced meanwhile is the one called
            yield from poll(pubsub, self.poll_s, lambda p: self._tend(p))  # noqa: PLW0108
        except Silent:
            self.silences += 1
            raise

    def _publish(self, data: dict[str, Any]) -> None:
        self._queue(self.channel, self.json.dumps(data))

    def _queue(self, channel: str, payload: str) -> None:
        """Hand one encoded message to the writer (or publish it now if there is none)."""
        if self._wake is None:  # not attached to a server: publish in line
            self._send([(channel, payload)])
            return
        if len(self._waiting) >= MAX_WAITING:
            self._waiting.popleft()
            self.dropped += 1
        self._waiting.append((channel, payload))
        self._wake.set()

    def _writer(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while self._waiting:
                size = min(len(self._waiting), MAX_BATCH)
                batch = [self._waiting.popleft() for _ in range(size)]
                try:
                    self._send(batch)
                except Exception:  # never let the writer die
                    log.exception("message queue writer failed")

    def _publisher(self) -> Any:
        """Return the writer's own client: never the listener's, whose replacement on a
        reconnect would close the connections of the other's pool under it."""
        if self._client is None:
            module = self._get_redis_module()
            self._client = module.Redis.from_url(self.redis_url, **self.redis_options)
        return self._client

    def _send(self, batch: list[tuple[str, str]]) -> None:
        """Publish messages in order, in one pipeline; retry once (on a new connection:
        the client drops a connection that failed)."""
        for attempt in (1, 2):
            try:
                pipe = self._publisher().pipeline(transaction=False)
                for channel, payload in batch:
                    pipe.publish(channel, payload)
                pipe.execute()
            except Exception as exc:
                if self._on_error is not None:
                    self._on_error()
                if attempt == 2:
                    self._lost(batch, exc)
                else:
                    log.warning("message queue: publish failed, reconnecting: %s", exc)
                continue
            self.flushes += 1
            self.published += len(batch)
            return

    def _lost(self, items: list[tuple[str, str]], exc: Exception) -> None:
        """Give messages up after their last try: logged and counted as dropped."""
        log.error(
            "message queue: %d message(s) not published: %s: %s",
            len(items), type(exc).__name__, exc,
        )  # fmt: skip
        self.dropped += len(items)
