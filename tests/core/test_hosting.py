"""The host's controls of a private room (pure: no store, no clock)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core import phases
from race.core.room import Refused
from race.core.room import Room
from race.core.room import new_room
from race.core.snippet import Snippet
from race.core.snippet import make_snippet
from race.core.timing import default_limit_ms
from tests.core.rooms import private


def test_a_kick_bans_the_player_and_the_browser_they_joined_from() -> None:
    room = private()
    room = members.join(room, "host", "Host", "racer", 1_000, browser="b-host")
    room = members.join(room, "cy", "Cy", "racer", 1_001, browser="b-cy")
    room = members.join(room, "dee", "Dee", "racer", 1_002)  # a client without a browser id
    room = hosting.kick(room, "host", "cy", 1_003)
    room = hosting.kick(room, "host", "dee", 1_004)
    assert room.banned == ("cy", "dee") and room.banned_browsers == ("b-cy",)
    for player, browser in [("cy", "b-other"), ("cy", ""), ("new-guest", "b-cy"), ("dee", "")]:
        with pytest.raises(Refused) as refused:
            members.join(room, player, "Again", "spectator", 1_005, browser=browser)
        assert refused.value.code == "kicked"
    joined = members.join(room, "eve", "Eve", "racer", 1_006, browser="b-eve")
    assert joined.seat("eve") is not None and joined.seat("eve").browser == "b-eve"  # type: ignore[union-attr]
    # A player without a browser id is never refused for someone else's kick.
    assert members.join(room, "fay", "Fay", "racer", 1_007).seat("fay") is not None


def _snippet(lines: int) -> Snippet:
    code = "\n".join(f"value_{i} = compute(value_{i - 1}, {i})" for i in range(lines))
    return make_snippet(
        id=f"s-{lines}",
        title="T",
        language="python",
        difficulty="easy",
        indent="spaces:4",
        code=code,
    )


def test_the_time_limit_follows_the_snippet_until_the_host_sets_one() -> None:
    long, short = _snippet(25), _snippet(3)
    room = members.join(private(), "h", "Host", "racer", 1_000)
    room = hosting.configure(room, "h", snippet=long)
    assert room.limit_ms == default_limit_ms(long) > default_limit_ms(short)
    room = hosting.configure(room, "h", snippet=short)
    assert room.limit_ms == default_limit_ms(short) and not room.limit_set
    room = hosting.configure(room, "h", limit_ms=200_000)
    room = hosting.configure(room, "h", snippet=long)
    assert room.limit_ms == 200_000 and room.limit_set  # the host's limit stays
    room = hosting.configure(room, "h", auto_limit=True)
    assert room.limit_ms == default_limit_ms(long) and not room.limit_set
    with pytest.raises(Refused) as both:
        hosting.configure(room, "h", limit_ms=60_000, auto_limit=True)
    assert both.value.code == "bad_limit"
    # A room created with a limit keeps it; the rematch on a new snippet follows it if not.
    assert new_room("P" * 16, "private", long, 1, race_id="r" * 22, limit_ms=30_000).limit_set
    finished = phases.end(hosting.start(room, "h", 2_000), (), 9_000)
    again = hosting.rematch(finished, "h", 10_000, "n" * 22, short)
    assert again.limit_ms == default_limit_ms(short)


def test_a_rematch_goes_straight_into_its_countdown_or_waits_in_the_lobby() -> None:
    room = members.join(private(), "h", "Host", "racer", 1_000)
    room = members.join(room, "g", "Guest", "racer", 1_001)
    finished = phases.end(hosting.start(room, "h", 2_000), (), 9_000)
    waiting = hosting.rematch(finished, "h", 10_000, "a" * 22)
    assert waiting.phase == "lobby" and waiting.starts_at is None and waiting.round == 2
    going = hosting.rematch(finished, "h", 10_000, "b" * 22, go=True)
    assert going.phase == "countdown" and going.round == 2 and going.race_id == "b" * 22
    assert going.starts_at == 10_000 + going.timing.private_countdown_ms
    assert going.ends_at == going.starts_at + going.limit_ms
    assert [s.player_id for s in going.active_racers] == ["h", "g"]
    watched = members.join(private(), "h", "Host", "spectator", 1_000)
    watched = members.join(watched, "g", "Guest", "racer", 1_001)
    done = phases.end(hosting.start(watched, "h", 2_000), (), 9_000)
    done = members.leave(done, "g", 9_500)
    with pytest.raises(Refused) as alone:
        hosting.rematch(done, "h", 10_000, "c" * 22, go=True)
    assert alone.value.code == "no_racers"


def _racing() -> Room:
    room = members.join(private(), "h", "Host", "racer", 1_000)
    room = members.join(room, "fan", "Fan", "spectator", 1_001)
    room = members.join(room, "away", "Away", "racer", 1_002)
    room = members.join(room, "b", "Bea", "racer", 1_003)
    room = members.join(room, "c", "Cal", "racer", 1_004)
    room = phases.begin_racing(hosting.start(room, "h", 2_000), 9_000)
    return members.disconnect(room, "away")  # in their grace window


def test_a_host_leaving_mid_race_hands_over_to_the_earliest_racer_present() -> None:
    room = members.leave(_racing(), "h", 10_000)
    assert room.host_id == "b"  # not the spectator, not the racer who is away
    with pytest.raises(Refused) as gone:
        hosting.cut_short(room, "h", 11_000)
    assert gone.value.code == "not_host"
    ended = hosting.cut_short(room, "b", 11_000)
    assert ended.ends_at == 11_000 and phases.is_over(ended, 11_000)


def test_a_host_dropped_after_the_grace_window_hands_over_too() -> None:
    room = members.disconnect(_racing(), "h")
    assert room.host_id == "h"  # within the grace window the host keeps the room
    room = members.drop(room, "h", 40_000)
    assert room.host_id == "b"
    assert hosting.cut_short(room, "b", 40_001).ends_at == 40_001


def test_with_no_racer_present_a_spectator_hosts_and_if_nobody_the_first_back() -> None:
    room = members.leave(members.leave(_racing(), "b", 9_500), "c", 9_600)
    assert members.leave(room, "h", 10_000).host_id == "fan"
    room = members.leave(members.leave(room, "fan", 9_700), "h", 10_000)
    assert room.host_id is None
    back = members.join(room, "away", "Away", "racer", 11_000)
    assert back.host_id == "away"
    assert hosting.cut_short(back, "away", 11_001).ends_at == 11_001
