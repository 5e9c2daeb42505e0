"""A quick race from lobby to standings, over real websockets."""

from __future__ import annotations

import threading
from collections.abc import Callable

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.record import RACE_ID
from race.sink import MemorySink
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import human_gaps
from tests.realtime.harness import type_keys


def keys_for(client: Client, answer: dict) -> list[str]:
    """Return the keys that type the room's snippet exactly."""
    snippet = answer["room"]["snippet"]
    indent = "\t" if snippet["indent"] == "tab" else " " * int(snippet["indent"].split(":")[1])
    return ideal_keys(Course(snippet["text"], indent_unit=indent))


def test_three_player_quick_race_to_standings(
    server: Server, connect: Callable[..., Client]
) -> None:
    a, b, c = connect("Ada"), connect("Bob"), connect("Cy")
    first = a.ok("quick", {"language": "python"})
    assert first["room"]["phase"] == "lobby" and first["room"]["kind"] == "quick"
    b.ok("quick", {"language": "python"})
    c.ok("quick", {"language": "python"})
    assert a.code == b.code == c.code
    room = a.wait("room", lambda r: len(r["racers"]) == 3)
    assert room["phase"] == "countdown" and room["starts_at"] > room["server_ms"]
    assert [r["name"] for r in room["racers"]] == ["Ada", "Bob", "Cy"]

    keys = keys_for(a, first)
    starts_at = room["starts_at"]
    threads = [
        threading.Thread(
            target=type_keys, args=(p, keys, starts_at, human_gaps(len(keys), mean, seed=i))
        )
        for i, (p, mean) in enumerate([(a, 100.0), (b, 130.0), (c, 170.0)])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    final = [p.wait("standings")["standings"] for p in (a, b, c)]
    assert final[0] == final[1] == final[2]
    standings = final[0]
    assert [s["place"] for s in standings] == [1, 2, 3]
    assert all(s["completed"] and not s["flagged"] for s in standings), standings
    assert all(s["accuracy"] == 100.0 for s in standings)
    assert standings[0]["player_id"] == a.id  # the fastest typist wins
    assert standings[0]["net_wpm"] > standings[1]["net_wpm"] > standings[2]["net_wpm"]

    ticks = b.all("tick")
    assert ticks, "progress is broadcast on room ticks"
    assert {p["id"] for p in ticks[-1]["players"]} == {a.id, b.id, c.id}

    sink: MemorySink = server.app.extensions["coderace"].sink
    ended = b.wait("room", lambda r: r["phase"] == "finished")
    assert RACE_ID.match(ended["race_id"]) and a.code not in ended["race_id"]
    # Every racer's finish time in the room view is the standings' duration, to the ms.
    finishes = {r["id"]: r["finish_ms"] for r in ended["racers"]}
    assert finishes == {s["player_id"]: s["duration_ms"] for s in standings}
    record = _wait_for_record(sink, ended["race_id"])
    assert [s["player_id"] for s in record["standings"]] == [s["player_id"] for s in standings]
    assert set(record["logs"]) == {a.id, b.id, c.id}


def _wait_for_record(sink: MemorySink, race_id: str, timeout: float = 5.0) -> dict:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if race_id in sink.records:
            return sink.records[race_id]
        time.sleep(0.05)
    raise AssertionError(f"{race_id} never reached the results sink")


def test_full_lobby_sends_newcomers_to_a_fresh_one(connect: Callable[..., Client]) -> None:
    players = [connect() for _ in range(6)]
    codes = [p.ok("quick", {"language": "go"})["room"]["code"] for p in players]
    assert len(set(codes[:5])) == 1
    assert codes[5] != codes[0]


def test_languages_get_separate_lobbies(connect: Callable[..., Client]) -> None:
    a, b = connect(), connect()
    assert (
        a.ok("quick", {"language": "go"})["room"]["code"]
        != b.ok("quick", {"language": "python"})["room"]["code"]
    )


def test_lone_racer_is_offered_a_choice(connect: Callable[..., Client]) -> None:
    a = connect()
    a.ok("quick", {"language": "go"})
    lonely = a.wait("lonely", timeout=5)
    assert lonely["code"] == a.code and lonely["waited_ms"] >= 1500
    a.ok("keep_waiting", {"code": a.code})
    a.events.clear()
    assert a.wait("lonely", timeout=5)["code"] == a.code
    practice = a.ok("practice", {"language": "go"})
    assert practice["room"]["kind"] == "practice" and practice["room"]["phase"] == "countdown"
