"""The Redis store's deadlines: scheduling, claiming (with the rest of a heartbeat's
reads), reporting them applied, counting failed tries.

Deadlines are one sorted set (item -> due time); claiming them pushes each to
``held_until(claim)``. Failed attempts at applying one are counted in a
hash beside it, so every worker that claims it sees the same count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.exceptions import NoScriptError

from race.store.base import Beat
from race.store.coalesce import Coalescer
from race.store.keys import Keys
from race.store.keys import read_live
from race.store.policy import held_until
from race.store.scripts import Scripts


class RedisDeadlines:
    """The deadlines half of ``RedisStore`` (its client, keys, scripts and sweep)."""

    r: Any
    k: Keys
    scripts: Scripts
    _batches: Coalescer

    def _sweep(self, now: int) -> None:
        raise NotImplementedError

    def claim_due(self, now: int, limit: int = 100) -> list[str]:
        """Claim due deadlines atomically (Lua): each goes to one caller and is pushed
        to ``held_until(now)`` until that caller reports it applied."""
        self._sweep(now)
        claimed = self.scripts.run("claim", [self.k.deadlines], _claim_args(now, limit))
        return list(claimed[::2])

    def beat(self, now: int, progress_of: list[tuple[str, int]]) -> Beat:
        """The claim, the live rooms and the progress asked for, as one pipeline that
        shares its round trip with whatever else is in flight (``race.store.coalesce``)."""
        self._sweep(now)
        k, claim = self.k, ([self.k.deadlines], _claim_args(now))
        replies = self._batches.run_many(
            [
                self.scripts.call("claim", *claim),
                ("ZRANGEBYSCORE", k.live, "-inf", now, "WITHSCORES"),
                *[("HGETALL", k.progress(code, round_)) for code, round_ in progress_of],
            ]
        )
        if isinstance(replies[0], NoScriptError):  # nothing was claimed: load it and claim
            replies[0] = self.scripts.reload("claim", *claim)
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        claimed, scored, *progress = replies
        if scored and not isinstance(scored[0], list | tuple):  # RESP2: a flat list
            scored = list(zip(scored[::2], scored[1::2], strict=True))
        live = [read_live(member, score) for member, score in scored]
        return Beat(list(claimed[::2]), live, progress)

    def _deadline_keys(self) -> list[str]:
        return [self.k.deadlines, self.k.deadline_tries]

    def schedule(self, item: str, due_ms: int) -> None:
        """Schedule a deadline."""
        self.r.zadd(self.k.deadlines, {item: due_ms})

    def cancel(self, item: str) -> None:
        """Cancel a deadline (and forget its failed tries)."""
        with self.r.pipeline(transaction=True) as pipe:
            pipe.zrem(self.k.deadlines, item)
            pipe.hdel(self.k.deadline_tries, item)
            pipe.execute()

    def deadlines_done(self, items: Sequence[str], claimed_at: int) -> None:
        """Drop applied deadlines still held by their claim (Lua)."""
        if items:
            args: list[str | int | float] = [held_until(claimed_at), *items]
            self.scripts.run("deadlines_done", self._deadline_keys(), args)

    def deadline_failed(self, item: str, claimed_at: int, first_ms: int, longest_ms: int) -> int:
        """Count a failed try and move the deadline to the end of its backoff (Lua)."""
        args: list[str | int | float] = [
            item,
            held_until(claimed_at),
            claimed_at,
            first_ms,
            longest_ms,
        ]
        return int(self.scripts.run("deadline_failed", self._deadline_keys(), args))


def _claim_args(now: int, limit: int = 100) -> list[str | int | float]:
    """Return the claim script's arguments: due by ``now``, at most ``limit``, held."""
    return [now, limit, held_until(now)]
