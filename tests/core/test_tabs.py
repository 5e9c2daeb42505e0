"""One tab types into a seat: a second tab of the same player asks to take it over, and
the tab that lost it can type no more (pure: no store, no clock)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core import tabs
from race.core.room import Refused
from race.core.room import Room
from tests.core.rooms import private


def seated(*, tab: str = "tab-A", conn: str = "c1") -> Room:
    """Return a private room where Ann races from one tab, and Ben from his."""
    room = members.join(private(), "a", "Ann", "racer", 1_000, conn=conn, tab=tab)
    return members.join(room, "b", "Ben", "racer", 1_100, conn="b1", tab="tab-B")


def test_a_second_tab_is_refused_other_tab_and_nothing_changes() -> None:
    room = seated()
    with pytest.raises(Refused) as refused:
        members.join(room, "a", "Ann", "racer", 2_000, conn="c2", tab="tab-Z")
    assert refused.value.code == "other_tab"
    assert "another tab" in refused.value.message
    seat = room.seat("a")
    assert seat is not None and seat.conn == "c1" and seat.tab == "tab-A"


def test_taking_over_moves_the_seat_to_the_new_connection_and_says_so() -> None:
    room = hosting.start(seated(), "a", 1_500)  # mid-race as much as in the lobby
    after = members.join(room, "a", "Ann", "racer", 2_000, conn="c2", tab="tab-Z", take_over=True)
    seat = after.seat("a")
    assert seat is not None and (seat.conn, seat.tab, seat.connected) == ("c2", "tab-Z", True)
    assert tabs.moved(room, after, "a") == seat
    assert tabs.moved(room, after, "b") is None  # Ben's seat did not move
    with pytest.raises(Refused) as old:
        tabs.check_holder(seat, "c1")  # the first tab's keys
    assert old.value.code == "seat_moved"
    tabs.check_holder(seat, "c2")  # the new holder types
    # Taking it back moves it again: one holder at a time, whichever asked last.
    back = members.join(after, "a", "Ann", "racer", 2_500, conn="c1", tab="tab-A", take_over=True)
    assert tabs.moved(after, back, "a") is not None
    with pytest.raises(Refused):
        tabs.check_holder(back.seat("a"), "c2")  # type: ignore[arg-type]


def test_the_same_tab_coming_back_resumes_without_asking() -> None:
    room = seated()
    # A reload or a reconnect: a new connection, the same tab, the old close not yet seen.
    again = members.join(room, "a", "Ann", "racer", 2_000, conn="c9", tab="tab-A")
    assert again.seat("a").conn == "c9"  # type: ignore[union-attr]
    # The holding connection joining again (a resent join) is its own.
    assert members.join(room, "a", "Ann", "racer", 2_000, conn="c1", tab="tab-A") == room


def test_a_seat_nobody_holds_is_resumed_from_any_tab() -> None:
    away = members.disconnect(seated(), "a", "c1")  # the first tab was closed
    back = members.join(away, "a", "Ann", "racer", 2_000, conn="c2", tab="tab-Z")
    seat = back.seat("a")
    assert seat is not None and seat.connected and seat.conn == "c2"
    assert tabs.moved(away, back, "a") is None  # nobody held it: nobody to tell


def test_clients_without_tab_ids_resume_as_before() -> None:
    room = members.join(private(), "a", "Ann", "racer", 1_000, conn="c1")
    again = members.join(room, "a", "Ann", "racer", 1_500, conn="c2")
    assert again.seat("a").conn == "c2"  # type: ignore[union-attr]


def test_spectators_are_not_asked() -> None:
    room = members.join(private(), "s", "Sue", "spectator", 1_000, conn="c1", tab="tab-A")
    again = members.join(room, "s", "Sue", "spectator", 1_500, conn="c2", tab="tab-Z")
    assert again.seat("s").conn == "c2"  # type: ignore[union-attr]


def test_a_tab_that_lost_the_seat_cannot_leave_it_for_the_one_holding_it() -> None:
    room = hosting.start(seated(), "a", 1_500)
    moved = members.join(room, "a", "Ann", "racer", 2_000, conn="c2", tab="tab-Z", take_over=True)
    assert members.leave(moved, "a", 2_100, conn="c1") == moved
    assert not tabs.holds(moved, "a", "c1") and tabs.holds(moved, "a", "c2")
    gone = members.leave(moved, "a", 2_100, conn="c2")
    assert gone.seat("a") is None  # it was its holder: the seat goes (a countdown)
    # Once its holder is away, any connection of the player may act for the seat.
    away = members.disconnect(moved, "a", "c2")
    assert tabs.holds(away, "a", "c1")
    assert tabs.require_holder(away, "a", "c1") == away
    with pytest.raises(Refused) as refused:
        tabs.require_holder(moved, "a", "c1")  # a restart from the tab that lost the seat
    assert refused.value.code == "seat_moved"


def test_a_room_write_names_the_seats_whose_holder_changed() -> None:
    room = seated()
    assert tabs.new_holders(None, room) == (("a", "c1"), ("b", "b1"))
    moved = members.join(room, "a", "Ann", "racer", 2_000, conn="c2", tab="tab-Z", take_over=True)
    assert tabs.new_holders(room, moved) == (("a", "c2"),)
    assert tabs.new_holders(moved, members.disconnect(moved, "a", "c2")) == ()
