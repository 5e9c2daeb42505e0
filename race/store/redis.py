"""The Redis store: the same interface, shared by every worker; atomic where it must be.

Room moves use WATCH/MULTI (optimistic compare-and-set, retried on conflict) so a pure
move from ``race.core.room`` is applied exactly once against the latest room, together
with its deadlines and outbox records. The small atomic operations (append a batch by
sequence number, claim due deadlines, take a lease, swap the open lobby) are Lua scripts.
Every room key carries a TTL, so abandoned rooms and their logs vanish on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import redis as redis_lib
from redis.exceptions import NoScriptError
from redis.exceptions import WatchError

from race.core.room import Room
from race.store.base import ROOM_TTL_MS
from race.store.base import Beat
from race.store.base import Effects
from race.store.base import EffectsFn
from race.store.base import Live
from race.store.base import Move
from race.store.base import NoSuchRoom
from race.store.base import Sealed
from race.store.base import Store
from race.store.base import held_until
from race.store.base import wall_ms
from race.store.coalesce import Coalescer
from race.store.codec import decode_room
from race.store.codec import encode_room
from race.store.redis_deadlines import RedisDeadlines
from race.store.redis_outbox import RedisOutbox

log = logging.getLogger(__name__)

#: How often a claim also sweeps the index entries of expired rooms.
SWEEP_EVERY_MS = 1000

_APPEND = """
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[4]) == 1 then return -2 end
local n = redis.call('LLEN', KEYS[1])
if n == tonumber(ARGV[1]) then
  redis.call('RPUSH', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  if ARGV[5] == '1' then
    redis.call('HSET', KEYS[2], ARGV[4], ARGV[6])
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
  end
end
return n
"""
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, item in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[3], item) end
return due
"""
_LEASES = """
local got = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == false or holder == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    got[i] = 1
  else
    got[i] = 0
  end
end
return got
"""
_SWAP = """
local cur = redis.call('GET', KEYS[1])
if cur == false then cur = '' end
if cur ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
"""
_COMPARE_DEL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_TAKE = """
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, stamp = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate / 1000)
local given = math.max(0, math.min(tonumber(ARGV[4]), math.floor(tokens)))
tokens = tokens - given
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1)
return given
"""
_LIVE = ("countdown", "racing")
#: Decoded rooms kept per worker (only reused while the stored JSON is unchanged).
DECODED_CACHE = 10_000


def _live(member: str, score: str | float) -> Live:
    """Read one entry of the live-rooms index ("code|round", scored by the start time)."""
    code, _, rnd = member.rpartition("|")
    return Live(code, int(rnd), int(float(score)))


class RedisStore(RedisDeadlines, RedisOutbox, Store):
    """Race state in Redis under a key prefix."""

    def __init__(
        self, client: redis_lib.Redis, prefix: str = "cr:", clock: Callable[[], int] = wall_ms
    ) -> None:
        # decode_responses=True makes every reply a str; redis-py's annotations cannot say so.
        self.r: Any = client
        self.p = prefix
        self._clock = clock
        #: The last JSON read for each room and its decoded room (rooms are immutable).
        self._decoded: dict[str, tuple[str, Room]] = {}
        self._append = client.register_script(_APPEND)
        self._claim = client.register_script(_CLAIM)
        self._init_deadlines(client)
        self._leases = client.register_script(_LEASES)
        self._swap = client.register_script(_SWAP)
        self._compare_del = client.register_script(_COMPARE_DEL)
        self._take = client.register_script(_TAKE)
        self._init_outbox(client)
        self._batches = Coalescer(lambda: client.pipeline(transaction=False))
        #: When the next sweep of expired rooms' index entries is due (``_sweep``).
        self._next_sweep = 0

    # --- keys ----------------------------------------------------------------------------

    def _room(self, code: str) -> str:
        return f"{self.p}room:{code}"

    def _log(self, code: str, round_: int, player_id: str) -> str:
        return f"{self.p}log:{code}:{round_}:{player_id}"

    def _seal(self, code: str, round_: int) -> str:
        return f"{self.p}seal:{code}:{round_}"

    def _prog(self, code: str, round_: int) -> str:
        return f"{self.p}prog:{code}:{round_}"

    # --- rooms ---------------------------------------------------------------------------

    def _write_room(
        self, pipe: Any, before: Room | None, room: Room, effects: Effects | None
    ) -> None:
        """Queue the writes of a room and its effects on a MULTI pipeline."""
        pipe.set(self._room(room.code), encode_room(room), px=ROOM_TTL_MS)
        pipe.hset(f"{self.p}phases", room.code, room.phase)
        pipe.zadd(f"{self.p}expiry", {room.code: self._clock() + ROOM_TTL_MS})
        if before is not None and before.round != room.round:
            pipe.zrem(f"{self.p}live", f"{room.code}|{before.round}")
        member = f"{room.code}|{room.round}"
        if room.phase in _LIVE and room.starts_at is not None:
            pipe.zadd(f"{self.p}live", {member: room.starts_at})
        else:
            pipe.zrem(f"{self.p}live", member)
        if effects is None:
            return
        if effects.schedule:
            pipe.zadd(f"{self.p}deadlines", dict(effects.schedule))
        if effects.cancel:
            pipe.zrem(f"{self.p}deadlines", *effects.cancel)
            pipe.hdel(f"{self.p}deadline:tries", *effects.cancel)
        for record_id, payload in effects.outbox.items():
            pipe.hsetnx(f"{self.p}outbox", record_id, payload)
            pipe.zadd(f"{self.p}outbox:order", {record_id: self._clock()}, nx=True)

    def create_room(self, room: Room, effects: Effects | None = None) -> bool:
        """Store a new room unless the code is taken."""
        key = self._room(room.code)
        with self.r.pipeline() as pipe:
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
        raw = self._batches.run("GET", self._room(code))
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
        key = self._room(code)
        with self.r.pipeline() as pipe:
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
        with self.r.pipeline(transaction=True) as pipe:
            pipe.delete(self._room(code))
            pipe.hdel(f"{self.p}phases", code)
            pipe.zrem(f"{self.p}expiry", code)
            if room is not None:
                pipe.zrem(f"{self.p}live", f"{code}|{room.round}")
            pipe.execute()

    def live_rooms(self, now: int) -> list[Live]:
        """Return rooms whose race has started by ``now``."""
        members = self.r.zrangebyscore(f"{self.p}live", "-inf", now, withscores=True)
        return [_live(member, score) for member, score in members]

    def room_count(self) -> dict[str, int]:
        """Count rooms by phase."""
        counts = {"lobby": 0, "countdown": 0, "racing": 0, "finished": 0}
        for phase in self.r.hvals(f"{self.p}phases"):
            counts[phase] = counts.get(phase, 0) + 1
        return counts

    # --- lobbies -------------------------------------------------------------------------

    def get_lobby(self, key: str) -> str | None:
        """Return the open lobby for a key."""
        value: str | None = self.r.get(f"{self.p}lobby:{key}")
        return value

    def swap_lobby(self, key: str, expect: str | None, new: str | None) -> bool:
        """Compare-and-set the open lobby."""
        done = self._run(self._swap, [f"{self.p}lobby:{key}"], [expect or "", new or ""])
        return bool(done)

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
    ) -> int:
        """Append by sequence number and store the progress, in one Lua step."""
        keys = [
            self._log(code, round_, player_id),
            self._prog(code, round_),
            self._room(code),
            self._seal(code, round_),
        ]
        args: list[str | int] = [
            seq, line, ROOM_TTL_MS, player_id, "0" if progress is None else "1", progress or ""
        ]  # fmt: skip
        before = int(self._run(self._append, keys, args))
        if before == -2:
            raise Sealed(code)
        if before < 0:
            raise NoSuchRoom(code)
        return before

    def seal_round(self, code: str, round_: int) -> None:
        """Mark the round sealed; the append script refuses batches from then on."""
        self.r.set(self._seal(code, round_), 1, px=ROOM_TTL_MS)

    def _run(self, script: Any, keys: list[str], args: Sequence[str | int | float]) -> Any:
        """Run a registered script by its hash (loading it after a Redis restart).

        Calls EVALSHA directly: redis-py's ``Script.__call__`` goes through argument
        deprecation wrappers that cost ~15 % of a loaded worker on the keys path. Calls
        made together share a round trip (``race.store.coalesce``).
        """
        try:
            return self._batches.run("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            script.sha = self.r.script_load(script.script)
            return self.r.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)

    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        """Return a log's lines."""
        lines: list[str] = self.r.lrange(self._log(code, round_, player_id), 0, -1)
        return lines

    def put_progress(self, code: str, round_: int, player_id: str, data: str) -> None:
        """Store a player's progress."""
        key = self._prog(code, round_)
        with self.r.pipeline(transaction=False) as pipe:
            pipe.hset(key, player_id, data)
            pipe.pexpire(key, ROOM_TTL_MS)
            pipe.execute()

    def get_progress(self, code: str, round_: int) -> dict[str, str]:
        """Return a round's progress."""
        found: dict[str, str] = self.r.hgetall(self._prog(code, round_))
        return found

    def get_progress_many(self, rounds: list[tuple[str, int]]) -> list[dict[str, str]]:
        """Return several rounds' progress in one pipelined round trip."""
        if not rounds:
            return []
        with self.r.pipeline(transaction=False) as pipe:
            for code, round_ in rounds:
                pipe.hgetall(self._prog(code, round_))
            found: list[dict[str, str]] = pipe.execute()
        return found

    def put_conn(self, code: str, player_id: str, sid: str) -> None:
        """Record a seat's connection."""
        self.r.set(f"{self.p}conn:{code}:{player_id}", sid, px=ROOM_TTL_MS)

    def get_conn(self, code: str, player_id: str) -> str | None:
        """Return the seat's connection."""
        sid: str | None = self.r.get(f"{self.p}conn:{code}:{player_id}")
        return sid

    def drop_conn(self, code: str, player_id: str, sid: str) -> bool:
        """Forget the seat's connection if it is still ``sid``."""
        return bool(self._run(self._compare_del, [f"{self.p}conn:{code}:{player_id}"], [sid]))

    # --- deadlines and leases ----------------------------------------------------------------

    def claim_due(self, now: int, limit: int = 100) -> list[str]:
        """Claim due deadlines atomically (Lua): each goes to one caller and is pushed
        to ``held_until(now)`` until that caller reports it applied."""
        self._sweep(now)
        args = self._claim_args(now, limit)
        items: list[str] = self._run(self._claim, [f"{self.p}deadlines"], args)
        return items

    @staticmethod
    def _claim_args(now: int, limit: int = 100) -> list[str | int | float]:
        return [now, limit, held_until(now)]

    def beat(self, now: int, progress_of: list[tuple[str, int]]) -> Beat:
        """The claim, the live rooms and the progress asked for, as one pipeline that
        shares its round trip with whatever else is in flight (``race.store.coalesce``)."""
        self._sweep(now)
        deadlines = f"{self.p}deadlines"
        replies = self._batches.run_many(
            [
                ("EVALSHA", self._claim.sha, 1, deadlines, *self._claim_args(now)),
                ("ZRANGEBYSCORE", f"{self.p}live", "-inf", now, "WITHSCORES"),
                *[("HGETALL", self._prog(code, round_)) for code, round_ in progress_of],
            ]
        )
        if isinstance(replies[0], NoScriptError):  # nothing was claimed: load it and claim
            replies[0] = self._run(self._claim, [deadlines], self._claim_args(now))
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        claimed, scored, *progress = replies
        if scored and not isinstance(scored[0], list | tuple):  # RESP2: a flat list
            scored = list(zip(scored[::2], scored[1::2], strict=True))
        return Beat(claimed, [_live(member, score) for member, score in scored], progress)

    def _sweep(self, now: int) -> None:
        """Drop the index entries of rooms whose keys expired (at most once a second)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_MS
        expired = self.r.zrangebyscore(f"{self.p}expiry", "-inf", now, start=0, num=100)
        if not expired:
            return
        with self.r.pipeline(transaction=False) as pipe:
            for code in expired:
                pipe.exists(self._room(code))
            alive = pipe.execute()
        dead = {code for code, exists in zip(expired, alive, strict=True) if not exists}
        if not dead:
            return
        # A room whose key expired while still indexed as live (its race never concluded)
        # would otherwise be ticked for ever.
        stale = [m for m in self.r.zrange(f"{self.p}live", 0, -1) if m.rpartition("|")[0] in dead]
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hdel(f"{self.p}phases", *dead)
            pipe.zrem(f"{self.p}expiry", *dead)
            if stale:
                pipe.zrem(f"{self.p}live", *stale)
            pipe.execute()

    def acquire_leases(self, names: Sequence[str], owner: str, ttl_ms: int) -> list[bool]:
        """Take or renew leases, all in one Lua step."""
        if not names:
            return []
        got = self._run(self._leases, [f"{self.p}lease:{name}" for name in names], [owner, ttl_ms])
        return [bool(n) for n in got]

    def take_tokens(self, key: str, per_second: float, burst: int, want: int) -> int:
        """Take tokens from a bucket shared by every worker (Lua; expires once full)."""
        args: list[str | int] = [self._clock(), repr(float(per_second)), burst, want]
        return int(self._run(self._take, [f"{self.p}bucket:{key}"], args))

    def ping(self) -> None:
        """Raise if Redis cannot be reached."""
        self.r.ping()
