"""The room state machine: lobby -> countdown -> racing -> finished, and the moves of its
players and of time (the host's controls are in ``race.core.hosting``).

Each move takes the room and ``now`` (server ms) and returns the new room, or raises
``Refused`` with a code and a message. Nothing here reads a clock or touches a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Literal

from race.core.rules import Rules
from race.core.snippet import Snippet
from race.core.timing import MAX_LIMIT_MS
from race.core.timing import MIN_LIMIT_MS
from race.core.timing import Timing
from race.core.timing import default_limit_ms

Phase = Literal["lobby", "countdown", "racing", "finished"]
Kind = Literal["quick", "private", "practice"]
Role = Literal["racer", "spectator"]

MAX_RACERS: dict[Kind, int] = {"quick": 5, "private": 10, "practice": 1}
MAX_SPECTATORS = 50
#: What a wrong room code is told, well-formed or not: codes cannot be probed.
NO_SUCH_ROOM = "there is no room with that code"


class Refused(Exception):
    """A move that is not allowed; ``code`` is machine-readable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Seat:
    """A player in a room."""

    player_id: str
    name: str
    role: Role
    joined_ms: int
    connected: bool = True
    #: Gone for good during this round (left, dropped after the grace window, or kicked).
    left: bool = False
    finish_ms: int | None = None
    #: The browser the player joined from (a random id in its session cookie; "" if none),
    #: so a kick also holds against that browser under a new guest name.
    browser: str = ""


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of a finished race's standings, as the server computed it."""

    player_id: str
    name: str
    place: int
    net_wpm: float
    raw_wpm: float
    accuracy: float
    consistency: float
    progress: float
    duration_ms: int
    completed: bool
    flagged: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Room:
    """A room and its current round."""

    code: str
    kind: Kind
    snippet: Snippet
    limit_ms: int
    created_ms: int
    #: The id the current round's results are stored under: random, drawn by the engine
    #: when the round opens (``new_room``, ``rematch``), so it says nothing of the code and
    #: every worker that ends the round stores it under the same id.
    race_id: str
    #: The quick-race lobby's language ("any" for a mixed lobby); None for other rooms.
    lobby: str | None = None
    #: The results are listed on boards and strangers' views of profiles (the host's
    #: setting in a private room; see ``lists_results``).
    public_results: bool = False
    rules: Rules = field(default_factory=Rules)
    timing: Timing = field(default_factory=Timing)
    phase: Phase = "lobby"
    host_id: str | None = None
    locked: bool = False
    round: int = 1
    seats: tuple[Seat, ...] = ()
    #: Players kicked from this room; they cannot come back.
    banned: tuple[str, ...] = ()
    #: The browsers those players joined from: no new player from them gets in either.
    banned_browsers: tuple[str, ...] = ()
    starts_at: int | None = None
    ends_at: int | None = None
    finished_at: int | None = None
    standings: tuple[Standing, ...] = ()
    #: The round was ended without a result: its end could not be applied (``abandon``).
    abandoned: bool = False

    def seat(self, player_id: str) -> Seat | None:
        """Return the player's seat, or None."""
        return next((s for s in self.seats if s.player_id == player_id), None)

    @property
    def racers(self) -> tuple[Seat, ...]:
        """Return the racers' seats, in joining order."""
        return tuple(s for s in self.seats if s.role == "racer")

    @property
    def active_racers(self) -> tuple[Seat, ...]:
        """Return racers still in this round (not left)."""
        return tuple(s for s in self.racers if not s.left)

    @property
    def present_racers(self) -> tuple[Seat, ...]:
        """Return racers in this round who are connected now (not away in their grace)."""
        return tuple(s for s in self.active_racers if s.connected)

    @property
    def spectators(self) -> tuple[Seat, ...]:
        """Return the spectators' seats."""
        return tuple(s for s in self.seats if s.role == "spectator")

    def accepts_racers(self, now: int) -> bool:
        """Tell whether a new racer could join right now."""
        if self.locked or len(self.active_racers) >= MAX_RACERS[self.kind]:
            return False
        return self.joining_open(now)

    def joining_open(self, now: int) -> bool:
        """Tell whether the race is still open to new racers (seats aside)."""
        if self.phase == "lobby":
            return True
        return (
            self.phase == "countdown"
            and self.starts_at is not None
            and now < self.starts_at - self.timing.join_closes_ms
        )

    def typing_open(self, now: int) -> bool:
        """Tell whether keys are accepted at ``now`` (after the start, before the limit)."""
        return (
            self.phase in ("countdown", "racing")
            and self.starts_at is not None
            and self.ends_at is not None
            and self.starts_at <= now <= self.ends_at
        )


def lists_results(kind: Kind, snippet: Snippet) -> bool:
    """Tell whether a new room's results are listed publicly: quick races yes, a private
    room only once its host says so, practice unless on pasted code."""
    return kind == "quick" or (kind == "practice" and snippet.id != "custom")


