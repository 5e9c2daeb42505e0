"""Group commit on the real Redis: commands queued during a round trip share the next one."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
import redis

from race.store.client import connect
from race.store.coalesce import Coalescer


class HeldPipeline:
    """A real pipeline whose first ``execute`` waits until ``release`` is set."""

    def __init__(self, client: redis.Redis, entered: threading.Event, release: threading.Event):
        self.pipe = client.pipeline(transaction=False)
        self.entered = entered
        self.release = release

    def execute_command(self, *args: Any) -> None:
        self.pipe.execute_command(*args)

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        if not self.release.is_set():
            self.entered.set()
            assert self.release.wait(10)
        return self.pipe.execute(raise_on_error=raise_on_error)


def run_all(coalescer: Coalescer, commands: list[tuple[Any, ...]]) -> list[Any]:
    """Run each command from its own thread; return each one's reply or exception."""
    out: list[Any] = [None] * len(commands)

    def one(i: int) -> None:
        try:
            out[i] = coalescer.run(*commands[i])
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return out


@pytest.fixture
def key(redis_client: redis.Redis) -> Any:
    name = f"crtest-{uuid.uuid4().hex[:12]}:n"
    yield name
    redis_client.delete(name, name + ":s")


def test_commands_queued_during_a_round_trip_share_the_next(
    redis_client: redis.Redis, key: str
) -> None:
    entered, release = threading.Event(), threading.Event()
    coalescer = Coalescer(lambda: HeldPipeline(redis_client, entered, release))
    first: list[Any] = []
    leader = threading.Thread(target=lambda: first.append(coalescer.run("INCR", key)))
    leader.start()
    assert entered.wait(10)  # the first round trip is in flight, holding one command

    def queue_then_release() -> None:
        while len(coalescer._queue) < 9:
            threading.Event().wait(0.001)
        release.set()

    releaser = threading.Thread(target=queue_then_release)
    releaser.start()
    replies = run_all(coalescer, [("INCR", key)] * 9)
    leader.join(10)
    releaser.join(10)
    assert first == [1]
    assert sorted(replies) == list(range(2, 11))  # every caller got its own reply
    assert (coalescer.trips, coalescer.commands) == (2, 10)
    assert redis_client.get(key) == "10"


def test_one_failing_command_fails_only_its_caller(redis_client: redis.Redis, key: str) -> None:
    redis_client.set(key + ":s", "text")
    entered, release = threading.Event(), threading.Event()
    release.set()
    coalescer = Coalescer(lambda: HeldPipeline(redis_client, entered, release))
    replies = run_all(coalescer, [("INCR", key), ("INCR", key + ":s"), ("INCR", key)])
    assert isinstance(replies[1], redis.ResponseError)
    assert sorted(replies[0::2]) == [1, 2]


def test_a_dead_connection_fails_every_caller_and_leaves_it_usable(
    redis_client: redis.Redis, key: str
) -> None:
    dead = connect("redis://127.0.0.1:1/0")  # nothing listens there
    target = [dead]
    coalescer = Coalescer(lambda: target[0].pipeline(transaction=False))
    replies = run_all(coalescer, [("INCR", key)] * 4)
    assert all(isinstance(r, redis.ConnectionError) for r in replies)
    target[0] = redis_client  # the connection is back: the next command goes through
    assert coalescer.run("INCR", key) == 1


def test_commands_run_together_share_one_round_trip_even_behind_another(
    redis_client: redis.Redis, key: str
) -> None:
    entered, release = threading.Event(), threading.Event()
    coalescer = Coalescer(lambda: HeldPipeline(redis_client, entered, release))
    leader = threading.Thread(target=lambda: coalescer.run("INCR", key))
    leader.start()
    assert entered.wait(10)  # a round trip is in flight: the group waits behind it
    group: list[Any] = []
    caller = threading.Thread(
        target=lambda: group.extend(
            coalescer.run_many([("INCR", key), ("INCR", key + ":s"), ("GET", key), ("INCR", key)])
        )
    )
    redis_client.set(key + ":s", "text")
    caller.start()
    while len(coalescer._queue) < 4:
        threading.Event().wait(0.001)
    release.set()
    caller.join(10)
    leader.join(10)
    assert group[0] == 2 and group[2] == "2" and group[3] == 3  # in order, one pipeline
    assert isinstance(group[1], redis.ResponseError)  # returned, not raised
    assert (coalescer.trips, coalescer.commands) == (2, 5)
    assert coalescer.run_many([]) == [] and coalescer.trips == 2
