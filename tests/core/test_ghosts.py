"""Racing ghosts: a lone quick racer races stored runs; a human who comes before the start
races too; ghosts are never seats, so never in the standings."""

from __future__ import annotations

import pytest

from race.core import ghosts
from race.core import members
from race.core import phases
from race.core.room import Ghost
from race.core.room import Refused
from race.core.room import Room
from race.core.room import Standing
from race.core.standings import standings
from tests.core.rooms import private
from tests.core.rooms import quick

RUNS = [Ghost(f"race{i}", f"p{i:016x}", f"Run {i}", 80.0 - i, 9_000 + i) for i in range(5)]


def lone(now: int = 1_000) -> Room:
    return members.join(quick(now), "ann", "Ann", "racer", now)


def test_a_lone_racer_races_at_most_three_ghosts_after_a_short_countdown() -> None:
    room = ghosts.race_ghosts(lone(), "ann", RUNS, 5_000)
    assert room.ghosts == tuple(RUNS[: ghosts.MAX_GHOSTS]) and ghosts.MAX_GHOSTS == 3
    assert room.phase == "countdown"
    assert room.starts_at == 5_000 + room.timing.ghost_countdown_ms
    assert [s.player_id for s in room.racers] == ["ann"]
    assert ghosts.shows_ghosts(room, "ann") and not ghosts.shows_ghosts(room, "ben")
    assert not members.is_lonely(room)  # no more offers


def test_ghosts_are_refused_unless_alone_in_a_quick_lobby_with_runs_to_race() -> None:
    def refused(room: Room, player: str = "ann", runs: list[Ghost] = RUNS) -> str:
        with pytest.raises(Refused) as caught:
            ghosts.race_ghosts(room, player, runs, 5_000)
        return caught.value.code

    assert refused(lone(), "ben") == "not_in_room"
    two = members.join(lone(), "ben", "Ben", "racer", 1_100)
    assert refused(two) == "not_alone"
    assert refused(members.disconnect(lone(), "ann")) == "not_alone"
    assert refused(members.join(private(), "ann", "Ann", "racer", 1)) == "not_alone"
    assert refused(lone(), runs=[]) == "no_ghosts"
    watcher = members.join(lone(), "sue", "Sue", "spectator", 1_100)
    assert refused(watcher, "sue") == "not_in_room"


def test_a_human_joining_before_the_start_races_with_the_ghosts() -> None:
    room = ghosts.race_ghosts(lone(), "ann", RUNS[:2], 5_000)
    assert room.starts_at is not None
    last_call = room.starts_at - room.timing.join_closes_ms - 1
    joined = members.join(room, "ben", "Ben", "racer", last_call)
    assert [s.player_id for s in joined.racers] == ["ann", "ben"]
    assert joined.phase == "countdown" and joined.starts_at == room.starts_at  # same start
    assert joined.ghosts == room.ghosts
    with pytest.raises(Refused):
        members.join(room, "cy", "Cy", "racer", room.starts_at - 1)


def test_the_ghost_race_goes_on_with_one_racer_and_ends_without_the_ghosts() -> None:
    room = members.join(ghosts.race_ghosts(lone(), "ann", RUNS[:2], 5_000), "ben", "B", "racer", 6)
    room = members.leave(room, "ben", 6_000)
    assert room.phase == "countdown" and room.ghosts  # Ann still races her ghosts
    assert room.starts_at is not None
    racing = phases.finish(phases.begin_racing(room, room.starts_at), "ann", 4_000)
    assert phases.is_over(racing, room.starts_at + 4_000)  # the ghosts do not hold it open
    ranked = standings(racing, {})
    assert [s.player_id for s in ranked] == ["ann"]
    assert all(isinstance(s, Standing) for s in ranked)


def test_when_the_last_racer_leaves_the_ghosts_go_and_the_lobby_is_open_again() -> None:
    room = ghosts.race_ghosts(lone(), "ann", RUNS, 5_000)
    back = members.leave(room, "ann", 6_000)
    assert back.phase == "lobby" and back.ghosts == () and back.starts_at is None
    again = members.join(back, "ben", "Ben", "racer", 7_000)
    assert members.is_lonely(again)
