"""Players coming and going decide who a race starts with (pure: no store, no clock)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core.room import MAX_RACERS
from race.core.room import Refused
from tests.core.rooms import private
from tests.core.rooms import quick


def test_a_quick_countdown_waits_for_a_second_racer_who_is_there() -> None:
    room = members.join(quick(), "a", "Ann", "racer", 1_000)
    assert members.is_lonely(room)
    room = members.disconnect(room, "a")  # Ann went back to the home page
    assert not members.is_lonely(room)
    room = members.join(room, "b", "Ben", "racer", 2_000)
    assert room.phase == "lobby", "a race against a seat kept for someone gone"
    assert members.is_lonely(room) and room.present_racers[0].player_id == "b"
    room = members.join(room, "a", "Ann", "racer", 3_000)  # Ann came back within her grace
    assert room.phase == "countdown"
    assert room.starts_at == 3_000 + room.timing.quick_countdown_ms


def test_two_racers_who_are_there_start_a_quick_countdown_at_once() -> None:
    room = members.join(quick(), "a", "Ann", "racer", 1_000)
    room = members.join(room, "b", "Ben", "racer", 1_500)
    assert room.phase == "countdown" and not members.is_lonely(room)


def test_a_late_racer_hears_the_race_started_even_when_seats_are_kept() -> None:
    room = private()
    for i in range(MAX_RACERS["private"]):
        room = members.join(room, f"p{i}", f"P{i}", "racer", 1_000)
    with pytest.raises(Refused) as full:
        members.join(room, "late", "Late", "racer", 1_100)
    assert full.value.code == "room_full"  # the lobby is full: no race to watch yet
    room = hosting.start(room, "p0", 2_000)
    for i in range(4):
        room = members.disconnect(room, f"p{i}")
    assert room.starts_at is not None
    with pytest.raises(Refused) as started:
        members.join(room, "late", "Late", "racer", room.starts_at + 10)
    assert started.value.code == "race_started"  # it can be watched


def test_a_disconnect_marks_the_seat_only_for_the_connection_that_joined_last() -> None:
    room = members.join(private(), "a", "Ann", "racer", 1_000, conn="tab-1")
    room = members.join(room, "a", "Ann", "racer", 1_500, conn="tab-2")  # a reconnect
    assert members.disconnect(room, "a", "tab-1") == room  # the replaced one's close
    gone = members.disconnect(room, "a", "tab-2")
    seat = gone.seat("a")
    assert seat is not None and not seat.connected
    back = members.join(gone, "a", "Ann", "racer", 2_000, conn="tab-3")
    assert members.disconnect(back, "a", "tab-2") == back  # a late retry of the old close


def test_a_seat_whose_connection_is_unknown_is_disconnected_by_any() -> None:
    # Stored by a worker from before seats named their connection (or joined without one).
    room = members.join(private(), "a", "Ann", "racer", 1_000)
    for conn in ("tab-1", ""):
        seat = members.disconnect(room, "a", conn).seat("a")
        assert seat is not None and not seat.connected


def test_own_indentation_is_set_on_joining_and_changes_in_the_lobby_only() -> None:
    room = members.join(private(), "a", "Ann", "racer", 1_000, own_indent=True)
    seat = room.seat("a")
    assert seat is not None and seat.own_indent
    assert not room.rules_for("a").skip_indent and room.rules_for("b").skip_indent
    room = members.set_own_indent(room, "a", False)
    assert room.rules_for("a") != room.rules.own_indentation()
    room = members.set_own_indent(room, "a", True)
    room = hosting.start(room, "a", 2_000)
    with pytest.raises(Refused) as locked:
        members.set_own_indent(room, "a", False)
    assert locked.value.code == "indent_locked" and "next one" in locked.value.message
    assert members.set_own_indent(room, "a", True) == room  # no change: nothing to refuse
    resumed = members.join(room, "a", "Ann", "racer", 2_100, own_indent=False)
    assert resumed.rules_for("a") == room.rules.own_indentation()  # kept for the round
    with pytest.raises(Refused) as stranger:
        members.set_own_indent(room, "z", True)
    assert stranger.value.code == "not_in_room"
