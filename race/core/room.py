"""A room and its round as data: the immutable ``Room`` record with its seats and standings,
how a new room is made, and ``Refused``, the answer to a move that is not allowed.

The moves live beside it, each taking the room (and ``now``, server ms) and returning the
next room or raising ``Refused``: the players' in ``race.core.members``, time's in
``race.core.phases``, the host's in ``race.core.hosting``. Nothing here reads a clock or
touches a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Literal

from race.core.rules import CURRENT_RULES
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
    """A move that is not allowed; ``code`` is machine-readable, ``message`` is for people.

    ``retry_ms``, when known, says how long until the same request can succeed (a spent
    rate limit's next free slot)."""

    def __init__(self, code: str, message: str, *, retry_ms: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_ms = retry_ms


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
    #: The connection that joined last (an opaque id; "" if unknown): a disconnect marks
    #: the seat only if it comes from this one, so a reconnect is never undone by the
    #: close of the connection it replaced. Only this connection may type into the seat
    #: (``race.core.tabs``).
    conn: str = ""
    #: The player types their own indentation (none is filled in after Enter for them).
    own_indent: bool = False
    #: The browser tab that holds the seat (its random id; "" if it sent none): a join from
    #: another tab of the same player asks to take the seat over (``race.core.tabs``).
    tab: str = ""


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
class Ghost:
    """A stored run raced beside a room's racers (``race.core.ghosts``): never a seat, so
    never in the standings; the browser draws it from the run's stored frames."""

    race_id: str
    player_id: str
    name: str
    #: The run's server-computed figures, as stored with its result.
    net_wpm: float
    duration_ms: int


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
    rules: Rules = CURRENT_RULES
    timing: Timing = field(default_factory=Timing)
    #: The host set the time limit: it stays when the snippet changes. Otherwise it
    #: follows the snippet (``default_limit_ms``), recomputed with every new one.
    limit_set: bool = False
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
    #: Stored runs racing this round beside the racers (a quick racer alone chose them).
    ghosts: tuple[Ghost, ...] = ()

    def seat(self, player_id: str) -> Seat | None:
        """Return the player's seat, or None."""
        return next((s for s in self.seats if s.player_id == player_id), None)

    def rules_for(self, player_id: str) -> Rules:
        """Return the rules a player types this round under (their own indentation or not)."""
        seat = self.seat(player_id)
        return self.rules.own_indentation() if seat and seat.own_indent else self.rules

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
        limit_set=limit_ms is not None,
        rules=rules or CURRENT_RULES,
        timing=timing or Timing(),
    )


def replace_seat(room: Room, seat: Seat) -> Room:
    """Return the room with one seat replaced (matched by player id)."""
    seats = tuple(seat if s.player_id == seat.player_id else s for s in room.seats)
    return replace(room, seats=seats)
