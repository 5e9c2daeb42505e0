"""The host's controls of a private room: kick, lock, configure, start, end early, rematch.
(Who takes the host's role when the host leaves is decided in ``race.core.members``.)

Pure moves like those of ``race.core.members`` and ``race.core.phases``: each takes the
room (and ``now``) and returns the next room or raises ``Refused``; only the room's host
may make them. ``shows_start`` and ``shows_cut`` tell whether a room already shows a move
(so a request resent after a lost answer is answered as the first was).
"""

from __future__ import annotations

from dataclasses import replace

from race.core.members import leave
from race.core.phases import begin_countdown
from race.core.phases import next_round
from race.core.room import Refused
from race.core.room import Room
from race.core.room import check_limit
from race.core.snippet import Snippet
from race.core.timing import default_limit_ms

#: A request resent after a lost answer arrives within this long of the first.
RESENT_WITHIN_MS = 30_000


def require_host(room: Room, player_id: str) -> None:
    """Refuse unless the room is private and ``player_id`` is its host."""
    if room.kind != "private":
        raise Refused("not_private", "only private rooms have host controls")
    if room.host_id != player_id:
        raise Refused("not_host", "only the host can do that")


def kick(room: Room, host_id: str, target_id: str, now: int) -> Room:
    """Remove a player at the host's request; they cannot rejoin this room."""
    require_host(room, host_id)
    if target_id == host_id:
        raise Refused("bad_target", "the host cannot kick themselves")
    seat = room.seat(target_id)
    if seat is None:
        raise Refused("no_such_player", "that player is not in this room")
    room = leave(room, target_id, now)
    room = replace(room, seats=tuple(s for s in room.seats if s.player_id != target_id))
    browsers = room.banned_browsers
    if seat.browser and seat.browser not in browsers:
        browsers = (*browsers, seat.browser)
    return replace(room, banned=(*room.banned, target_id), banned_browsers=browsers)


def set_locked(room: Room, host_id: str, locked: bool) -> Room:
    """Lock or unlock the room to newcomers."""
    require_host(room, host_id)
    return replace(room, locked=locked)


def configure(
    room: Room,
    host_id: str,
    *,
    snippet: Snippet | None = None,
    limit_ms: int | None = None,
    auto_limit: bool = False,
    public_results: bool | None = None,
) -> Room:
    """Change the snippet, the time limit or whether the results are listed publicly,
    before the race starts (or for the rematch).

    A limit the host sets stays; ``auto_limit`` makes it follow the snippet again (unless
    set, it is recomputed from each new snippet's length)."""
    require_host(room, host_id)
    if room.phase not in ("lobby", "finished"):
        raise Refused("bad_phase", "the race has started; change it for the rematch")
    if auto_limit and limit_ms is not None:
        raise Refused("bad_limit", "set a time limit or let it follow the snippet, not both")
    if limit_ms is not None:
        room = replace(room, limit_ms=check_limit(limit_ms), limit_set=True)
    elif auto_limit:
        room = replace(room, limit_set=False)
    if snippet is not None:
        room = replace(room, snippet=snippet)
    room = follow_snippet(room)
    if public_results is not None:
        room = replace(room, public_results=public_results)
    return room


def follow_snippet(room: Room) -> Room:
    """Recompute a time limit the host did not set from the room's snippet."""
    if room.limit_set:
        return room
    return replace(room, limit_ms=default_limit_ms(room.snippet))


def start(room: Room, host_id: str, now: int) -> Room:
    """Start the countdown of a private room."""
    require_host(room, host_id)
    if room.phase != "lobby":
        raise Refused("bad_phase", "the race is not waiting in the lobby")
    if not room.active_racers:
        raise Refused("no_racers", "at least one racer is needed to start")
    return begin_countdown(room, now, room.timing.private_countdown_ms)


def cut_short(room: Room, host_id: str, now: int) -> Room:
    """End a private race's time now, at its host's request (racers idle or gone need not
    be waited for): it ends as at its time limit, with everyone's figures to now."""
    require_host(room, host_id)
    if room.phase != "racing" or room.ends_at is None:
        raise Refused("bad_phase", "the race is not running")
    return replace(room, ends_at=min(room.ends_at, now))


def rematch(
    room: Room,
    host_id: str,
    now: int,
    race_id: str,
    snippet: Snippet | None = None,
    *,
    go: bool = False,
) -> Room:
    """Open a new round in the same room (stored as ``race_id``), on the same snippet or a
    new one: in the lobby, or with ``go`` straight into its countdown (refused, changing
    nothing, when no racer is there to race it)."""
    require_host(room, host_id)
    if room.phase != "finished":
        raise Refused("bad_phase", "a rematch is offered once the race is over")
    room = next_round(room, race_id, snippet)
    if not go:
        return room
    if not room.active_racers:
        raise Refused("no_racers", "at least one racer is needed to start")
    return begin_countdown(room, now, room.timing.private_countdown_ms)


def shows_start(room: Room, host_id: str, now: int) -> bool:
    """Tell whether a room shows its host's ``start`` (counting down, started just now)."""
    return (
        room.host_id == host_id
        and room.phase in ("countdown", "racing")
        and room.starts_at is not None
        and room.starts_at <= now + room.timing.private_countdown_ms
        and room.starts_at > now - RESENT_WITHIN_MS
    )


def shows_cut(room: Room, host_id: str, now: int) -> bool:
    """Tell whether a room shows its host's ``end``: still racing with its time up (once
    it is finished, ``end`` is refused ``bad_phase`` as before; its standings were sent)."""
    return (
        room.host_id == host_id
        and room.phase == "racing"
        and room.ends_at is not None
        and room.ends_at <= now
    )
