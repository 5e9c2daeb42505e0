"""The Redis store's results outbox: waiting records, their backoff, dead letters.

Each shard (``race.store.keys``) has its own outbox, written with its rooms' moves:
records wait in a hash (id -> payload) ordered by a sorted set scored by when each is due
(its arrival, or the end of its backoff after a failure); failed attempts are counted in a
hash, so every worker draining the outbox sees the same count. Dead letters are a list of
JSON objects per shard, numbered from one counter so they read oldest first across
shards. Each move between them is one Lua step in one shard (``race/store/lua/outbox_*``).

A record is found by its id: in the shard ``outbox_pending`` last saw it in, else in every
shard (the scripts change nothing where the record is not).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from race.store.base import DEAD_LETTER_MAX
from race.store.base import DeadLetter
from race.store.keys import Keys
from race.store.scripts import Scripts


class RedisOutbox:
    """The outbox half of ``RedisStore`` (its client, keys, clock and scripts)."""

    r: Any
    k: Keys
    scripts: Scripts
    _clock: Callable[[], int]
    #: The shard of each record ``outbox_pending`` returned last (at most its limit).
    _record_shard: dict[str, int]

    def _shards_of(self, record_id: str) -> list[int]:
        known = self._record_shard.get(record_id)
        return list(range(self.k.shards)) if known is None else [known]

    def _each_shard(self, *commands: Callable[[int], tuple[Any, ...]]) -> list[list[Any]]:
        """Run the given commands on every shard in one pipeline; return, per command, its
        reply from each shard."""
        shards = range(self.k.shards)
        with self.r.pipeline(transaction=False) as pipe:
            for make in commands:
                for s in shards:
                    pipe.execute_command(*make(s))
            replies = pipe.execute()
        n = len(shards)
        return [replies[i * n : (i + 1) * n] for i in range(len(commands))]

    def outbox_pending(self, limit: int = 50) -> list[tuple[str, str]]:
        """Return the records due now, earliest due first (by id among equals)."""
        now = self._clock()
        with self.r.pipeline(transaction=False) as pipe:
            for s in range(self.k.shards):
                pipe.zrangebyscore(self.k.outbox(s)[1], "-inf", now, 0, limit, withscores=True)
            found = pipe.execute()
        due = sorted(
            (float(score), record_id, s)
            for s, pairs in enumerate(found)
            for record_id, score in pairs
        )[:limit]
        self._record_shard = {record_id: s for _, record_id, s in due}
        if not due:
            return []
        with self.r.pipeline(transaction=False) as pipe:
            for _, record_id, s in due:
                pipe.hget(self.k.outbox(s)[0], record_id)
            payloads = pipe.execute()
        return [(i, p) for (_, i, _), p in zip(due, payloads, strict=True) if p is not None]

    def outbox_failed(self, record_id: str, first_ms: int, longest_ms: int) -> int:
        """Count a failure and push the record's due time back by its backoff (Lua)."""
        args: list[str | int] = [record_id, self._clock(), first_ms, longest_ms]
        calls = [(self.k.outbox(s)[:3], args) for s in self._shards_of(record_id)]
        return max(int(n) for n in self.scripts.run_each("outbox_failed", calls))

    def outbox_dead_letter(self, record_id: str, reason: str) -> bool:
        """Move a waiting record to the dead letters (Lua), unless ``DEAD_LETTER_MAX`` are
        kept in all shards together (counted just before the move: workers setting letters
        aside at the same moment may pass it by one each)."""
        (counts,) = self._each_shard(lambda s: ("LLEN", self.k.outbox(s)[3]))
        total = sum(int(n) for n in counts)
        seq = int(self.r.incr(self.k.dead_seq))
        calls = []
        for s in self._shards_of(record_id):
            room: list[str | int] = [
                record_id,
                reason,
                DEAD_LETTER_MAX - total + int(counts[s]),
                seq,
            ]
            calls.append((self.k.outbox(s), room))
        return any(self.scripts.run_each("outbox_dead", calls))

    def _letters(self, limit: int) -> list[tuple[int, int, DeadLetter]]:
        """Return up to ``limit`` oldest dead letters as (number, shard, letter)."""
        (found,) = self._each_shard(lambda s: ("LRANGE", self.k.outbox(s)[3], 0, limit - 1))
        letters = []
        for s, raw in enumerate(found):
            for item in raw:
                d = json.loads(item)
                letters.append(
                    (int(d.get("seq", 0)), s, DeadLetter(d["id"], d["payload"], d["reason"]))
                )
        return sorted(letters, key=lambda x: (x[0], x[1]))[:limit]

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        """Return the oldest dead letters."""
        return [letter for _, _, letter in self._letters(limit)]

    def dead_letter_count(self) -> int:
        """Count the dead letters."""
        (counts,) = self._each_shard(lambda s: ("LLEN", self.k.outbox(s)[3]))
        return sum(int(n) for n in counts)

    def retry_dead_letters(self, limit: int = DEAD_LETTER_MAX) -> int:
        """Put the oldest dead letters back in the outbox, due now (Lua)."""
        moving: dict[int, int] = {}
        for _, s, _ in self._letters(limit):
            moving[s] = moving.get(s, 0) + 1
        now = self._clock()
        calls = []
        for s, n in moving.items():
            records, order, _, dead = self.k.outbox(s)
            calls.append(([records, order, dead], [n, now]))
        return sum(int(n) for n in self.scripts.run_each("outbox_retry", calls))

    def outbox_done(self, record_id: str) -> None:
        """Drop a persisted record (Lua)."""
        calls = [(self.k.outbox(s)[:3], [record_id]) for s in self._shards_of(record_id)]
        self.scripts.run_each("outbox_done", calls)

    def outbox_size(self) -> int:
        """Count waiting records."""
        (counts,) = self._each_shard(lambda s: ("HLEN", self.k.outbox(s)[0]))
        return sum(int(n) for n in counts)
