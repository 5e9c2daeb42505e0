"""Solo practice: the clock starts at the first key; a restart is the next round."""

from __future__ import annotations

from dataclasses import replace

import pytest

from race.core import members
from race.core import phases
from race.core import practice
from race.core.practice import FIRST_KEY_SLACK_MS
from race.core.room import Refused
from race.core.room import Room
from race.core.room import new_room
from race.core.room import replace_seat
from race.core.snippet import make_snippet
from race.core.timing import default_limit_ms
from tests.core.rooms import SNIPPET

LONG = make_snippet(
    id="long", title="L", language="python", difficulty="hard", indent="spaces:4",
    code="\n".join(f"value_{i} = compute({i})" for i in range(25)),
)  # fmt: skip


def waiting(now: int = 1_000) -> Room:
    """A practice room of one racer, waiting for the first key."""
    room = new_room("R" * 16, "practice", SNIPPET, now, race_id="r" * 22)
    return members.join(room, "me", "Me", "racer", now)


def test_the_first_key_starts_the_clock_when_it_was_typed() -> None:
    room = practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=4_900)
    assert room.starts_at == 4_900
    assert room.ends_at == 4_900 + room.limit_ms
    assert room.typing_open(5_000)


def test_a_first_key_claimed_long_before_its_arrival_starts_the_clock_at_the_slack() -> None:
    room = practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=0)
    assert room.starts_at == 5_000 - FIRST_KEY_SLACK_MS


def test_a_first_key_claimed_in_the_future_starts_the_clock_now() -> None:
    room = practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=9_000)
    assert room.starts_at == 5_000


def test_go_sent_again_changes_nothing() -> None:
    started = practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=4_900)
    again = practice.start_at_first_key(started, "me", 1, now=5_300, at=5_200)
    assert again == started


def test_go_for_a_replaced_run_or_from_someone_else_is_refused() -> None:
    with pytest.raises(Refused) as stale:
        practice.start_at_first_key(waiting(), "me", 2, now=5_000, at=4_900)
    assert stale.value.code == "stale_round"
    with pytest.raises(Refused) as stranger:
        practice.start_at_first_key(waiting(), "someone", 1, now=5_000, at=4_900)
    assert stranger.value.code == "not_in_room"


def test_go_after_the_run_is_over_is_refused() -> None:
    over = replace(waiting(), phase="finished")
    with pytest.raises(Refused) as refused:
        practice.start_at_first_key(over, "me", 1, now=5_000, at=4_900)
    assert refused.value.code == "bad_phase"


def test_only_a_practice_room_restarts() -> None:
    quick = members.join(
        new_room("Q" * 16, "quick", SNIPPET, 1_000, race_id="q" * 22, lobby="python"),
        "me",
        "Me",
        "racer",
        1_000,
    )
    with pytest.raises(Refused) as refused:
        practice.restart(quick, "me", "n" * 22)
    assert refused.value.code == "not_practice"


def test_a_restart_mid_run_is_a_new_waiting_round() -> None:
    running = practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=4_900)
    running = phases.begin_racing(running, 5_000)
    after = practice.restart(running, "me", "n" * 22)
    assert (after.round, after.race_id, after.phase) == (2, "n" * 22, "lobby")
    assert after.starts_at is None and after.ends_at is None
    assert [s.player_id for s in after.seats] == ["me"]
    assert practice.is_abandoned_run(running, after)


def test_a_restart_after_the_finish_keeps_the_finished_run() -> None:
    done = replace(waiting(), phase="finished", starts_at=1_000, ends_at=61_000)
    after = practice.restart(done, "me", "n" * 22)
    assert after.round == 2
    assert not practice.is_abandoned_run(done, after)


def test_a_run_being_scored_cannot_be_restarted_away() -> None:
    running = phases.begin_racing(
        practice.start_at_first_key(waiting(), "me", 1, now=5_000, at=4_900), 5_000
    )
    seat = running.seat("me")
    assert seat is not None
    finished_seat = replace_seat(running, replace(seat, finish_ms=9_000))
    with pytest.raises(Refused) as refused:
        practice.restart(finished_seat, "me", "n" * 22)
    assert refused.value.code == "scoring"


def test_the_next_snippet_brings_its_own_time_limit_in_practice() -> None:
    after = practice.restart(waiting(), "me", "n" * 22, LONG)
    assert after.snippet == LONG
    assert after.limit_ms == default_limit_ms(LONG) != default_limit_ms(SNIPPET)


def test_a_private_rooms_next_round_keeps_its_hosts_limit() -> None:
    room = new_room("P" * 16, "private", SNIPPET, 1_000, race_id="p" * 22, limit_ms=200_000)
    after = phases.next_round(room, "n" * 22, LONG)
    assert after.limit_ms == 200_000
