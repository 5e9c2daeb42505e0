"""The Redis store's deadlines: scheduling, claiming (with the rest of a heartbeat's
reads), reporting them applied, counting failed tries.

Each shard (``race.store.keys``) has its deadlines in one sorted set (item -> due time),
written with its rooms' moves; an item, ``kind|room|...``, lives in its room's shard.
Claiming pushes each item to ``held_until(claim)``. Failed attempts at applying one are
counted in a hash beside it, so every worker that claims it sees the same count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.exceptions import NoScriptError

from race.store.base import Beat
from race.store.coalesce import Coalescer
from race.store.keys import Keys
from race.store.keys import read_live
from race.store.policy import due_first
from race.store.policy import held_until
from race.store.scripts import Scripts

#: Deadlines claimed per beat at most (``Store.claim_due``'s default limit), shared out
#: between the shards: a shard with more due waits for the next beat.
BEAT_CLAIMS = 100


class RedisDeadlines:
    """The deadlines half of ``RedisStore`` (its client, keys, scripts and sweep)."""

    r: Any
    k: Keys
    scripts: Scripts
    _batches: Coalescer

    def _sweep(self, now: int) -> None:
        raise NotImplementedError

    def _deadline_keys(self, shard: int) -> list[str]:
        return [self.k.deadlines(shard), self.k.deadline_tries(shard)]

    def claim_due(self, now: int, limit: int = 100) -> list[str]:
        """Claim due deadlines atomically (Lua): each goes to one caller and is pushed
        to ``held_until(now)`` until that caller reports it applied.

        Over several shards, the earliest ``limit`` due are found first, then each shard
        claims its share of them (what another claimer took meanwhile is not taken).
        """
        self._sweep(now)
        shares = {0: limit}
        if self.k.shards > 1:
            with self.r.pipeline(transaction=False) as pipe:
                for s in range(self.k.shards):
                    pipe.zrangebyscore(self.k.deadlines(s), "-inf", now, 0, limit, True)
                found = pipe.execute()
            shard_of = {item: s for s, pairs in enumerate(found) for item, _ in pairs}
            entries = [pair for pairs in found for pair in pairs]
            shares = {}
            for item in due_first(entries, now, limit):
                shares[shard_of[item]] = shares.get(shard_of[item], 0) + 1
        calls = [([self.k.deadlines(s)], _claim_args(now, n)) for s, n in shares.items()]
        return _merged(self.scripts.run_each("claim", calls))

    def beat(self, now: int, progress_of: list[tuple[str, int]]) -> Beat:
        """The claim, the live rooms and the progress asked for, as one pipeline that
        shares its round trip with whatever else is in flight (``race.store.coalesce``).
        Each shard claims at most its share of ``BEAT_CLAIMS``."""
        self._sweep(now)
        k, shards = self.k, range(self.k.shards)
        share = max(1, BEAT_CLAIMS // k.shards)
        claims = [([k.deadlines(s)], _claim_args(now, share)) for s in shards]
        replies = self._batches.run_many(
            [
                *[self.scripts.call("claim", *claim) for claim in claims],
                *[("ZRANGEBYSCORE", k.live(s), "-inf", now, "WITHSCORES") for s in shards],
                *[("HGETALL", k.progress(code, round_)) for code, round_ in progress_of],
            ]
        )
        for s, claim in enumerate(claims):
            if isinstance(replies[s], NoScriptError):  # nothing was claimed: load and claim
                replies[s] = self.scripts.reload("claim", *claim)
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        n = len(shards)
        live = []
        for reply in replies[n : 2 * n]:
            scored = reply
            if scored and not isinstance(scored[0], list | tuple):  # RESP2: a flat list
                scored = list(zip(scored[::2], scored[1::2], strict=True))
            live += [read_live(member, score) for member, score in scored]
        live.sort(key=lambda room: (room.starts_at, room.code))
        return Beat(_merged(replies[:n]), live, replies[2 * n :])

    def schedule(self, item: str, due_ms: int) -> None:
        """Schedule a deadline."""
        self.r.zadd(self.k.deadlines(self.k.item_shard(item)), {item: due_ms})

    def cancel(self, item: str) -> None:
        """Cancel a deadline (and forget its failed tries)."""
        deadlines, tries = self._deadline_keys(self.k.item_shard(item))
        with self.r.pipeline(transaction=True) as pipe:
            pipe.zrem(deadlines, item)
            pipe.hdel(tries, item)
            pipe.execute()

    def deadlines_done(self, items: Sequence[str], claimed_at: int) -> None:
        """Drop applied deadlines still held by their claim (Lua, once per shard)."""
        by_shard: dict[int, list[str | int | float]] = {}
        for item in items:
            by_shard.setdefault(self.k.item_shard(item), [held_until(claimed_at)]).append(item)
        calls = [(self._deadline_keys(s), args) for s, args in by_shard.items()]
        if calls:
            self.scripts.run_each("deadlines_done", calls)

    def deadline_failed(self, item: str, claimed_at: int, first_ms: int, longest_ms: int) -> int:
        """Count a failed try and move the deadline to the end of its backoff (Lua)."""
        args: list[str | int | float] = [
            item,
            held_until(claimed_at),
            claimed_at,
            first_ms,
            longest_ms,
        ]
        keys = self._deadline_keys(self.k.item_shard(item))
        return int(self.scripts.run("deadline_failed", keys, args))


def _claim_args(now: int, limit: int) -> list[str | int | float]:
    """Return the claim script's arguments: due by ``now``, at most ``limit``, held."""
    return [now, limit, held_until(now)]


def _merged(claims: list[list[str]]) -> list[str]:
    """Return the items of the claim scripts' replies (item, due, ...), earliest first."""
    pairs = [
        (float(due), item)
        for flat in claims
        for item, due in zip(flat[::2], flat[1::2], strict=True)
    ]
    return [item for _, item in sorted(pairs)]
