"""A lone quick racer races ghosts now: the engine's ghost source picks the best recent
runs of the room's snippet, and ``race.core.ghosts`` puts them in the round."""

from __future__ import annotations

from race.core import ghosts
from race.core.room import Refused
from race.core.room import Room
from race.ghosts import GhostsUnavailable
from race.identity import Player
from race.realtime.engine import Engine


def race_ghosts(engine: Engine, code: str, player: Player) -> Room:
    """Put up to ``ghosts.MAX_GHOSTS`` ghosts in the player's quick lobby and start its
    countdown; a resent request answers as the first did."""
    room = engine.room(code)
    if ghosts.shows_ghosts(room, player.id):
        return room
    ghosts.may_race_ghosts(room, player.id)  # before asking the database
    try:
        picked = engine.ghosts.pick(room.snippet, ghosts.MAX_GHOSTS, player.id, engine.clock())
    except GhostsUnavailable:
        raise Refused("unavailable", "the ghosts cannot be loaded now; try again") from None
    now = engine.clock()
    _, after = engine.update(
        code,
        lambda r: ghosts.race_ghosts(r, player.id, picked, now),
        lambda r: ghosts.shows_ghosts(r, player.id),
    )
    return after
