"""A full worker refuses newcomers with a clear "busy" before admitted players suffer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import socketio

from tests.realtime.harness import Client
from tests.realtime.harness import Server


def test_joins_past_capacity_are_refused_as_busy(
    server: Server, connect: Callable[..., Client]
) -> None:
    server.app.extensions["coderace"].capacity = 4  # hard cap on connections: 5
    a, b = connect(), connect()
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    connect(), connect()
    c = connect()  # the fifth connection: over capacity, so no new seat
    refused = c.call("join", {"code": code})
    assert refused["ok"] is False and refused["code"] == "busy"
    assert "server busy" in refused["message"]
    assert c.call("quick", {"language": "go"})["code"] == "busy"
    # Admitted players carry on: resuming an existing seat is not a new admission.
    assert b.ok("join", {"code": code})["you"]["id"] == b.id
    refusals: list[object] = []
    raw = socketio.Client(reconnection=False)
    raw.on("connect_error", refusals.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        raw.connect(server.url, transports=["websocket"], wait_timeout=5)
    assert refusals == [{"message": "server busy: try again in a minute", "data": {"code": "busy"}}]
    metrics = server.app.extensions["coderace"].metrics
    assert metrics.refused_busy._value.get() >= 3
