"""Fuzz every event with thousands of random and malformed payloads; the server keeps serving."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.course import Course
from race.core.course import ideal_keys
from race.limits import Budgets
from race.realtime import MAX_MESSAGE_BYTES
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import type_keys

EVENTS = [
    "sync", "set_name", "quick", "create", "practice", "join", "leave", "keys",
    "keep_waiting", "race_ghosts", "configure", "lock", "kick", "start", "rematch",
    "own_indent",
    "no_such_event",
]  # fmt: skip
GENEROUS = Budgets(
    events_per_connection="100000/second",
    events_per_ip="100000/second",
    joins_per_ip="100000/minute",
    rooms_per_ip="100000/minute",
    connects_per_ip="100000/minute",
)

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "\x00", "\u202e", "\ud7ff", "\ufeff", "<script>", "' OR 1=1 --", "🏎️" * 30]
    ),
    st.just("x" * 3000 + "\u00e9" * 300),
)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True), st.booleans()
)
JSON = st.recursive(
    st.none() | NUMBERS | ODD_TEXT,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(ODD_TEXT, inner, max_size=6),
    max_leaves=40,
)


def deep(depth: int) -> Any:
    """Return a list nested ``depth`` levels."""
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def shaped(draw: st.DrawFn, code: str) -> dict[str, Any]:
    """Payloads that look like real requests with one or more fields gone wrong."""
    base = {
        "code": draw(st.sampled_from([code, "A" * 16, code.lower(), ""]) | ODD_TEXT),
        "round": draw(st.integers(-5, 5) | NUMBERS),
        "seq": draw(st.integers(-3, 50) | NUMBERS),
        "keys": draw(
            st.lists(
                st.tuples(
                    st.integers(-(2**40), 2**40) | NUMBERS,
                    st.sampled_from(
                        ["a", "Enter", "Tab", "Backspace", "C-Backspace", "Shift", "ab"]
                    )
                    | ODD_TEXT,
                ).map(list),
                max_size=300,
            )
            | JSON
        ),
        "name": draw(ODD_TEXT | NUMBERS),
        "language": draw(st.sampled_from(["python", "go", "any", "cobol"]) | ODD_TEXT),
        "limit_s": draw(NUMBERS),
        "player_id": draw(st.sampled_from(["p" + "0" * 16]) | ODD_TEXT),
        "locked": draw(NUMBERS | st.none()),
        "custom": draw(JSON | st.fixed_dictionaries({"code": ODD_TEXT})),
        "role": draw(st.sampled_from(["racer", "spectator", "judge"]) | JSON),
        "c": draw(NUMBERS),
        "nested": deep(draw(st.sampled_from([0, 3, 150]))),
    }
    keep = draw(st.sets(st.sampled_from(sorted(base)), max_size=len(base)))
    return {k: v for k, v in base.items() if k in keep}


@pytest.fixture
def fuzz_server(server_factory: Callable[..., Server]) -> Server:
    """A server whose rate limits do not stop the fuzzer."""
    return server_factory(RATE_LIMITS=GENEROUS)


@pytest.fixture
def victim(fuzz_server: Server) -> Iterator[tuple[Client, str]]:
    """A fuzzing client already hosting a room (so room-shaped payloads hit real code)."""
    client = Client(fuzz_server.url, name="Fuzzer")
    code = client.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    yield client, code
    client.close()


@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_every_event_survives_garbage(
    victim: tuple[Client, str], fuzz_server: Server, data: st.DataObject
) -> None:
    client, code = victim
    event = data.draw(st.sampled_from(EVENTS))
    payload = data.draw(st.one_of(JSON, shaped(code)))
    # Messages over the transport cap close the connection instead (tested below).
    assume(len(json.dumps(payload)) < MAX_MESSAGE_BYTES - 2048)
    answer = client.call(event, payload, timeout=10)
    assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool)
    if not answer["ok"]:
        assert answer["code"] != "unavailable", (event, answer)  # no handler crashed
        assert isinstance(answer["message"], str) and answer["message"]
    if event in ("quick", "create", "practice", "join") and answer["ok"]:
        client.call("join", {"code": code})  # back to the fuzzed room, if it still takes us


def test_an_oversized_message_closes_only_that_connection(fuzz_server: Server) -> None:
    big, calm = Client(fuzz_server.url), Client(fuzz_server.url)
    try:
        with pytest.raises(socketio.exceptions.TimeoutError):
            big.call("set_name", {"name": "x" * (MAX_MESSAGE_BYTES + 10)}, timeout=3)
        deadline = time.monotonic() + 5
        while big.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not big.sio.connected
        assert calm.call("sync", {"c": 1.0})["ok"]
    finally:
        calm.close()
        big.close()


def test_a_normal_race_works_after_the_fuzzing(fuzz_server: Server) -> None:
    fuzzer = Client(fuzz_server.url)
    for event in EVENTS:
        for payload in ({"x": deep(200)}, "y" * 50_000, [[[]]], None, {"wpm": 250.0}):
            answer = fuzzer.call(event, payload)
            assert answer["ok"] is False and answer["code"] != "unavailable"
    fuzzer.close()
    a, b = Client(fuzz_server.url), Client(fuzz_server.url)
    try:
        code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
        b.ok("join", {"code": code})
        a.ok("start", {"code": code})
        room = a.wait("room", lambda r: r["phase"] == "countdown")
        keys = ideal_keys(Course(room["snippet"]["text"]))
        type_keys(a, keys, room["starts_at"])
        type_keys(b, keys, room["starts_at"])
        standings = a.wait("standings")["standings"]
        assert all(s["completed"] and not s["flagged"] for s in standings)
    finally:
        a.close()
        b.close()
        time.sleep(0.1)
