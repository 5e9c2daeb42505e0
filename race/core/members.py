"""A room's players coming and going: join (or resume a seat), rename, disconnect, leave,
and drop after the grace window; a quick lobby counts down once two racers are there.

Pure moves on ``race.core.room.Room``: each takes the room (and ``now``) and returns the
next room or raises ``Refused``. Who becomes host when the host leaves (or is dropped
after the grace window), mid-race too, is decided here: the next host can end the race.
"""

from __future__ import annotations

from dataclasses import replace

from race.core import tabs
from race.core.phases import begin_countdown
from race.core.room import MAX_SPECTATORS
from race.core.room import Kind
from race.core.room import Refused
from race.core.room import Role
from race.core.room import Room
from race.core.room import Seat
from race.core.room import replace_seat


def join(
    room: Room,
    player_id: str,
    name: str,
    role: Role,
    now: int,
    *,
    browser: str = "",
    conn: str = "",
    own_indent: bool = False,
    tab: str = "",
    take_over: bool = False,
) -> Room:
    """Seat a player (or reconnect one already seated); may start a quick countdown.

    ``browser`` is the id of the browser the player joins from ("" if unknown): one that
    a kicked player joined from is refused too, whatever player it now plays as. ``conn``
    is the connection joining and ``tab`` the tab it comes from: the seat is held by them
    (``disconnect``, ``race.core.tabs``); a seat another tab holds is refused
    ``other_tab`` unless the join asks to ``take_over``. ``own_indent``: the player types
    their own indentation (for a seat kept from earlier, only in the lobby: a round's
    rules do not change once it is under way)."""
    seat = room.seat(player_id)
    if seat is not None:
        tabs.claim(seat, conn, tab, take_over)
        own = own_indent if room.phase == "lobby" else seat.own_indent
        resumed = replace(seat, connected=True, name=name, conn=conn, tab=tab, own_indent=own)
        room = replace_seat(room, resumed)
        if room.host_id is None:  # everyone had gone: the first one back hosts
            room = replace(room, host_id=_host_for(room.kind, player_id))
        return _quick_start(room, now)
    if player_id in room.banned or (browser and browser in room.banned_browsers):
        raise Refused("kicked", "you were removed from this room by the host")
    if room.locked:
        raise Refused("room_locked", "this room is locked by its host")
    if role == "spectator":
        if len(room.spectators) >= MAX_SPECTATORS:
            raise Refused("room_full", "this room has as many spectators as it can take")
    elif not room.accepts_racers(now):
        if not room.joining_open(now):
            raise Refused("race_started", "this race has started; you can watch it as a spectator")
        raise Refused("room_full", "this room has no free racing seat")
    seat = Seat(
        player_id, name, role, now, browser=browser, conn=conn, tab=tab, own_indent=own_indent
    )
    seats = (*room.seats, seat)
    room = replace(room, seats=seats, host_id=room.host_id or _host_for(room.kind, player_id))
    return _quick_start(room, now)


def _quick_start(room: Room, now: int) -> Room:
    """Start a quick lobby's countdown once two racers are there: connected, for a seat
    kept for someone who went away is no opponent to start a race against."""
    if room.kind == "quick" and room.phase == "lobby" and len(room.present_racers) >= 2:
        return begin_countdown(room, now, room.timing.quick_countdown_ms)
    return room


def _host_for(kind: Kind, player_id: str) -> str | None:
    return None if kind == "quick" else player_id


def rename(room: Room, player_id: str, name: str) -> Room:
    """Show a player's new name in the room."""
    seat = room.seat(player_id)
    if seat is None or seat.name == name:
        return room
    return replace_seat(room, replace(seat, name=name))


def set_own_indent(room: Room, player_id: str, own: bool) -> Room:
    """Say whether a player types their own indentation, from this round on: in the lobby
    only, so the rules a round is scored under stay those it was typed under."""
    seat = room.seat(player_id)
    if seat is None:
        raise Refused("not_in_room", "you are not in that room")
    if seat.own_indent == own:
        return room
    if room.phase != "lobby":
        raise Refused(
            "indent_locked",
            "the indentation setting cannot change during a round; it applies from the next one",
        )
    return replace_seat(room, replace(seat, own_indent=own))


def disconnect(room: Room, player_id: str, conn: str = "") -> Room:
    """Mark a seat as disconnected, unless another connection than ``conn`` joined since
    (it is kept for the grace window); ``conn`` "" is whichever holds it."""
    seat = room.seat(player_id)
    if seat is None or (conn and seat.conn and seat.conn != conn):
        return room
    return replace_seat(room, replace(seat, connected=False))


def leave(room: Room, player_id: str, now: int, conn: str = "") -> Room:
    """Take a player out: their seat goes, or during a race it stays as a non-finisher.
    A connection ``conn`` that does not hold the seat (another tab took it over) changes
    nothing; ``conn`` "" is whichever holds it."""
    seat = room.seat(player_id)
    if seat is None or not tabs.holds(room, player_id, conn):
        return room
    if room.phase == "racing" and seat.role == "racer" and seat.finish_ms is None:
        room = replace_seat(room, replace(seat, left=True, connected=False))
    elif room.phase == "racing" and seat.role == "racer":
        room = replace_seat(room, replace(seat, connected=False))
    else:
        room = replace(room, seats=tuple(s for s in room.seats if s.player_id != player_id))
    if room.host_id == player_id:
        room = replace(room, host_id=_next_host(room, player_id))
    # A quick countdown needs two racers, or one beside ghosts; back in the lobby, the
    # ghosts go too (a newcomer alone is offered them afresh).
    company = 1 if room.ghosts else 2
    if (
        room.phase == "countdown" and room.kind == "quick" and len(room.active_racers) < company
    ) or (room.phase == "countdown" and not room.active_racers):
        room = replace(room, phase="lobby", starts_at=None, ends_at=None, ghosts=())
    return room


def drop(room: Room, player_id: str, now: int) -> Room:
    """End a disconnected player's grace window: they leave unless they came back."""
    seat = room.seat(player_id)
    if seat is None or seat.connected:
        return room
    return leave(room, player_id, now)


def _next_host(room: Room, leaving: str) -> str | None:
    """Return who hosts after ``leaving``: the racer who joined earliest of those still
    present (connected, in this round), else the earliest spectator, else nobody (the
    first to come back then hosts)."""
    present = [s for s in room.seats if s.player_id != leaving and s.connected and not s.left]
    present.sort(key=lambda s: (s.role != "racer", s.joined_ms))
    return present[0].player_id if present else None


def is_lonely(room: Room) -> bool:
    """Tell whether a quick lobby holds a single racer who is there (and may be offered to
    practise); a seat kept for someone who went away is no company."""
    return room.kind == "quick" and room.phase == "lobby" and len(room.present_racers) == 1
