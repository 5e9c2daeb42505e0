"""Rate limits: per connection (in this worker) and per client IP (shared by every worker).

A connection is pinned to one worker, so its event budget is a token bucket in the
worker's memory, checked in a few operations on the hot path (the ``limits`` library's
in-memory storage sweeps every key on a timer: measured at 30 % of a loaded worker's
CPU with one key per connection).

An IP's event budget must hold across workers, so it is a token bucket in the store
(Redis in scaled mode). Each worker takes tokens from it in small leases (a tenth of a
second's worth, at most 20), so the shared bucket costs one store call per lease, not
one per event; a worker asks for one lease per IP at a time and holds at most one
unspent. If the store cannot be reached the IP budget is not enforced (the
per-connection one still is): a Redis outage must not turn into refusing every player.

Per-IP budgets for rare events (connections, joins, room creations) go through
``limits`` (moving windows), in Redis in scaled mode. Every budget is named in
``race.limits.Budgets``; an IP is keyed by ``race.core.addresses.client_key`` (an IPv6
client by its /64).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from limits import RateLimitItem
from limits import parse
from limits.storage import MemoryStorage
from limits.storage import RedisClusterStorage
from limits.storage import RedisStorage
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter

from race.core.bucket import TokenBucket
from race.core.room import Refused
from race.limits import Budgets
from race.store.base import Store
from race.store.client import CONNECT_TIMEOUT_S
from race.store.client import REPLY_TIMEOUT_S

log = logging.getLogger(__name__)


class Throttle:
    """Checks budgets; raises ``Refused("rate_limited")`` when one is spent."""

    def __init__(
        self,
        budgets: Budgets,
        store: Store,
        redis_url: str | None,
        prefix: str = "cr:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budgets = budgets
        self._store = store
        self._clock = clock
        per_connection = parse(budgets.events_per_connection)
        #: Events a second for one connection, and the burst it may save up (one window).
        self._rate = per_connection.amount / per_connection.get_expiry()
        self._burst = float(per_connection.amount)
        self._buckets: dict[str, TokenBucket] = {}
        per_ip = parse(budgets.events_per_ip)
        self._ip_rate = per_ip.amount / per_ip.get_expiry()
        self._ip_burst = per_ip.amount
        self._ip_lease = max(1, min(20, int(self._ip_rate / 10)))
        #: This worker's connections: sid -> IP; per IP, open connections and unspent tokens.
        self._ip_of: dict[str, str] = {}
        self._ip_conns: dict[str, int] = {}
        self._ip_tokens: dict[str, int] = {}
        self._ip_locks: dict[str, threading.Lock] = {}
        #: Leases taken from the store (the tests read it).
        self.leases = 0
        shared: Storage = (
            _shared_storage(redis_url, f"{prefix}limits") if redis_url else MemoryStorage()
        )
        self._shared = MovingWindowRateLimiter(shared)
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, spec: str) -> RateLimitItem:
        item = self._items.get(spec)
        if item is None:
            item = self._items[spec] = parse(spec)
        return item

    def opened(self, sid: str, ip: str) -> None:
        """Note a new connection of ``ip`` (its events then spend the IP's budget too)."""
        self._ip_of[sid] = ip
        self._ip_conns[ip] = self._ip_conns.get(ip, 0) + 1

    def event(self, sid: str) -> None:
        """Spend one event of a connection's budget and of its IP's."""
        now = self._clock()
        bucket = self._buckets.get(sid)
        if bucket is None:
            bucket = self._buckets[sid] = TokenBucket(self._rate, self._burst, now)
        if not bucket.take(now):
            wait = (1 - bucket.tokens) / self._rate  # until one whole token is back
            raise Refused("rate_limited", "too many messages; slow down", retry_ms=_ms(wait))
        ip = self._ip_of.get(sid)
        if ip is not None:
            self._ip_event(ip)

    def _ip_event(self, ip: str) -> None:
        left = self._ip_tokens.get(ip, 0)
        if left <= 0:
            # One lease request per IP at a time: events arriving while it is in flight
            # wait for it and spend from it, instead of each asking the store again.
            lock = self._ip_locks.get(ip)
            if lock is None:
                lock = self._ip_locks[ip] = threading.Lock()
            with lock:
                left = self._ip_tokens.get(ip, 0)
                if left <= 0:
                    left = self._lease(ip)
                self._ip_tokens[ip] = left - 1
            return
        self._ip_tokens[ip] = left - 1

    def _lease(self, ip: str) -> int:
        """Take a lease of the IP's tokens from the store; refuse if none are left."""
        try:
            left = self._store.take_tokens(
                f"ev|{ip}", self._ip_rate, self._ip_burst, self._ip_lease
            )
        except Exception as exc:  # fail open: the store's own callers report outages
            log.warning("IP event budget not checked: %s: %s", type(exc).__name__, exc)
            left = self._ip_lease
        if left <= 0:
            raise Refused(
                "rate_limited",
                "too many messages from your address; slow down",
                retry_ms=_ms(1 / self._ip_rate),
            )
        self.leases += 1
        return left

    def forget(self, sid: str) -> None:
        """Drop a closed connection's bucket (and its IP's lease with its last one)."""
        self._buckets.pop(sid, None)
        ip = self._ip_of.pop(sid, None)
        if ip is not None:
            count = self._ip_conns.get(ip, 1) - 1
            if count > 0:
                self._ip_conns[ip] = count
            else:
                self._ip_conns.pop(ip, None)
                self._ip_tokens.pop(ip, None)
                self._ip_locks.pop(ip, None)

    def connect(self, ip: str) -> None:
        """Spend one connection of an IP's budget."""
        wait = self._windowed(self.budgets.connects_per_ip, "conn", ip)
        if wait is not None:
            raise _spent("too many connections from your address", wait)

    def join(self, ip: str) -> None:
        """Spend one join of an IP's budget."""
        wait = self._windowed(self.budgets.joins_per_ip, "join", ip)
        if wait is not None:
            raise _spent("too many joins from your address", wait)

    def new_room(self, ip: str) -> None:
        """Spend one room creation of an IP's budget."""
        wait = self._windowed(self.budgets.rooms_per_ip, "room", ip)
        if wait is not None:
            raise _spent("too many new rooms from your address", wait)

    def restart(self, ip: str) -> None:
        """Spend one practice restart of an IP's budget."""
        wait = self._windowed(self.budgets.restarts_per_ip, "restart", ip)
        if wait is not None:
            raise _spent("too many restarts from your address", wait)

    def _windowed(self, spec: str, kind: str, ip: str) -> int | None:
        """Spend one hit of a moving-window budget; None if taken, else the ms until its
        oldest hit leaves the window (then one is free again)."""
        item = self._item(spec)
        if self._shared.hit(item, kind, ip):
            return None
        try:
            # The window's storage times hits by the wall clock (``time.time``).
            wait = self._shared.get_window_stats(item, kind, ip).reset_time - time.time()
        except Exception as exc:  # the refusal stands; the wait is then the whole window
            log.warning("rate limit window not read: %s: %s", type(exc).__name__, exc)
            wait = float(item.get_expiry())
        return _ms(wait)


#: A refusal never asks for a wait shorter than this (ms): the answer's own trip.
MIN_RETRY_MS = 50


def _spent(what: str, wait_ms: int) -> Refused:
    """Return the refusal of a spent budget: what, and when to try again."""
    return Refused(
        "rate_limited", f"{what}; try again in {math.ceil(wait_ms / 1000)} s", retry_ms=wait_ms
    )


def _ms(seconds: float) -> int:
    """Return a wait in whole ms, rounded up and at least ``MIN_RETRY_MS``."""
    return max(MIN_RETRY_MS, math.ceil(seconds * 1000))


def _shared_storage(url: str, prefix: str) -> Storage:
    """Return the ``limits`` storage of a Redis URL: ``redis+cluster://`` for a cluster
    (each hit touches one key, so any slot will do), else one server; connects and
    replies bounded as the store's are."""
    reply, connect = REPLY_TIMEOUT_S, CONNECT_TIMEOUT_S
    if url.startswith("redis+cluster://"):
        return RedisClusterStorage(
            url, key_prefix=prefix, socket_timeout=reply, socket_connect_timeout=connect
        )
    return RedisStorage(
        url, key_prefix=prefix, socket_timeout=reply, socket_connect_timeout=connect
    )
