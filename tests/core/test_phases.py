"""A round through time: a finish counts only while it runs; an abandoned round (pure)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core import phases
from race.core.room import Refused
from tests.core.rooms import private


def test_a_finish_after_the_race_ended_changes_nothing() -> None:
    room = private()
    room = members.join(room, "h", "Host", "racer", 1_000)
    room = members.join(room, "g", "Guest", "racer", 1_000)
    room = phases.begin_racing(hosting.start(room, "h", 2_000), 10**6)
    assert room.phase == "racing" and room.starts_at is not None
    cut = hosting.cut_short(room, "h", room.starts_at + 5_000)
    # A batch taken against an older view of the room finishes after the cut: not counted.
    assert phases.finish(cut, "g", 6_000) == cut
    assert (
        phases.finish(phases.end(cut, (), cut.starts_at + 5_001), "g", 4_000).racers[1].finish_ms
        is None
    )
    assert phases.finish(cut, "g", 4_000).racers[1].finish_ms == 4_000
    with pytest.raises(Refused) as guest:
        hosting.cut_short(room, "g", room.starts_at + 1)
    assert guest.value.code == "not_host"


def test_an_abandoned_round_is_finished_without_standings_until_a_rematch() -> None:
    room = private()
    room = members.join(room, "h", "Host", "racer", 1_000)
    assert phases.abandon(room, 1_500) is room  # nothing running: unchanged
    room = hosting.start(room, "h", 2_000)
    gone = phases.abandon(room, 3_000)
    assert (gone.phase, gone.finished_at, gone.standings, gone.abandoned) == (
        "finished", 3_000, (), True
    )  # fmt: skip
    assert phases.abandon(gone, 4_000) is gone
    again = hosting.rematch(gone, "h", 5_000, "q" * 22)
    assert again.phase == "lobby" and not again.abandoned and again.round == 2
