"""Tracebacks once per cause per interval, the held-back ones counted on the next line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from race.logonce import INTERVAL_S
from race.logonce import ONCE
from race.logonce import LogOnce
from race.realtime import services
from race.realtime.handlers import answer
from tests.realtime.test_deadline_retry import World

log = logging.getLogger("tests.logonce")


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    ONCE.reset()
    yield
    ONCE.reset()


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_one_traceback_per_cause_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tests.logonce")
    now = [0.0]
    once = LogOnce(clock=lambda: now[0])
    for i in range(3):
        once.error(log, "keys", redis.ConnectionError("down"), "keys failed %d", i)
    once.error(log, "keys", TimeoutError("slow"), "keys failed %d", 9)  # another cause
    once.error(log, "join", redis.ConnectionError("down"), "join failed")  # another site
    assert [r.getMessage() for r in errors(caplog)] == [
        "keys failed 0", "keys failed 9", "join failed"
    ]  # fmt: skip
    assert all(r.exc_info is not None for r in errors(caplog))
    held = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert [r.getMessage() for r in held] == ["keys failed 1", "keys failed 2"]
    assert all(r.exc_info is None for r in held)
    caplog.clear()
    now[0] += INTERVAL_S
    once.error(log, "keys", redis.ConnectionError("down"), "keys failed %d", 3)
    [line] = errors(caplog)
    assert line.getMessage() == "keys failed 3 (and 2 more like it in the last 60 s)"
    assert line.exc_info is not None


def test_an_event_failing_through_an_outage_logs_one_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    svc = services(app)
    sent: list[object] = []

    def call() -> None:
        raise redis.ConnectionError("Connection refused")

    for _ in range(10):
        reply = answer("keys", "sid-1", svc, call, sent.append)
        assert reply["code"] == "unavailable"
    assert len(sent) == 10  # every client is still told
    [line] = errors(caplog)
    assert line.getMessage().startswith("keys failed: ConnectionError") and line.exc_info


def test_deadlines_failing_through_an_outage_log_one_traceback(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger="race.realtime.heartbeat")
    world = World()
    rooms = [world.racing_room() for _ in range(5)]
    world.now = max(r.ends_at or 0 for r in rooms) + 1

    def down(*_: object, **__: object) -> None:
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(world.store, "seal_round", down)
    for _ in range(3):
        world.heartbeat.beat()
        world.now += 6_000  # past the claim's hold: claimed and failing again
    [line] = errors(caplog)
    assert "waits for the store" in line.getMessage() and line.exc_info
    held = [r for r in caplog.records if "waits for the store" in r.getMessage()]
    assert len(held) >= 3  # the others were held back (at DEBUG), not lost
