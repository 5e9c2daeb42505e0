"""The store interface: rooms (compare-and-set), logs, progress, deadlines, leases, outbox.

Every implementation passes ``tests/store/test_contract.py``. Room moves are pure functions
from ``race.core.room``; ``update_room`` applies one atomically, retrying on conflict, and
writes the move's side effects (deadlines, outbox records) in the same transaction. The
rules both stores follow (deadline holds, backoff, sweeps) are ``race.store.policy``.
"""

from __future__ import annotations

import time
from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import NamedTuple

from race.core.presence import Counts
from race.core.room import Room

#: Rooms, logs and progress vanish this long after their last write.
ROOM_TTL_MS = 2 * 60 * 60 * 1000
#: At most this many dead letters (outbox records that kept failing) are kept; past it a
#: failing record stays in the outbox, retried at the longest backoff (nothing is dropped).
#: A record is at most ~4 MB (10 racers' logs at ``race.core.bounds.MAX_LOG_BYTES``), so
#: the list stays under ~400 MB however bad things get; poison records are rare. (Over a
#: cluster's shards, drainers setting letters aside at once may pass it by one each.)
DEAD_LETTER_MAX = 100


def is_store_error(exc: BaseException) -> bool:
    """Tell whether an exception came from the store's client library (Redis)."""
    return type(exc).__module__.split(".")[0] == "redis"


def wall_ms() -> int:
    """Return the server clock in ms since the epoch (shared by all workers of a host)."""
    return time.time_ns() // 1_000_000


class Live(NamedTuple):
    """A room in its race: what the ticker needs without reading the whole room."""

    code: str
    round: int
    starts_at: int


class Beat(NamedTuple):
    """What a worker's heartbeat reads from the store at the start of a beat."""

    #: Deadlines claimed for this worker (as ``Store.claim_due`` returns them).
    claimed: list[str]
    #: Rooms in their race (as ``Store.live_rooms``).
    live: list[Live]
    #: The progress of each round asked for (as ``Store.get_progress_many``).
    progress: list[dict[str, str]]


class DeadLetter(NamedTuple):
    """An outbox record set aside after failing too often (``Store.outbox_dead_letter``)."""

    record_id: str
    payload: str
    #: Why it was set aside (the last error, one line).
    reason: str


class NoSuchRoom(LookupError):
    """The room code is unknown (never created, or expired)."""


class Sealed(Exception):
    """The round was sealed (its race is ending): its logs take no more batches."""


class NotHolder(Exception):
    """Another connection holds the seat (``put_conn``): a batch from this one is not
    taken (another tab of the player took the seat over)."""


@dataclass(frozen=True)
class Effects:
    """What a room move needs written along with it, atomically."""

    #: Deadlines to (re)schedule: item -> due time in server ms.
    schedule: Mapping[str, int] = field(default_factory=dict)
    #: Deadlines to cancel.
    cancel: tuple[str, ...] = ()
    #: Outbox records to add: id -> JSON payload (finished races waiting to be persisted).
    outbox: Mapping[str, str] = field(default_factory=dict)


#: Given the room before and after a move, say what else to write.
EffectsFn = Callable[[Room, Room], Effects]
Move = Callable[[Room], Room]


