"""The in-process store of the embedded default: plain dicts behind one lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from race.core import presence
from race.core.bucket import TokenBucket
from race.core.room import Room
from race.core.tabs import new_holders
from race.store.base import ROOM_TTL_MS
from race.store.base import Effects
from race.store.base import EffectsFn
from race.store.base import Live
from race.store.base import Move
from race.store.base import NoSuchRoom
from race.store.base import NotHolder
from race.store.base import Sealed
from race.store.base import Store
from race.store.base import wall_ms
from race.store.memory_outbox import MemoryOutbox
from race.store.policy import SWEEP_EVERY_MS
from race.store.policy import Every
from race.store.policy import count_phases
from race.store.policy import due_first
from race.store.policy import held_until
from race.store.policy import in_race
from race.store.policy import is_held
from race.store.policy import lease_free
from race.store.policy import retry_at


@dataclass
class _RoomEntry:
    room: Room
    expires: int
    logs: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    progress: dict[int, dict[str, str]] = field(default_factory=dict)
    #: Rounds whose logs take no more batches (``Store.seal_round``).
    sealed: set[int] = field(default_factory=set)


#: Expired leases are pruned at most this often (so the table holds live rooms' leases).
LEASE_SWEEP_MS = SWEEP_EVERY_MS


class MemoryStore(MemoryOutbox, Store):
    """Race state in this process; correct for one worker, invisible to any other."""

    def __init__(self, clock: Callable[[], int] = wall_ms) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._rooms: dict[str, _RoomEntry] = {}
        self._lobbies: dict[str, str] = {}
        self._deadlines: dict[str, float] = {}
        #: Failed tries at applying a deadline (``deadline_failed``).
        self._deadline_tries: dict[str, int] = {}
        self._leases: dict[str, tuple[str, int]] = {}
        self._lease_sweep = Every(LEASE_SWEEP_MS)
        self._init_outbox()
        #: Token buckets by key (refill rates per ms).
        self._buckets: dict[str, TokenBucket] = {}
        self._bucket_sweep = Every()
        self._conns: dict[tuple[str, str], str] = {}
        self._room_sweep = Every()

    def _entry(self, code: str) -> _RoomEntry | None:
        entry = self._rooms.get(code)
        if entry is not None and entry.expires <= self._clock():
            del self._rooms[code]
            return None
        return entry

    def _hold(self, before: Room | None, after: Room) -> None:
        for player_id, conn in new_holders(before, after):  # the seat's holder, with its room
            self._conns[(after.code, player_id)] = conn

    def _apply(self, effects: Effects | None) -> None:
        if effects is None:
            return
        self._deadlines.update(effects.schedule)
        for item in effects.cancel:
            self._deadlines.pop(item, None)
            self._deadline_tries.pop(item, None)
        for record_id, payload in effects.outbox.items():
            self._outbox_add(record_id, payload)

    def create_room(self, room: Room, effects: Effects | None = None) -> bool:
        """Store a new room; False if the code is taken."""
        with self._lock:
            if self._entry(room.code) is not None:
                return False
            self._rooms[room.code] = _RoomEntry(room, self._clock() + ROOM_TTL_MS)
            self._hold(None, room)
            self._apply(effects)
            return True

    def get_room(self, code: str) -> Room | None:
        """Return the room or None."""
        with self._lock:
            entry = self._entry(code)
            return None if entry is None else entry.room

    def update_room(
        self, code: str, move: Move, effects: EffectsFn | None = None
    ) -> tuple[Room, Room]:
        """Apply a move under the lock."""
        with self._lock:
            entry = self._entry(code)
            if entry is None:
                raise NoSuchRoom(code)
            before = entry.room
            after = move(before)
            if after is not before and after != before:
                entry.room = after
                entry.expires = self._clock() + ROOM_TTL_MS
                self._hold(before, after)
                self._apply(effects(before, after) if effects else None)
            return before, after

    def delete_room(self, code: str) -> None:
        """Forget a room and its logs."""
        with self._lock:
            self._rooms.pop(code, None)

    def live_rooms(self, now: int) -> list[Live]:
        """Return rooms racing now."""
        with self._lock:
            return [
                Live(code, e.room.round, e.room.starts_at)
                for code, e in self._rooms.items()
                if in_race(e.room)
                and e.room.starts_at is not None
                and e.room.starts_at <= now
                and e.expires > now
            ]

    def room_count(self) -> dict[str, int]:
        """Count rooms by phase."""
        with self._lock:
            return count_phases(entry.room.phase for entry in self._rooms.values())

    def presence(self) -> presence.Counts:
        """Sum the rooms' presence entries (rooms past their TTL left out): one pass over
        this process's rooms (the web layer reads it at most every 2 s)."""
        with self._lock:
            now = self._clock()
            found = [presence.entry(e.room) for e in self._rooms.values() if e.expires > now]
        return presence.tally(e for e in found if e is not None)

    def get_lobby(self, key: str) -> str | None:
        """Return the open lobby for a key."""
        with self._lock:
            return self._lobbies.get(key)

    def swap_lobby(self, key: str, expect: str | None, new: str | None) -> bool:
        """Compare-and-set the open lobby."""
        with self._lock:
            if self._lobbies.get(key) != expect:
                return False
            if new is None:
                self._lobbies.pop(key, None)
            else:
                self._lobbies[key] = new
            return True

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
        """Append if ``seq`` is the next position (and store the progress with it)."""
        with self._lock:
            entry = self._entry(code)
            if entry is None:
                raise NoSuchRoom(code)
            if round_ in entry.sealed:
                raise Sealed(code)
            held = self._conns.get((code, player_id))
            if holder is not None and held is not None and held != holder:
                raise NotHolder(code)
            log = entry.logs.setdefault((round_, player_id), [])
            before = len(log)
            if seq == before:
                log.append(line)
                if progress is not None:
                    entry.progress.setdefault(round_, {})[player_id] = progress
            return before

    def seal_round(self, code: str, round_: int) -> None:
        """Take no more batches for the round."""
        with self._lock:
            entry = self._entry(code)
            if entry is not None:
                entry.sealed.add(round_)

    def drop_round(self, code: str, round_: int, player_ids: Sequence[str]) -> None:
        """Seal the round and forget its logs and progress."""
        with self._lock:
            entry = self._entry(code)
            if entry is not None:
                entry.sealed.add(round_)
                for player_id in player_ids:
                    entry.logs.pop((round_, player_id), None)
                entry.progress.pop(round_, None)

    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        """Return a copy of a log."""
        with self._lock:
            entry = self._entry(code)
            return [] if entry is None else list(entry.logs.get((round_, player_id), []))

    def put_progress(self, code: str, round_: int, player_id: str, data: str) -> None:
        """Store a player's progress."""
        with self._lock:
            entry = self._entry(code)
            if entry is not None:
                entry.progress.setdefault(round_, {})[player_id] = data

    def get_progress(self, code: str, round_: int) -> dict[str, str]:
        """Return a round's progress."""
        with self._lock:
            entry = self._entry(code)
            return {} if entry is None else dict(entry.progress.get(round_, {}))

    def put_conn(self, code: str, player_id: str, sid: str) -> None:
        """Record a seat's connection."""
        with self._lock:
            self._conns[(code, player_id)] = sid

    def get_conn(self, code: str, player_id: str) -> str | None:
        """Return the seat's connection."""
        with self._lock:
            return self._conns.get((code, player_id))

    def drop_conn(self, code: str, player_id: str, sid: str) -> bool:
        """Forget the seat's connection if it is still ``sid``."""
        with self._lock:
            if self._conns.get((code, player_id)) != sid:
                return False
            del self._conns[(code, player_id)]
            return True

    def schedule(self, item: str, due_ms: int) -> None:
        """Schedule a deadline."""
        with self._lock:
            self._deadlines[item] = due_ms

    def cancel(self, item: str) -> None:
        """Cancel a deadline."""
        with self._lock:
            self._deadlines.pop(item, None)
            self._deadline_tries.pop(item, None)

    def claim_due(self, now: int, limit: int = 100) -> list[str]:
        """Take due deadlines, earliest first, holding each until ``deadlines_done``."""
        with self._lock:
            self._sweep(now)
            due = due_first(self._deadlines.items(), now, limit)
            for item in due:
                self._deadlines[item] = held_until(now)
            return due

    def deadlines_done(self, items: Sequence[str], claimed_at: int) -> None:
        """Drop the claimed deadlines that were not scheduled again since."""
        with self._lock:
            for item in items:
                if is_held(self._deadlines.get(item), claimed_at):
                    del self._deadlines[item]
                    self._deadline_tries.pop(item, None)

    def deadline_failed(self, item: str, claimed_at: int, first_ms: int, longest_ms: int) -> int:
        """Count a failed try and move the deadline to the end of its backoff."""
        with self._lock:
            if not is_held(self._deadlines.get(item), claimed_at):
                return 0
            tries = self._deadline_tries[item] = self._deadline_tries.get(item, 0) + 1
            self._deadlines[item] = retry_at(claimed_at, tries, first_ms, longest_ms)
            return tries

    def _sweep(self, now: int) -> None:
        if not self._room_sweep.due(now):
            return
        for code in [c for c, e in self._rooms.items() if e.expires <= now]:
            del self._rooms[code]

    def acquire_leases(self, names: Sequence[str], owner: str, ttl_ms: int) -> list[bool]:
        """Take or renew leases."""
        got = []
        with self._lock:
            now = self._clock()
            if self._lease_sweep.due(now):  # an expired lease is the same as none
                for gone in [n for n, (_, until) in self._leases.items() if until <= now]:
                    del self._leases[gone]
            for name in names:
                ok = lease_free(self._leases.get(name), owner, now)
                if ok:
                    self._leases[name] = (owner, now + ttl_ms)
                got.append(ok)
        return got

    def lease_count(self) -> int:
        """Return how many leases are kept (live ones, and some expired within a sweep)."""
        with self._lock:
            return len(self._leases)

    def take_tokens(self, key: str, per_second: float, burst: int, want: int) -> int:
        """Take tokens from a bucket in this process."""
        with self._lock:
            now = self._clock()
            if self._bucket_sweep.due(now):  # a bucket full again is the same as none
                for gone in [k for k, b in self._buckets.items() if b.full_by(now)]:
                    del self._buckets[gone]
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(per_second / 1000, burst, now)
            return bucket.take(now, want)

    def ping(self) -> None:
        """An in-process store is always reachable."""
