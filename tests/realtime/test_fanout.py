"""The message queue's background publisher, on the real Redis."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import redis
import socketio

from race.realtime.fanout import QueuedRedisManager
from tests.services import REDIS_URL
from tests.services import unavailable


def attached(manager: QueuedRedisManager) -> socketio.Server:
    """Attach a manager to a server and start its tasks, as a first connection does."""
    server = socketio.Server(client_manager=manager, async_mode="threading")
    manager.initialize()
    return server


def listen(channel: str, count: int) -> tuple[list[Any], threading.Thread]:
    """Collect ``count`` messages published on ``channel`` (subscribed before return)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    pubsub = client.pubsub()
    pubsub.subscribe(channel)
    confirmed = pubsub.get_message(timeout=5)
    assert confirmed is not None and confirmed["type"] == "subscribe"
    got: list[Any] = []

    def run() -> None:
        deadline = time.monotonic() + 10
        while len(got) < count and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.5)
            if message is not None and message["type"] == "message":
                got.append(json.loads(message["data"])["data"][0])
        pubsub.close()
        client.close()

    thread = threading.Thread(target=run)
    thread.start()
    return got, thread


def test_emits_during_a_publish_go_out_together_and_in_order() -> None:
    channel = f"crtest-{uuid.uuid4().hex[:10]}:socketio"
    first_sent, release = threading.Event(), threading.Event()

    class Held(QueuedRedisManager):
        def _send(self, batch: list[tuple[str, str]]) -> None:
            if not release.is_set():
                first_sent.set()
                assert release.wait(10)
            super()._send(batch)

    manager = Held(REDIS_URL, channel=channel)
    got, listener = listen(channel, 50)
    server = attached(manager)
    server.emit("tick", 0, to="room-a")
    assert first_sent.wait(10)  # the writer is busy with the first message
    for n in range(1, 50):
        server.emit("tick", n, to="room-a")  # returns at once: queued, not sent
    release.set()
    listener.join(15)
    assert got == list(range(50))
    deadline = time.monotonic() + 5  # the writer counts a batch once its publish returned
    while manager.published < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (manager.flushes, manager.published) == (2, 50)


def test_a_lost_redis_drops_messages_with_an_error_and_never_blocks_the_emitter() -> None:
    errors: list[int] = []
    manager = QueuedRedisManager(
        "redis://127.0.0.1:1/0",  # nothing listens there
        channel="crtest-unreachable",
        redis_options={"socket_connect_timeout": 1},
        on_error=lambda: errors.append(1),
    )
    server = socketio.Server(client_manager=manager, async_mode="threading")
    manager._wake = threading.Event()  # attached, but only the writer (no listener)
    server.start_background_task(manager._writer)
    for n in range(5):
        server.emit("tick", n, to="room-a")
    deadline = time.monotonic() + 10
    while manager.dropped < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert manager.dropped == 5
    assert manager.published == 0
    assert errors  # counted as Redis errors for /metrics