def check_limit(limit_ms: object) -> int:
    """Return a valid time limit or raise ``Refused``."""
    if (
        not isinstance(limit_ms, int)
        or isinstance(limit_ms, bool)
        or not MIN_LIMIT_MS <= limit_ms <= MAX_LIMIT_MS
    ):
        raise Refused(
            "bad_limit",
            f"the time limit must be {MIN_LIMIT_MS // 1000}-{MAX_LIMIT_MS // 1000} seconds",
        )
    return limit_ms


def new_room(
    code: str,
    kind: Kind,
    snippet: Snippet,
    now: int,
    *,
    race_id: str,
    lobby: str | None = None,
    limit_ms: int | None = None,
    rules: Rules | None = None,
    timing: Timing | None = None,
) -> Room:
    """Return a fresh room in the lobby phase."""
    limit = default_limit_ms(snippet) if limit_ms is None else check_limit(limit_ms)
    return Room(
        code,
        kind,
        snippet,
        limit,
        now,
        race_id,
        lobby=lobby,
        public_results=lists_results(kind, snippet),
        rules=rules or Rules(),
        timing=timing or Timing(),
    )


def join(room: Room, player_id: str, name: str, role: Role, now: int, *, browser: str = "") -> Room:
    """Seat a player (or reconnect one already seated); may start a quick countdown.

    ``browser`` is the id of the browser the player joins from ("" if unknown): one that
    a kicked player joined from is refused too, whatever player it now plays as."""
    seat = room.seat(player_id)
    if seat is not None:
        return _quick_start(replace_seat(room, replace(seat, connected=True, name=name)), now)
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
    seats = (*room.seats, Seat(player_id, name, role, now, browser=browser))
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


def begin_countdown(room: Room, now: int, countdown_ms: int) -> Room:
    """Return the room counting down from ``now`` to a start ``countdown_ms`` later."""
    starts = now + countdown_ms
    return replace(room, phase="countdown", starts_at=starts, ends_at=starts + room.limit_ms)


def start_practice(room: Room, now: int) -> Room:
    """Start a practice room at once (a short countdown to get ready)."""
    if room.kind != "practice" or room.phase != "lobby":
        raise Refused("bad_phase", "this practice run has already started")
    return begin_countdown(room, now, room.timing.practice_countdown_ms)


def rename(room: Room, player_id: str, name: str) -> Room:
    """Show a player's new name in the room."""
    seat = room.seat(player_id)
    if seat is None or seat.name == name:
        return room
    return replace_seat(room, replace(seat, name=name))


def disconnect(room: Room, player_id: str) -> Room:
    """Mark a seat as disconnected; it is kept for the grace window."""
    seat = room.seat(player_id)
    if seat is None:
        return room
    return replace_seat(room, replace(seat, connected=False))


def leave(room: Room, player_id: str, now: int) -> Room:
    """Take a player out: their seat goes, or during a race it stays as a non-finisher."""
    seat = room.seat(player_id)
    if seat is None:
        return room
    if room.phase == "racing" and seat.role == "racer" and seat.finish_ms is None:
        room = replace_seat(room, replace(seat, left=True, connected=False))
    elif room.phase == "racing" and seat.role == "racer":
        room = replace_seat(room, replace(seat, connected=False))
    else:
        room = replace(room, seats=tuple(s for s in room.seats if s.player_id != player_id))
    if room.host_id == player_id:
        room = replace(room, host_id=_next_host(room, player_id))
    if (room.phase == "countdown" and room.kind == "quick" and len(room.active_racers) < 2) or (
        room.phase == "countdown" and not room.active_racers
    ):
        room = replace(room, phase="lobby", starts_at=None, ends_at=None)
    return room


def drop(room: Room, player_id: str, now: int) -> Room:
    """End a disconnected player's grace window: they leave unless they came back."""
    seat = room.seat(player_id)
    if seat is None or seat.connected:
        return room
    return leave(room, player_id, now)


def _next_host(room: Room, leaving: str) -> str | None:
    present = [s for s in room.seats if s.player_id != leaving and s.connected and not s.left]
    present.sort(key=lambda s: (s.role != "racer", s.joined_ms))
    return present[0].player_id if present else None


def replace_seat(room: Room, seat: Seat) -> Room:
    """Return the room with one seat replaced (matched by player id)."""
    seats = tuple(seat if s.player_id == seat.player_id else s for s in room.seats)
    return replace(room, seats=seats)


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


def is_lonely(room: Room) -> bool:
    """Tell whether a quick lobby holds a single racer who is there (and may be offered to
    practise); a seat kept for someone who went away is no company."""
    return room.kind == "quick" and room.phase == "lobby" and len(room.present_racers) == 1
