"""Indentation through the keys path: habitual indentation absorbed, own indentation
scored as typed, the setting fixed for a round, the stored log naming the rules used."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from race.core import members
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keylog import parse_log
from race.core.keys import ENTER
from race.core.keys import Key
from race.core.review import review
from race.core.room import Refused
from race.core.room import Room
from race.core.rules import CURRENT_RULES
from race.core.rules import Rules
from race.core.snippet import custom_snippet
from race.store.base import wall_ms
from race.store.memory import MemoryStore
from tests.core.habits import habitual_keys
from tests.realtime.harness import Client
from tests.realtime.harness import human_gaps
from tests.realtime.harness import type_keys
from tests.realtime.test_ingest import HOST
from tests.realtime.test_ingest import Worker
from tests.realtime.test_ingest import batches

CODE = "def f(x):\n    if x:\n        return x\n    return 0\n"
SNIPPET = custom_snippet(CODE, "python", "spaces:4")


def stamp(keys: list[str]) -> list[Key]:
    return [(300 + i * 130, k) for i, k in enumerate(keys)]


def run(w: Worker, room: Room, keys: list[str]) -> list[dict[str, object]]:
    return [w.send(room, seq, chunk) for seq, chunk in enumerate(batches(stamp(keys)))]


def stored_log(w: Worker, room: Room) -> list[str]:
    record = json.loads(dict(w.store.outbox_pending())[room.race_id])
    return list(record["logs"][HOST.id])


def test_habitual_indentation_finishes_without_errors_and_the_log_replays_so() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    room = w.race(SNIPPET)
    keys = habitual_keys(Course(room.snippet.text, room.rules, "    "), "spaces")
    acks = run(w, room, keys)
    assert all(not a["error_run"] for a in acks) and acks[-1]["finished"]
    ended = w.store.get_room(room.code)
    assert ended is not None
    (standing,) = ended.standings
    assert standing.completed and standing.accuracy == 100.0
    log = parse_log(stored_log(w, room), "stored")
    assert log.rules == CURRENT_RULES
    assert review(log).figures.accuracy == 100.0  # what race verify says of it


def test_the_window_reaches_the_browser_in_acks() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    room = w.race(SNIPPET)
    ack = w.send(room, 0, tuple(stamp([*"def f(x):", ENTER, " "])))
    assert ack["absorb"] == 3 and ack["error_run"] == ""
    assert w.racing.you(w.store.get_room(room.code) or room, HOST.id)["absorb"] == 3


def test_own_indentation_is_typed_and_scored_as_typed() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    room = w.engine.create_private(HOST, SNIPPET, 600_000, own_indent=True)
    w.engine.start(room.code, HOST)
    started = w.store.get_room(room.code)
    assert started is not None and started.starts_at is not None
    clock[0] = started.starts_at
    w.heartbeat.beat()
    with pytest.raises(Refused) as locked:
        w.engine.update(room.code, lambda r: members.set_own_indent(r, HOST.id, False))
    assert locked.value.code == "indent_locked"
    racing = w.store.get_room(room.code)
    assert racing is not None
    acks = run(w, racing, [ENTER if c == "\n" else c for c in racing.snippet.text])
    assert all(not a["error_run"] for a in acks) and acks[-1]["finished"]
    log = parse_log(stored_log(w, racing), "stored")
    assert log.rules.skip_indent is False
    assert review(log).figures.accuracy == 100.0


def test_the_setting_changes_in_the_lobby() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    room = w.engine.create_private(HOST, SNIPPET, 600_000)
    w.engine.update(room.code, lambda r: members.set_own_indent(r, HOST.id, True))
    changed = w.store.get_room(room.code)
    assert changed is not None and changed.rules_for(HOST.id).skip_indent is False


def test_two_racers_over_sockets_one_habitual_one_typing_their_own(
    connect: Callable[..., Client],
) -> None:
    ada, bob = connect("Ada"), connect("Bob")
    code = ada.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    joined = bob.ok("join", {"code": code, "own_indent": True})["room"]
    assert [r["own_indent"] for r in joined["racers"]] == [False, True]
    bob.ok("own_indent", {"code": code, "own": False})
    bob.ok("own_indent", {"code": code, "own": True})  # changed back in the lobby
    ada.ok("start", {"code": code})
    room = ada.wait("room", lambda r: r["phase"] == "countdown")
    assert [r["own_indent"] for r in room["racers"]] == [False, True]
    locked = bob.call("own_indent", {"code": code, "own": False})
    assert locked["code"] == "indent_locked" and "next one" in locked["message"]
    text = room["snippet"]["text"]
    habit = habitual_keys(Course(text, Rules.from_mapping(room["rules"])), "tabs")
    own = [ENTER if c == "\n" else c for c in text]
    acks = {}
    for client, keys, seed in ((ada, habit, 1), (bob, own, 2)):
        gaps = human_gaps(len(keys), seed=seed)
        acks[client.id] = type_keys(client, keys, room["starts_at"], gaps)
    assert not any(a["error_run"] for a in acks[ada.id] + acks[bob.id])
    final = ada.wait("standings")
    assert {s["player_id"]: s["accuracy"] for s in final["standings"]} == {
        ada.id: 100.0,
        bob.id: 100.0,
    }
    details = final["details"]
    assert details[ada.id]["correct"] == len(ideal_keys(Course(text)))  # Tabs not counted
    assert details[bob.id]["correct"] == len(text)  # every blank typed and counted
