"""The Redis store's cross-room indexes, per shard: rooms in their race, rooms by phase,
who is waiting or racing (presence), and the sweep that drops the entries of rooms whose
keys expired.

A room move writes its own entries (``RedisStore._write_room``, in the room's shard);
these read every shard, one pipelined command per shard, so ``Keys.shards`` bounds the
keys read per call.
"""

from __future__ import annotations

from typing import Any

from race.core import presence
from race.store.base import Live
from race.store.keys import Keys
from race.store.keys import read_live
from race.store.policy import Every
from race.store.policy import count_phases

#: Index entries of expired rooms looked at per shard and sweep.
SWEEP_BATCH = 100


class RedisIndexes:
    """The indexes half of ``RedisStore`` (its client and keys)."""

    r: Any
    k: Keys
    #: Gates the sweep of expired rooms' index entries (``_sweep``).
    _sweeps: Every

    def live_rooms(self, now: int) -> list[Live]:
        """Return rooms whose race has started by ``now`` (every shard's, by start)."""
        with self.r.pipeline(transaction=False) as pipe:
            for s in range(self.k.shards):
                pipe.zrangebyscore(self.k.live(s), "-inf", now, withscores=True)
            found = pipe.execute()
        live = [read_live(member, score) for members in found for member, score in members]
        return sorted(live, key=lambda room: (room.starts_at, room.code))

    def room_count(self) -> dict[str, int]:
        """Count rooms by phase."""
        with self.r.pipeline(transaction=False) as pipe:
            for s in range(self.k.shards):
                pipe.hvals(self.k.phases(s))
            found = pipe.execute()
        return count_phases(phase for phases in found for phase in phases)

    def presence(self) -> presence.Counts:
        """Sum the rooms' presence entries: one HVALS per shard, over the rooms that count
        anyone (a room's entry is written and dropped with the room, and swept with it)."""
        with self.r.pipeline(transaction=False) as pipe:
            for s in range(self.k.shards):
                pipe.hvals(self.k.presence(s))
            found = pipe.execute()
        return presence.tally(value for values in found for value in values)

    def _sweep(self, now: int) -> None:
        """Drop the index entries of rooms whose keys expired (at most once a second,
        ``SWEEP_BATCH`` rooms per shard)."""
        if not self._sweeps.due(now):
            return
        with self.r.pipeline(transaction=False) as pipe:
            for s in range(self.k.shards):
                pipe.zrangebyscore(self.k.expiry(s), "-inf", now, start=0, num=SWEEP_BATCH)
            found = pipe.execute()
        for s, expired in enumerate(found):
            if expired:
                self._sweep_shard(s, expired)

    def _sweep_shard(self, s: int, expired: list[str]) -> None:
        """Drop the index entries of the rooms of one shard whose keys expired."""
        k = self.k
        with self.r.pipeline(transaction=False) as pipe:
            for code in expired:
                pipe.exists(k.room(code))
            alive = pipe.execute()
        dead = {code for code, exists in zip(expired, alive, strict=True) if not exists}
        if not dead:
            return
        # A room whose key expired while still indexed as live (its race never concluded)
        # would otherwise be ticked for ever.
        stale = [m for m in self.r.zrange(k.live(s), 0, -1) if m.rpartition("|")[0] in dead]
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hdel(k.phases(s), *dead)
            pipe.hdel(k.presence(s), *dead)
            pipe.zrem(k.expiry(s), *dead)
            if stale:
                pipe.zrem(k.live(s), *stale)
            pipe.execute()
