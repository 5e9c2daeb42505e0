"""The host's controls of a private room (pure: no store, no clock)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core.room import Refused
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
