"""Presence: which bucket a room counts in, and the sums the landing shows."""

from __future__ import annotations

from dataclasses import replace

from race.core import members
from race.core import phases
from race.core.presence import entry
from race.core.presence import tally
from race.core.room import new_room
from tests.core.rooms import SNIPPET
from tests.core.rooms import private
from tests.core.rooms import quick


def test_a_quick_lobby_counts_its_connected_racers_as_waiting_under_its_key() -> None:
    room = quick()
    assert entry(room) is None
    room = members.join(room, "p1", "Ann", "racer", 1_000)
    assert entry(room) == "waiting|python|1"
    room = members.join(room, "p2", "Ben", "racer", 1_100)
    assert room.phase == "countdown" and entry(room) == "waiting|python|2"
    away = members.disconnect(room, "p2")
    assert entry(away) == "waiting|python|1"
    watcher = members.join(room, "s1", "Sue", "spectator", 1_200)
    assert entry(watcher) == "waiting|python|2"
    mixed = new_room("M" * 16, "quick", SNIPPET, 1_000, race_id="m" * 22, lobby="any")
    assert entry(members.join(mixed, "p1", "Ann", "racer", 1_000)) == "waiting|any|1"


def test_a_race_counts_its_racers_still_typing_under_the_snippet_language() -> None:
    room = members.join(members.join(quick(), "p1", "A", "racer", 1_000), "p2", "B", "racer", 1)
    assert room.starts_at is not None
    racing = phases.begin_racing(room, room.starts_at)
    assert entry(racing) == "racing|python|2"
    one_done = phases.finish(racing, "p1", 5_000)
    assert entry(one_done) == "racing|python|1"
    assert entry(phases.finish(one_done, "p2", 6_000)) is None
    assert entry(phases.end(racing, (), room.starts_at + 10)) is None
    solo = members.join(private(), "p1", "A", "racer", 1_000)
    assert entry(solo) is None  # a private lobby waits for its host, not for strangers
    started = phases.begin_countdown(solo, 2_000, 5_000)
    assert entry(started) == "racing|python|1"
    assert entry(replace(started, seats=())) is None


def test_tally_sums_per_key_and_skips_what_it_cannot_read() -> None:
    counts = tally(
        [
            *("waiting|python|1", "waiting|python|2", "racing|go|3", "waiting|any|1"),
            *("bogus", "racing||2", "racing|go|x", "other|go|1", "racing|go|"),
        ]
    )
    assert counts.waiting == {"python": 3, "any": 1}
    assert counts.racing == {"go": 3}
    assert counts.to_dict() == {
        "waiting": {"any": 1, "python": 3},
        "racing": {"go": 3},
        "total": {"waiting": 4, "racing": 3},
    }
    empty = {"waiting": {}, "racing": {}, "total": {"waiting": 0, "racing": 0}}
    assert tally([]).to_dict() == empty
