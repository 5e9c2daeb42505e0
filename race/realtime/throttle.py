"""Rate limits: per connection (in this worker) and per client IP (in the shared store).

A connection is pinned to one worker, so its event budget is a token bucket in the
worker's memory, checked in a few operations on the hot path (the ``limits`` library's
in-memory storage sweeps every key on a timer: measured at 30 % of a loaded worker's
CPU with one key per connection). Per-IP budgets (connections, joins, room creations)
are rare events that must hold across workers, so they go through ``limits`` (moving
windows), in Redis in scaled mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem
from limits import parse
from limits.storage import MemoryStorage
from limits.storage import RedisStorage
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter

from race.core.room import Refused


@dataclass(frozen=True)
class Budgets:
    """Every limit, in the ``limits`` notation ("25/second", "30/minute")."""

    #: Any event on one connection (an honest client sends at most ~10 a second).
    events_per_connection: str = "30/second"
    #: New connections from one IP.
    connects_per_ip: str = "60/minute"
    #: quick / join / practice / create from one IP (also slows room-code guessing).
    joins_per_ip: str = "40/minute"
    #: Rooms created (private and practice) from one IP.
    rooms_per_ip: str = "20/minute"

    @classmethod
    def parse_setting(cls, raw: str | None) -> Budgets:
        """Read ``RATE_LIMITS`` ("events_per_connection=30/second;joins_per_ip=...")."""
        if not raw:
            return cls()
        values: dict[str, str] = {}
        for part in raw.split(";"):
            name, _, value = part.partition("=")
            if name.strip() not in cls.__dataclass_fields__:
                raise ValueError(f"RATE_LIMITS: unknown budget {name.strip()!r}")
            parse(value.strip())  # raises on a malformed limit
            values[name.strip()] = value.strip()
        return cls(**values)


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; one event spends one."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def take(self, now: float) -> bool:
        """Spend a token if there is one."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Throttle:
    """Checks budgets; raises ``Refused("rate_limited")`` when one is spent."""

    def __init__(
        self,
        budgets: Budgets,
        redis_url: str | None,
        prefix: str = "cr:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budgets = budgets
        self._clock = clock
        per_connection = parse(budgets.events_per_connection)
        #: Events a second for one connection, and the burst it may save up (one window).
        self._rate = per_connection.amount / per_connection.get_expiry()
        self._burst = float(per_connection.amount)
        self._buckets: dict[str, TokenBucket] = {}
        shared: Storage = (
            RedisStorage(redis_url, key_prefix=f"{prefix}limits") if redis_url else MemoryStorage()
        )
        self._shared = MovingWindowRateLimiter(shared)
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, spec: str) -> RateLimitItem:
        item = self._items.get(spec)
        if item is None:
            item = self._items[spec] = parse(spec)
        return item

    def event(self, sid: str) -> None:
        """Spend one event of a connection's budget."""
        now = self._clock()
        bucket = self._buckets.get(sid)
        if bucket is None:
            bucket = self._buckets[sid] = TokenBucket(self._rate, self._burst, now)
        if not bucket.take(now):
            raise Refused("rate_limited", "too many messages; slow down")

    def forget(self, sid: str) -> None:
        """Drop a closed connection's bucket."""
        self._buckets.pop(sid, None)

    def connect(self, ip: str) -> bool:
        """Spend one connection of an IP's budget; False if it is spent."""
        return self._shared.hit(self._item(self.budgets.connects_per_ip), "conn", ip)

    def join(self, ip: str, creates_room: bool = False) -> None:
        """Spend one join (and one room creation, if it creates a room) of an IP's budget."""
        if not self._shared.hit(self._item(self.budgets.joins_per_ip), "join", ip):
            raise Refused("rate_limited", "too many joins from your address; wait a minute")
        if creates_room and not self._shared.hit(self._item(self.budgets.rooms_per_ip), "room", ip):
            raise Refused("rate_limited", "too many new rooms from your address; wait a minute")