class Store(ABC):
    """Where race state lives, so that any worker can serve any player."""

    # --- rooms ---------------------------------------------------------------------------

    @abstractmethod
    def create_room(self, room: Room, effects: Effects | None = None) -> bool:
        """Store a new room; return False (and write nothing) if the code is taken."""

    @abstractmethod
    def get_room(self, code: str) -> Room | None:
        """Return the room, or None if unknown or expired."""

    @abstractmethod
    def update_room(
        self, code: str, move: Move, effects: EffectsFn | None = None
    ) -> tuple[Room, Room]:
        """Apply ``move`` atomically and return (before, after).

        ``move`` may run more than once under contention, so it must be pure. If it raises
        (``Refused``), nothing is written. Raises ``NoSuchRoom`` for an unknown code. A move
        that returns the room unchanged writes nothing.
        """

    @abstractmethod
    def delete_room(self, code: str) -> None:
        """Forget a room (its logs and progress expire on their own)."""

    @abstractmethod
    def live_rooms(self, now: int) -> list[Live]:
        """Return the rooms whose race has started by ``now`` and not finished."""

    @abstractmethod
    def room_count(self) -> dict[str, int]:
        """Return how many rooms there are in each phase."""

    @abstractmethod
    def presence(self) -> Counts:
        """Return how many racers are waiting and racing now, per language: the sum of
        the presence entries (``race.core.presence.entry``) each room move writes beside
        its room, one per room that counts anyone."""

    # --- quick-race lobbies --------------------------------------------------------------

    @abstractmethod
    def get_lobby(self, key: str) -> str | None:
        """Return the code of the open quick-race lobby for a key (a language or "any")."""

    @abstractmethod
    def swap_lobby(self, key: str, expect: str | None, new: str | None) -> bool:
        """Set the open lobby for ``key`` to ``new`` if it is still ``expect``."""

    # --- keystroke logs and progress ------------------------------------------------------

    @abstractmethod
    def append_batch(
        self,
        code: str,
        round_: int,
        player_id: str,
        seq: int,
        line: str,
        *,
        progress: str | None = None,
        holder: str | None = None,
    ) -> int:
        """Append a log line if ``seq`` equals the log's length; return the length before.

        So the line was appended iff the result equals ``seq``; a duplicate (``seq`` <
        length) or a gap (``seq`` > length) appends nothing. When the line is appended and
        ``progress`` is given, it becomes the player's progress in the same step.
        Raises ``NoSuchRoom``, ``Sealed`` once the round is sealed, and ``NotHolder``
        (appending nothing) when ``holder`` is given and another connection is recorded
        as holding the seat (``put_conn``), checked in the same step.
        """

    @abstractmethod
    def seal_round(self, code: str, round_: int) -> None:
        """Refuse every later batch of a round (``append_batch`` raises ``Sealed``), so its
        logs read after this are final. Idempotent."""

    @abstractmethod
    def drop_round(self, code: str, round_: int, player_ids: Sequence[str]) -> None:
        """Seal a round left unfinished and delete its players' logs and progress (a
        practice run restarted: nothing of it is kept). Idempotent."""

    @abstractmethod
    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        """Return a player's log lines for a round, in arrival order."""

    @abstractmethod
    def put_progress(self, code: str, round_: int, player_id: str, data: str) -> None:
        """Store a player's latest progress (a small JSON object)."""

    @abstractmethod
    def get_progress(self, code: str, round_: int) -> dict[str, str]:
        """Return every player's latest progress for a round."""

    def get_progress_many(self, rounds: list[tuple[str, int]]) -> list[dict[str, str]]:
        """Return the progress of several rounds at once (one round trip where it matters)."""
        return [self.get_progress(code, round_) for code, round_ in rounds]

    # --- connections ---------------------------------------------------------------------

    @abstractmethod
    def put_conn(self, code: str, player_id: str, sid: str) -> None:
        """Record the connection that currently holds a player's seat. Writing a room does
        this too, in the same step, for every seat whose connection changed
        (``race.core.tabs.new_holders``)."""

    @abstractmethod
    def get_conn(self, code: str, player_id: str) -> str | None:
        """Return the connection that holds a player's seat, if one is recorded."""

    @abstractmethod
    def drop_conn(self, code: str, player_id: str, sid: str) -> bool:
        """Forget the connection if it still holds the seat; True if it did."""

    # --- deadlines -----------------------------------------------------------------------

    @abstractmethod
    def schedule(self, item: str, due_ms: int) -> None:
        """Schedule (or move) a deadline. Items are ``kind|room|...``: the Redis store
        keeps each with its room (``race.store.keys``)."""

    @abstractmethod
    def cancel(self, item: str) -> None:
        """Cancel a deadline if it is still pending."""

    @abstractmethod
    def claim_due(self, now: int, limit: int = 100) -> list[str]:
        """Atomically take deadlines due by ``now``, earliest first: each is returned to one
        caller and comes due again at ``held_until(now)`` unless that caller reports
        it applied (``deadlines_done``). Applying a deadline must therefore be idempotent."""

    def beat(self, now: int, progress_of: list[tuple[str, int]]) -> Beat:
        """Claim the deadlines due by ``now``, list the live rooms and read the progress
        of the rounds in ``progress_of``: a heartbeat's reads, in one round trip where
        it matters."""
        return Beat(self.claim_due(now), self.live_rooms(now), self.get_progress_many(progress_of))

    @abstractmethod
    def deadlines_done(self, items: Sequence[str], claimed_at: int) -> None:
        """Drop deadlines claimed at ``claimed_at`` and since applied. One scheduled again
        after the claim (by a room move) is a new deadline and stays."""

    @abstractmethod
    def deadline_failed(self, item: str, claimed_at: int, first_ms: int, longest_ms: int) -> int:
        """Count a failed try at applying a deadline claimed at ``claimed_at`` and move it
        to ``claimed_at + backoff_ms(tries, first_ms, longest_ms)``; return the tries so
        far, shared by every claimer (0, and nothing changes, if it was scheduled again or
        cancelled since the claim). ``deadlines_done`` and ``cancel`` forget the count."""

    # --- leases --------------------------------------------------------------------------

    @abstractmethod
    def acquire_leases(self, names: Sequence[str], owner: str, ttl_ms: int) -> list[bool]:
        """Take or renew leases in one step; for each name, True if ``owner`` now holds it
        for the next ``ttl_ms`` (a lease held by another owner and not expired is not)."""

    def acquire_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        """Take or renew one lease."""
        return self.acquire_leases([name], owner, ttl_ms)[0]

    # --- rate limits ---------------------------------------------------------------------

    @abstractmethod
    def take_tokens(self, key: str, per_second: float, burst: int, want: int) -> int:
        """Take up to ``want`` tokens from a shared token bucket; return how many were given.

        The bucket refills at ``per_second`` up to ``burst`` and starts full. Taking is
        atomic: concurrent takers never share a token.
        """

    # --- outbox --------------------------------------------------------------------------

    @abstractmethod
    def outbox_pending(self, limit: int = 50) -> list[tuple[str, str]]:
        """Return up to ``limit`` outbox records (id, payload) due now (not backing off
        after a failure, ``outbox_failed``), earliest due first."""

    @abstractmethod
    def outbox_failed(self, record_id: str, first_ms: int, longest_ms: int) -> int:
        """Count a failed attempt at a record and hide it from ``outbox_pending`` for
        ``backoff_ms(attempts, first_ms, longest_ms)`` (by the store's clock); return the
        attempts so far (0 if the record is no longer waiting). Atomic, so the count is
        shared by every worker draining the outbox."""

    @abstractmethod
    def outbox_dead_letter(self, record_id: str, reason: str) -> bool:
        """Move a waiting record to the dead letters, atomically; False (and nothing moves)
        if it is no longer waiting or ``DEAD_LETTER_MAX`` dead letters are already kept."""

    @abstractmethod
    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        """Return up to ``limit`` dead letters, oldest first."""

    @abstractmethod
    def dead_letter_count(self) -> int:
        """Return how many dead letters are kept."""

    @abstractmethod
    def retry_dead_letters(self, limit: int = DEAD_LETTER_MAX) -> int:
        """Move up to ``limit`` dead letters back into the outbox, due now with no attempts
        counted; return how many moved. A record of an id already waiting stays as it is."""

    @abstractmethod
    def outbox_done(self, record_id: str) -> None:
        """Remove a record once it is safely persisted."""

    @abstractmethod
    def outbox_size(self) -> int:
        """Return how many records are waiting."""

    # --- health --------------------------------------------------------------------------

    @abstractmethod
    def ping(self) -> None:
        """Raise if the store cannot be reached."""
