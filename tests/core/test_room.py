"""Room moves that decide who a race starts with (pure: no store, no clock)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import room as rooms
from race.core.room import MAX_RACERS
from race.core.room import Refused
from race.core.room import Room
from race.core.snippet import custom_snippet
from race.core.snippet import make_snippet

SNIPPET = make_snippet(
    id="abc", title="T", language="python", difficulty="easy", indent="spaces:4", code="a\nb\nc"
)


def quick(now: int = 1_000) -> Room:
    return rooms.new_room("Q" * 16, "quick", SNIPPET, now, race_id="q" * 22, lobby="python")


def test_a_quick_countdown_waits_for_a_second_racer_who_is_there() -> None:
    room = rooms.join(quick(), "a", "Ann", "racer", 1_000)
    assert rooms.is_lonely(room)
    room = rooms.disconnect(room, "a")  # Ann went back to the home page
    assert not rooms.is_lonely(room)
    room = rooms.join(room, "b", "Ben", "racer", 2_000)
    assert room.phase == "lobby", "a race against a seat kept for someone gone"
    assert rooms.is_lonely(room) and room.present_racers[0].player_id == "b"
    room = rooms.join(room, "a", "Ann", "racer", 3_000)  # Ann came back within her grace
    assert room.phase == "countdown"
    assert room.starts_at == 3_000 + room.timing.quick_countdown_ms


def test_two_racers_who_are_there_start_a_quick_countdown_at_once() -> None:
    room = rooms.join(quick(), "a", "Ann", "racer", 1_000)
    room = rooms.join(room, "b", "Ben", "racer", 1_500)
    assert room.phase == "countdown" and not rooms.is_lonely(room)


def test_a_late_racer_hears_the_race_started_even_when_seats_are_kept() -> None:
    room = rooms.new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22)
    for i in range(MAX_RACERS["private"]):
        room = rooms.join(room, f"p{i}", f"P{i}", "racer", 1_000)
    with pytest.raises(Refused) as full:
        rooms.join(room, "late", "Late", "racer", 1_100)
    assert full.value.code == "room_full"  # the lobby is full: no race to watch yet
    room = hosting.start(room, "p0", 2_000)
    for i in range(4):
        room = rooms.disconnect(room, f"p{i}")
    assert room.starts_at is not None
    with pytest.raises(Refused) as started:
        rooms.join(room, "late", "Late", "racer", room.starts_at + 10)
    assert started.value.code == "race_started"  # it can be watched


def test_a_finish_after_the_race_ended_changes_nothing() -> None:
    room = rooms.new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22)
    room = rooms.join(room, "h", "Host", "racer", 1_000)
    room = rooms.join(room, "g", "Guest", "racer", 1_000)
    room = rooms.begin_racing(hosting.start(room, "h", 2_000), 10**6)
    assert room.phase == "racing" and room.starts_at is not None
    cut = hosting.cut_short(room, "h", room.starts_at + 5_000)
    # A batch taken against an older view of the room finishes after the cut: not counted.
    assert rooms.finish(cut, "g", 6_000) == cut
    assert (
        rooms.finish(rooms.end(cut, (), cut.starts_at + 5_001), "g", 4_000).racers[1].finish_ms
        is None
    )
    assert rooms.finish(cut, "g", 4_000).racers[1].finish_ms == 4_000
    with pytest.raises(Refused) as guest:
        hosting.cut_short(room, "g", room.starts_at + 1)
    assert guest.value.code == "not_host"


def test_an_abandoned_round_is_finished_without_standings_until_a_rematch() -> None:
    room = rooms.new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22)
    room = rooms.join(room, "h", "Host", "racer", 1_000)
    assert rooms.abandon(room, 1_500) is room  # nothing running: unchanged
    room = hosting.start(room, "h", 2_000)
    gone = rooms.abandon(room, 3_000)
    assert (gone.phase, gone.finished_at, gone.standings, gone.abandoned) == (
        "finished", 3_000, (), True
    )  # fmt: skip
    assert rooms.abandon(gone, 4_000) is gone
    again = hosting.rematch(gone, "h", 5_000, "q" * 22)
    assert again.phase == "lobby" and not again.abandoned and again.round == 2


def test_results_are_listed_publicly_as_the_room_kind_and_host_say() -> None:
    pasted = custom_snippet("x = 1")
    assert quick().public_results
    assert rooms.new_room("R" * 16, "practice", SNIPPET, 1, race_id="r" * 22).public_results
    assert not rooms.new_room("R" * 16, "practice", pasted, 1, race_id="r" * 22).public_results
    room = rooms.new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22)
    assert not room.public_results  # a private room's results are not listed unless asked
    room = rooms.join(room, "h", "Host", "racer", 1_000)
    room = rooms.join(room, "g", "Guest", "racer", 1_000)
    with pytest.raises(Refused) as refused:
        hosting.configure(room, "g", public_results=True)
    assert refused.value.code == "not_host"
    room = hosting.configure(room, "h", public_results=True)
    assert room.public_results and hosting.configure(room, "h", limit_ms=60_000).public_results
    started = hosting.start(room, "h", 2_000)
    with pytest.raises(Refused) as racing:  # fixed for a round once it starts
        hosting.configure(started, "h", public_results=False)
    assert racing.value.code == "bad_phase"
    with pytest.raises(Refused):
        hosting.configure(quick(), "h", public_results=False)  # quick races are always listed


def test_a_kick_bans_the_player_and_the_browser_they_joined_from() -> None:
    room = rooms.new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22)
    room = rooms.join(room, "host", "Host", "racer", 1_000, browser="b-host")
    room = rooms.join(room, "cy", "Cy", "racer", 1_001, browser="b-cy")
    room = rooms.join(room, "dee", "Dee", "racer", 1_002)  # a client without a browser id
    room = hosting.kick(room, "host", "cy", 1_003)
    room = hosting.kick(room, "host", "dee", 1_004)
    assert room.banned == ("cy", "dee") and room.banned_browsers == ("b-cy",)
    for player, browser in [("cy", "b-other"), ("cy", ""), ("new-guest", "b-cy"), ("dee", "")]:
        with pytest.raises(Refused) as refused:
            rooms.join(room, player, "Again", "spectator", 1_005, browser=browser)
        assert refused.value.code == "kicked"
    joined = rooms.join(room, "eve", "Eve", "racer", 1_006, browser="b-eve")
    assert joined.seat("eve") is not None and joined.seat("eve").browser == "b-eve"  # type: ignore[union-attr]
    # A player without a browser id is never refused for someone else's kick.
    assert rooms.join(room, "fay", "Fay", "racer", 1_007).seat("fay") is not None
