"""Racing ghosts: a quick racer alone races stored runs of the room's snippet now, and a
human who arrives before the start races with them.

A ghost is a ``race.core.room.Ghost`` on the room, never a seat: the standings, places
and the end of the race (``phases.is_over``) count seats only, so a ghost is never an
opponent in them. Pure moves: each takes the room and ``now`` and returns the next room
or raises ``Refused``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from race.core import members
from race.core.phases import begin_countdown
from race.core.room import Ghost
from race.core.room import Refused
from race.core.room import Room

#: Ghosts raced at once, at most.
MAX_GHOSTS = 3


def may_race_ghosts(room: Room, player_id: str) -> None:
    """Refuse unless ``player_id`` is the only racer of a quick lobby, there now."""
    seat = room.seat(player_id)
    if seat is None or seat.role != "racer" or seat.left:
        raise Refused("not_in_room", "you are not racing in that room")
    if not members.is_lonely(room) or not seat.connected:
        raise Refused("not_alone", "someone else is here: the race starts with them")


def race_ghosts(room: Room, player_id: str, ghosts: Sequence[Ghost], now: int) -> Room:
    """Put up to ``MAX_GHOSTS`` ghosts in a quick lobby whose only racer is ``player_id``
    and start its countdown (``Timing.ghost_countdown_ms``: others may still join)."""
    may_race_ghosts(room, player_id)
    if not ghosts:
        raise Refused("no_ghosts", "nobody has a recent run of this snippet yet")
    room = replace(room, ghosts=tuple(ghosts[:MAX_GHOSTS]))
    return begin_countdown(room, now, room.timing.ghost_countdown_ms)


def shows_ghosts(room: Room, player_id: str) -> bool:
    """Tell whether the room already races ghosts with ``player_id`` in it (the move
    applied: a resent request answers as the first did)."""
    seat = room.seat(player_id)
    return bool(room.ghosts) and room.phase == "countdown" and seat is not None and not seat.left
