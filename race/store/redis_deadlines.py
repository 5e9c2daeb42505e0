"""The Redis store's deadlines: scheduling, reporting them applied, counting failed tries.

Deadlines are one sorted set (item -> due time); claiming them (``RedisStore.claim_due``)
pushes each to ``held_until(claim)``. Failed attempts at applying one are counted in a
hash beside it, so every worker that claims it sees the same count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from race.store.base import held_until

_DONE = """
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
  end
end
return 0
"""
_FAILED = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local wait = math.min(tonumber(ARGV[4]) * 2 ^ math.min(n - 1, 30), tonumber(ARGV[5]))
redis.call('ZADD', KEYS[1], tonumber(ARGV[3]) + math.floor(wait), ARGV[1])
return n
"""


class RedisDeadlines:
    """The deadlines half of ``RedisStore`` (its client, prefix and script runner)."""

    r: Any
    p: str

    def _run(self, script: Any, keys: list[str], args: Sequence[str | int | float]) -> Any:
        raise NotImplementedError

    def _init_deadlines(self, client: Any) -> None:
        self._claimed_done = client.register_script(_DONE)
        self._deadline_failed = client.register_script(_FAILED)

    def _deadline_keys(self) -> list[str]:
        return [f"{self.p}deadlines", f"{self.p}deadline:tries"]

    def schedule(self, item: str, due_ms: int) -> None:
        """Schedule a deadline."""
        self.r.zadd(f"{self.p}deadlines", {item: due_ms})

    def cancel(self, item: str) -> None:
        """Cancel a deadline (and forget its failed tries)."""
        with self.r.pipeline(transaction=True) as pipe:
            pipe.zrem(f"{self.p}deadlines", item)
            pipe.hdel(f"{self.p}deadline:tries", item)
            pipe.execute()

    def deadlines_done(self, items: Sequence[str], claimed_at: int) -> None:
        """Drop applied deadlines still held by their claim (Lua)."""
        if items:
            args: list[str | int | float] = [held_until(claimed_at), *items]
            self._run(self._claimed_done, self._deadline_keys(), args)

    def deadline_failed(self, item: str, claimed_at: int, first_ms: int, longest_ms: int) -> int:
        """Count a failed try and move the deadline to the end of its backoff (Lua)."""
        args: list[str | int | float] = [
            item,
            held_until(claimed_at),
            claimed_at,
            first_ms,
            longest_ms,
        ]
        return int(self._run(self._deadline_failed, self._deadline_keys(), args))
