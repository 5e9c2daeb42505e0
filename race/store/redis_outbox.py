"""The Redis store's results outbox: waiting records, their backoff, dead letters.

Records wait in a hash (id -> payload) ordered by a sorted set scored by when each is due
(its arrival, or the end of its backoff after a failure); failed attempts are counted in a
hash, so every worker draining the outbox sees the same count. Dead letters are a list
of JSON objects, at most ``DEAD_LETTER_MAX``. Each move between them is one Lua step
(``race/store/lua/outbox_*.lua``).
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
    """The outbox half of ``RedisStore`` (its client, prefix, clock and script runner)."""

    r: Any
    k: Keys
    scripts: Scripts
    _clock: Callable[[], int]

    def _outbox_keys(self) -> tuple[str, str, str, str]:
        """Return the keys of the records, their order, their attempts and the dead letters."""
        k = self.k
        return k.outbox, k.outbox_order, k.outbox_tries, k.outbox_dead

    def outbox_pending(self, limit: int = 50) -> list[tuple[str, str]]:
        """Return the records due now, earliest due first."""
        records, order, _, _ = self._outbox_keys()
        ids: list[str] = self.r.zrangebyscore(order, "-inf", self._clock(), start=0, num=limit)
        if not ids:
            return []
        payloads = self.r.hmget(records, ids)
        return [(i, p) for i, p in zip(ids, payloads, strict=True) if p is not None]

    def outbox_failed(self, record_id: str, first_ms: int, longest_ms: int) -> int:
        """Count a failure and push the record's due time back by its backoff (Lua)."""
        records, order, tries, _ = self._outbox_keys()
        args: list[str | int] = [record_id, self._clock(), first_ms, longest_ms]
        return int(self.scripts.run("outbox_failed", [records, order, tries], args))

    def outbox_dead_letter(self, record_id: str, reason: str) -> bool:
        """Move a waiting record to the dead letters (Lua)."""
        args: list[str | int] = [record_id, reason, DEAD_LETTER_MAX]
        return bool(self.scripts.run("outbox_dead", list(self._outbox_keys()), args))

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        """Return the oldest dead letters."""
        raw: list[str] = self.r.lrange(self._outbox_keys()[3], 0, limit - 1)
        found = [json.loads(item) for item in raw]
        return [DeadLetter(d["id"], d["payload"], d["reason"]) for d in found]

    def dead_letter_count(self) -> int:
        """Count the dead letters."""
        return int(self.r.llen(self._outbox_keys()[3]))

    def retry_dead_letters(self, limit: int = DEAD_LETTER_MAX) -> int:
        """Put the oldest dead letters back in the outbox, due now (Lua)."""
        records, order, _, dead = self._outbox_keys()
        return int(self.scripts.run("outbox_retry", [records, order, dead], [limit, self._clock()]))

    def outbox_done(self, record_id: str) -> None:
        """Drop a persisted record."""
        records, order, tries, _ = self._outbox_keys()
        with self.r.pipeline(transaction=True) as pipe:
            pipe.hdel(records, record_id)
            pipe.zrem(order, record_id)
            pipe.hdel(tries, record_id)
            pipe.execute()

    def outbox_size(self) -> int:
        """Count waiting records."""
        return int(self.r.hlen(self._outbox_keys()[0]))
