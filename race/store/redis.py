"""The Redis store: the same interface, shared by every worker; atomic where it must be.

Room moves use WATCH/MULTI (optimistic compare-and-set, retried on conflict) so a pure
move from ``race.core.room`` is applied exactly once against the latest room, together
with its deadlines and outbox records. The small atomic operations (append a batch by
sequence number, claim due deadlines, take a lease, swap the open lobby) are Lua scripts
(``race.store.scripts``). Every room key carries a TTL, so abandoned rooms and their logs
vanish on their own. Key names are ``race.store.keys``: rooms and the index entries they
write are grouped in shards by hash tag, so on a Redis Cluster each move and each script
touches one slot; the cross-room reads are ``race.store.redis_index``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import redis as redis_lib
from redis.exceptions import WatchError

from race.core import presence
from race.core.room import Room
from race.core.tabs import new_holders
from race.store.base import ROOM_TTL_MS
from race.store.base import Effects
from race.store.base import EffectsFn
from race.store.base import Move
from race.store.base import NoSuchRoom
from race.store.base import NotHolder
from race.store.base import Sealed
from race.store.base import Store
from race.store.base import wall_ms
from race.store.coalesce import Coalescer
from race.store.codec import decode_room
from race.store.codec import encode_room
from race.store.keys import Keys
from race.store.keys import live_member
from race.store.policy import Every
from race.store.policy import in_race
from race.store.redis_deadlines import RedisDeadlines
from race.store.redis_index import RedisIndexes
from race.store.redis_outbox import RedisOutbox
from race.store.scripts import Scripts

#: Decoded rooms kept per worker (only reused while the stored JSON is unchanged).
DECODED_CACHE = 10_000


class RedisStore(RedisIndexes, RedisDeadlines, RedisOutbox, Store):
    """Race state in one Redis (one shard) or a Redis Cluster (several), under a prefix."""

    def __init__(
        self,
        client: redis_lib.Redis | redis_lib.RedisCluster,
        prefix: str = "cr:",
        clock: Callable[[], int] = wall_ms,
        shards: int = 1,
    ) -> None:
        # decode_responses=True makes every reply a str; redis-py's annotations cannot say so.
        self.r: Any = client
        self.p = prefix
        #: Key names, over ``shards`` shards (``race.store.keys``): 1 on one Redis.
        self.k = Keys(prefix, shards)
        self._record_shard: dict[str, int] = {}
        self._clock = clock
        #: The last JSON read for each room and its decoded room (rooms are immutable).
        self._decoded: dict[str, tuple[str, Room]] = {}
        self._batches = Coalescer(lambda: client.pipeline(transaction=False))
        self.scripts = Scripts(client, self._batches)
        #: Gates the sweep of expired rooms' index entries (``_sweep``).
        self._sweeps = Every()

    # --- rooms ---------------------------------------------------------------------------

    def _write_room(
        self, pipe: Any, before: Room | None, room: Room, effects: Effects | None
    ) -> None:
        """Queue the writes of a room and its effects on a MULTI pipeline."""
        k, s = self.k, self.k.shard(room.code)  # every key here is in the room's shard
        pipe.set(k.room(room.code), encode_room(room), px=ROOM_TTL_MS)
        pipe.hset(k.phases(s), room.code, room.phase)
        present = presence.entry(room)
        if present is None:
            pipe.hdel(k.presence(s), room.code)
        else:
            pipe.hset(k.presence(s), room.code, present)
        pipe.zadd(k.expiry(s), {room.code: self._clock() + ROOM_TTL_MS})
        if before is not None and before.round != room.round:
            pipe.zrem(k.live(s), live_member(room.code, before.round))
        member = live_member(room.code, room.round)
        if in_race(room):
            pipe.zadd(k.live(s), {member: room.starts_at})
        else:
            pipe.zrem(k.live(s), member)
        for player_id, conn in new_holders(before, room):  # the seat's holder, with its room
            pipe.set(k.conn(room.code, player_id), conn, px=ROOM_TTL_MS)
        if effects is None:
            return
        if effects.schedule:
            pipe.zadd(k.deadlines(s), dict(effects.schedule))
        if effects.cancel:
            pipe.zrem(k.deadlines(s), *effects.cancel)
            pipe.hdel(k.deadline_tries(s), *effects.cancel)
        records, order, _, _ = k.outbox(s)
        for record_id, payload in effects.outbox.items():
            pipe.hsetnx(records, record_id, payload)
            pipe.zadd(order, {record_id: self._clock()}, nx=True)

    def create_room(self, room: Room, effects: Effects | None = None) -> bool:
        """Store a new room unless the code is taken."""
        key = self.k.room(room.code)
        with self.r.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)
                if pipe.exists(key):
                    pipe.unwatch()
                    return False
                pipe.multi()
                self._write_room(pipe, None, room, effects)
                pipe.execute()
                return True
            except WatchError:
                return False

    def get_room(self, code: str) -> Room | None:
        """Return the room or None (decoding only when it changed since the last read)."""
        raw = self._batches.run("GET", self.k.room(code))
        if raw is None:
            return None
        cached = self._decoded.get(code)
        if cached is not None and cached[0] == raw:
            return cached[1]
        room = decode_room(raw)
        if len(self._decoded) >= DECODED_CACHE:
            self._decoded.clear()
        self._decoded[code] = (raw, room)
        return room

    def update_room(
        self, code: str, move: Move, effects: EffectsFn | None = None
    ) -> tuple[Room, Room]:
        """Apply a move with WATCH/MULTI, retrying when another worker got there first."""
        key = self.k.room(code)
        with self.r.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None:
                        pipe.unwatch()
                        raise NoSuchRoom(code)
                    before = decode_room(raw)
                    try:
                        after = move(before)
                    except BaseException:
                        pipe.unwatch()
                        raise
                    if after == before:
                        pipe.unwatch()
                        return before, after
                    pipe.multi()
                    self._write_room(
                        pipe, before, after, effects(before, after) if effects else None
                    )
                    pipe.execute()
                    return before, after
                except WatchError:
                    continue

    def delete_room(self, code: str) -> None:
        """Forget a room."""
        room = self.get_room(code)
        k, s = self.k, self.k.shard(code)
        with self.r.pipeline(transaction=True) as pipe:
            pipe.delete(k.room(code))
            pipe.hdel(k.phases(s), code)
            pipe.hdel(k.presence(s), code)
            pipe.zrem(k.expiry(s), code)
            if room is not None:
                pipe.zrem(k.live(s), live_member(code, room.round))
            pipe.execute()

    # --- lobbies -------------------------------------------------------------------------

    def get_lobby(self, key: str) -> str | None:
        """Return the open lobby for a key."""
        value: str | None = self.r.get(self.k.lobby(key))
        return value

    def swap_lobby(self, key: str, expect: str | None, new: str | None) -> bool:
        """Compare-and-set the open lobby."""
        return bool(self.scripts.run("swap", [self.k.lobby(key)], [expect or "", new or ""]))

    # --- logs, progress, connections --------------------------------------------------------

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
        """Append by sequence number and store the progress, in one Lua step (which also
        checks the seat's holder)."""
        k = self.k
        keys = [
            k.log(code, round_, player_id),
            k.progress(code, round_),
            k.room(code),
            k.seal(code, round_),
            k.conn(code, player_id),
        ]
        args: list[str | int] = [
            seq, line, ROOM_TTL_MS, player_id, "0" if progress is None else "1", progress or "",
            holder or "",
        ]  # fmt: skip
        before = int(self.scripts.run("append", keys, args))
        if before == -2:
            raise Sealed(code)
        if before == -3:
            raise NotHolder(code)
        if before < 0:
            raise NoSuchRoom(code)
        return before

    def seal_round(self, code: str, round_: int) -> None:
        """Mark the round sealed; the append script refuses batches from then on."""
        self.r.set(self.k.seal(code, round_), 1, px=ROOM_TTL_MS)

    def drop_round(self, code: str, round_: int, player_ids: Sequence[str]) -> None:
        """Seal the round and delete its logs and progress (all in the room's slot)."""
        k = self.k
        with self.r.pipeline(transaction=True) as pipe:
            pipe.set(k.seal(code, round_), 1, px=ROOM_TTL_MS)
            pipe.delete(k.progress(code, round_), *(k.log(code, round_, p) for p in player_ids))
            pipe.execute()

    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        """Return a log's lines."""
        lines: list[str] = self.r.lrange(self.k.log(code, round_, player_id), 0, -1)
        return lines

    def put_progress(self, code: str, round_: int, player_id: str, data: str) -> None:
        """Store a player's progress."""
        key = self.k.progress(code, round_)
        with self.r.pipeline(transaction=False) as pipe:
            pipe.hset(key, player_id, data)
            pipe.pexpire(key, ROOM_TTL_MS)
            pipe.execute()

    def get_progress(self, code: str, round_: int) -> dict[str, str]:
        """Return a round's progress."""
        found: dict[str, str] = self.r.hgetall(self.k.progress(code, round_))
        return found

    def get_progress_many(self, rounds: list[tuple[str, int]]) -> list[dict[str, str]]:
        """Return several rounds' progress in one pipelined round trip."""
        if not rounds:
            return []
        with self.r.pipeline(transaction=False) as pipe:
            for code, round_ in rounds:
                pipe.hgetall(self.k.progress(code, round_))
            found: list[dict[str, str]] = pipe.execute()
        return found

    def put_conn(self, code: str, player_id: str, sid: str) -> None:
        """Record a seat's connection."""
        self.r.set(self.k.conn(code, player_id), sid, px=ROOM_TTL_MS)

    def get_conn(self, code: str, player_id: str) -> str | None:
        """Return the seat's connection."""
        sid: str | None = self.r.get(self.k.conn(code, player_id))
        return sid

    def drop_conn(self, code: str, player_id: str, sid: str) -> bool:
        """Forget the seat's connection if it is still ``sid``."""
        return bool(self.scripts.run("compare_del", [self.k.conn(code, player_id)], [sid]))

    # --- deadlines and leases ----------------------------------------------------------------

    def acquire_leases(self, names: Sequence[str], owner: str, ttl_ms: int) -> list[bool]:
        """Take or renew leases: one Lua step per shard, all in one round trip."""
        by_shard: dict[int, list[int]] = {}
        for i, name in enumerate(names):
            by_shard.setdefault(self.k.item_shard(name), []).append(i)
        args: list[str | int] = [owner, ttl_ms]
        calls = [([self.k.lease(names[i]) for i in at], args) for at in by_shard.values()]
        got = [False] * len(names)
        for at, held in zip(by_shard.values(), self.scripts.run_each("leases", calls), strict=True):
            for i, n in zip(at, held, strict=True):
                got[i] = bool(n)
        return got

    def take_tokens(self, key: str, per_second: float, burst: int, want: int) -> int:
        """Take tokens from a bucket shared by every worker (Lua; expires once full)."""
        args: list[str | int] = [self._clock(), repr(float(per_second)), burst, want]
        return int(self.scripts.run("take", [self.k.bucket(key)], args))

    def ping(self) -> None:
        """Raise if Redis cannot be reached."""
        self.r.ping()
