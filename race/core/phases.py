"""A round through time: lobby -> countdown -> racing -> finished, a racer's finish, and
the end (with the server's standings, or abandoned without).

Pure moves on ``race.core.room.Room``: each takes the room and ``now`` (server ms) and
returns the next room or raises ``Refused``; moves applied by deadlines change nothing the
second time.
"""

from __future__ import annotations

from dataclasses import replace

from race.core.room import Refused
from race.core.room import Room
from race.core.room import Standing
from race.core.room import replace_seat
from race.core.snippet import Snippet
from race.core.timing import default_limit_ms


def begin_countdown(room: Room, now: int, countdown_ms: int) -> Room:
    """Return the room counting down from ``now`` to a start ``countdown_ms`` later."""
    starts = now + countdown_ms
    return replace(room, phase="countdown", starts_at=starts, ends_at=starts + room.limit_ms)


def start_practice(room: Room, now: int) -> Room:
    """Start a practice room at once (a short countdown to get ready)."""
    if room.kind != "practice" or room.phase != "lobby":
        raise Refused("bad_phase", "this practice run has already started")
    return begin_countdown(room, now, room.timing.practice_countdown_ms)


def begin_racing(room: Room, now: int) -> Room:
    """Apply the countdown's end (a deadline); later calls change nothing."""
    if room.phase != "countdown" or room.starts_at is None or now < room.starts_at:
        return room
    return replace(room, phase="racing")


def finish(room: Room, player_id: str, finish_ms: int) -> Room:
    """Record that a racer's fold reached the end of the snippet, if the race was still
    running then (a worker may take a batch against a room view up to a tick old, after a
    host ended the race early)."""
    seat = room.seat(player_id)
    if seat is None or seat.role != "racer" or seat.finish_ms is not None:
        return room
    if room.phase not in ("countdown", "racing") or room.starts_at is None:
        return room
    if room.ends_at is not None and finish_ms > room.ends_at - room.starts_at:
        return room
    return replace_seat(room, replace(seat, finish_ms=finish_ms))


def is_over(room: Room, now: int) -> bool:
    """Tell whether the race should end: every active racer finished, or time is up."""
    if room.phase not in ("countdown", "racing") or room.ends_at is None:
        return False
    if now >= room.ends_at:
        return True
    active = room.active_racers
    return room.phase == "racing" and all(s.finish_ms is not None for s in active)


def end(room: Room, standings: tuple[Standing, ...], now: int) -> Room:
    """Close the race with the server's standings; only the first call has an effect."""
    if room.phase not in ("countdown", "racing"):
        raise Refused("bad_phase", "the race is not running")
    return replace(room, phase="finished", finished_at=now, standings=standings)


def abandon(room: Room, now: int) -> Room:
    """End a running round without standings, when its end could not be applied; a round
    that is not running is returned unchanged."""
    if room.phase not in ("countdown", "racing"):
        return room
    return replace(room, phase="finished", finished_at=now, standings=(), abandoned=True)


def next_round(room: Room, race_id: str, snippet: Snippet | None = None) -> Room:
    """Return the room's next round (stored as ``race_id``), waiting in its lobby: the
    seats still there, their finishes cleared, on the same snippet or ``snippet``.

    A time limit nobody set follows the snippet (practice, and a private room until its
    host sets one: ``Room.limit_set``); a limit the host set stays."""
    seats = tuple(
        replace(s, finish_ms=None, left=False) for s in room.seats if s.connected and not s.left
    )
    limit = room.limit_ms if room.limit_set else default_limit_ms(snippet or room.snippet)
    return replace(
        room,
        phase="lobby",
        round=room.round + 1,
        race_id=race_id,
        seats=seats,
        snippet=snippet or room.snippet,
        limit_ms=limit,
        starts_at=None,
        ends_at=None,
        finished_at=None,
        standings=(),
        abandoned=False,
        ghosts=(),  # a round's ghosts race that round only
    )
