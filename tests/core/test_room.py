"""A new room: whose results are listed publicly, and who may change that (pure)."""

from __future__ import annotations

import pytest

from race.core import hosting
from race.core import members
from race.core import room as rooms
from race.core.room import Refused
from race.core.snippet import custom_snippet
from tests.core.rooms import SNIPPET
from tests.core.rooms import private
from tests.core.rooms import quick


def test_results_are_listed_publicly_as_the_room_kind_and_host_say() -> None:
    pasted = custom_snippet("x = 1")
    assert quick().public_results
    assert rooms.new_room("R" * 16, "practice", SNIPPET, 1, race_id="r" * 22).public_results
    assert not rooms.new_room("R" * 16, "practice", pasted, 1, race_id="r" * 22).public_results
    room = private()
    assert not room.public_results  # a private room's results are not listed unless asked
    room = members.join(room, "h", "Host", "racer", 1_000)
    room = members.join(room, "g", "Guest", "racer", 1_000)
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
