"""Bad input of every kind gets an error event with a code, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from race.core.snippet import MAX_CUSTOM_CHARS
from race.identity import Player
from race.identity.tokens import issue_token
from tests.realtime.harness import Client


def refused(client: Client, event: str, payload: Any, code: str) -> dict[str, Any]:
    """Send an event that must be refused with ``code``, as ack and as an error event."""
    client.events.clear()
    answer = client.call(event, payload) if payload is not ... else client.call(event)
    assert answer["ok"] is False and answer["code"] == code, (event, payload, answer)
    error = client.wait("error")
    assert error["code"] == code and error["message"] and error["event"] == event[:64]
    return dict(answer)


@pytest.fixture
def room(connect: Callable[..., Client]) -> tuple[Client, Client, str]:
    """A private room with a host and a second racer."""
    host, other = connect("Host"), connect("Other")
    code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    other.ok("join", {"code": code})
    return host, other, code


def view(client: Client, code: str) -> dict[str, Any]:
    """Return the room as the server has it now (re-joining is idempotent)."""
    answer = client.ok("join", {"code": code})["room"]
    answer.pop("server_ms")
    return dict(answer)


MALFORMED = [
    ("join", ...),
    ("join", "abc"),
    ("join", 42),
    ("join", ["code"]),
    ("join", None),
    ("join", {}),
    ("join", {"code": "A" * 16, "role": "referee"}),
    ("join", {"code": "A" * 16, "extra": 1}),
    ("join", {"code": 12}),
    ("create", {"limit_s": "60"}),
    ("create", {"language": "cobol"}),
    ("create", {"custom": {"code": 42}}),
    ("quick", {"language": {"nested": {"deeper": [1, [2, [3]]]}}}),
    ("set_name", {"name": 123}),
    ("sync", {"c": -5}),
    ("sync", {"c": "now"}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": 0, "keys": "abc"}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": 0, "keys": [[1, "ab"]]}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": 0, "keys": [[1.5, "a"]]}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": 0, "keys": [[2**40, "a"]]}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": -1, "keys": []}),
    ("keys", {"code": "A" * 16, "round": 1, "seq": 0, "keys": [[0, "a"]] * 300}),
    ("keys", {"code": "A" * 16, "round": 0, "seq": 0, "keys": []}),
    ("kick", {"code": "A" * 16, "player_id": "<script>"}),
    ("own_indent", {"code": "A" * 16, "own": "yes"}),
    ("own_indent", {"code": "A" * 16, "own": 1}),
    ("own_indent", {"code": "A" * 16}),
    ("join", {"code": "A" * 16, "own_indent": "true"}),
    ("practice", {"own_indent": None}),
]


@pytest.mark.parametrize(("event", "payload"), MALFORMED)
def test_malformed_payloads_are_refused(
    room: tuple[Client, Client, str], event: str, payload: Any
) -> None:
    host, _, code = room
    before = view(host, code)
    refused(host, event, payload, "bad_payload")
    assert view(host, code) == before


#: A value of the right type that is not acceptable gets the code of its field, whether
#: the schema or the logic refuses it: one code per kind of refusal.
FIELD_REFUSALS = [
    ("join", {"code": "short"}, "no_such_room"),
    ("join", {"code": "A" * 10_000}, "no_such_room"),
    ("join", {"code": "A" * 16}, "no_such_room"),
    ("keys", {"code": "bad code", "round": 1, "seq": 0, "keys": []}, "no_such_room"),
    ("create", {"limit_s": 5}, "bad_limit"),
    ("create", {"limit_s": 10**12}, "bad_limit"),
    ("set_name", {"name": "x" * 10_000}, "bad_name"),
    ("set_name", {"name": "<b>x</b>"}, "bad_name"),
    ("create", {"custom": {"code": ""}}, "bad_custom_code"),
    ("create", {"custom": {"code": "x" * (MAX_CUSTOM_CHARS + 1)}}, "bad_custom_code"),
    ("create", {"custom": {"code": "x" * 9000}}, "bad_custom_code"),
    ("create", {"custom": {"code": "ok = 1  # \u2713\nprint(ok)"}}, "bad_custom_code"),
]


@pytest.mark.parametrize(("event", "payload", "code"), FIELD_REFUSALS)
def test_unacceptable_values_get_their_field_s_code(
    room: tuple[Client, Client, str], event: str, payload: Any, code: str
) -> None:
    host, _, room_code = room
    before = view(host, room_code)
    answer = refused(host, event, payload, code)
    assert view(host, room_code) == before
    if code == "no_such_room":  # a malformed code is told what a wrong one is told
        wrong = refused(host, "join", {"code": "B" * 16}, code)
        assert answer["message"] == wrong["message"]


def test_a_host_setting_a_short_limit_gets_bad_limit(room: tuple[Client, Client, str]) -> None:
    host, _, code = room
    before = view(host, code)
    refused(host, "configure", {"code": code, "limit_s": 5}, "bad_limit")
    assert view(host, code) == before


def test_unknown_event(room: tuple[Client, Client, str]) -> None:
    host, _, code = room
    before = view(host, code)
    refused(host, "teleport", {"code": code}, "unknown_event")
    refused(host, "x" * 500, {}, "unknown_event")
    assert view(host, code) == before


def test_unknown_room_and_other_refusals(room: tuple[Client, Client, str]) -> None:
    host, other, code = room
    before = view(host, code)
    refused(other, "join", {"code": "B" * 16}, "no_such_room")
    refused(host, "kick", {"code": code, "player_id": "p" + "0" * 16}, "no_such_player")
    refused(host, "kick", {"code": code, "player_id": host.id}, "bad_target")
    refused(host, "configure", {"code": code, "snippet_id": "nope-nope"}, "no_such_snippet")
    refused(host, "create", {"custom": {"code": "   \n\t\n"}}, "bad_custom_code")
    refused(host, "rematch", {"code": code}, "bad_phase")
    refused(other, "own_indent", {"code": "B" * 16, "own": True}, "no_such_room")
    refused(host, "keys", {"code": code, "round": 1, "seq": 0, "keys": [[1, "d"]]}, "not_started")
    assert view(host, code) == before


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "a",
        "x" * 25,
        "bad\u202ename",
        "zero\u200bwidth",
        "\x00nul",
        "   ",
    ],
)
def test_hostile_names_are_refused(connect: Callable[..., Client], name: str) -> None:
    client = connect("Fine Name")
    refused(client, "set_name", {"name": name}, "bad_name")
    assert client.ok("set_name", {"name": "  Ada   Lovelace "})["name"] == "Ada Lovelace"


def test_hostile_name_on_connect_falls_back_to_a_guest_name(
    connect: Callable[..., Client],
) -> None:
    client = connect("<img src=x onerror=alert(1)>")
    assert "<" not in client.name and client.name.isalnum()


def test_forged_token_gets_a_fresh_identity(connect: Callable[..., Client]) -> None:
    victim = connect("Victim")
    forged = issue_token("not-the-server-secret", Player(victim.id, "Victim"))
    impostor = connect(token=forged)
    assert impostor.id != victim.id
    tampered = connect(token=victim.token[:-2] + "xx")
    assert tampered.id != victim.id
    assert connect(token=victim.token).id == victim.id
