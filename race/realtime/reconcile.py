"""Seats left ``connected`` by a failed ``disconnect`` are found and disconnected.

A socket's ``disconnect`` handler forgets the seat's connection in the store and marks the
seat disconnected; a store error between or before those steps used to leave the seat
``connected`` for ever (the room waited for a ghost). Every connection of this worker that
closes while its ``disconnect`` fails is noted here; about a second later the heartbeat's
sweep applies ``disconnect`` again. It is safe whenever it runs: the room's seat names
the connection that joined last (``Seat.conn``), and the move marks the seat only when
that is the closed one, in the room's compare-and-set, so a player who reconnected
meanwhile (even halfway, seat marked but connection not yet recorded) stays connected.
The work is bounded: ``RECONCILE_BATCH`` closed connections per sweep, one sweep every
``RECONCILE_EVERY_MS``, at most ``CLOSED_MAX`` waiting (the oldest fall off, counted).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import NamedTuple

from race.identity import Player
from race.realtime.engine import Engine
from race.store.base import is_store_error

log = logging.getLogger(__name__)

#: A closed connection is checked this long after it closed (its own disconnect is done).
RECONCILE_AFTER_MS = 1_000
#: How often the heartbeat sweeps ...
RECONCILE_EVERY_MS = 1_000
#: ... and how many closed connections one sweep checks at most.
RECONCILE_BATCH = 50
#: Closed connections waiting for their check (a long store outage): the oldest fall off.
CLOSED_MAX = 10_000


class Closed(NamedTuple):
    """A seated connection of this worker that closed."""

    at: int
    code: str
    player_id: str
    sid: str


class Reconciler:
    """Checks the seats of this worker's closed connections against the store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self._lock = threading.Lock()
        self._closed: deque[Closed] = deque()
        self._next_sweep = 0
        #: Seats still held by their closed connection, and disconnected here.
        self.reconciled = 0
        #: Closed connections never checked because too many were waiting.
        self.overflowed = 0

    def closed(self, sid: str, code: str, player_id: str) -> None:
        """Note a connection that held a seat in ``code`` and has just closed."""
        with self._lock:
            if len(self._closed) >= CLOSED_MAX:
                self._closed.popleft()
                self.overflowed += 1
            self._closed.append(Closed(self.engine.clock(), code, player_id, sid))

    def waiting(self) -> int:
        """Return how many closed connections wait for their check."""
        with self._lock:
            return len(self._closed)

    def sweep(self, now: int) -> None:
        """Check the closed connections that are due, when a sweep is due."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + RECONCILE_EVERY_MS
        with self._lock:
            due: list[Closed] = []
            while self._closed and len(due) < RECONCILE_BATCH:
                if self._closed[0].at > now - RECONCILE_AFTER_MS:
                    break
                due.append(self._closed.popleft())
        for n, item in enumerate(due):
            try:
                self.check(item)
            except Exception as exc:
                if not is_store_error(exc):
                    log.error("seat check of %s failed: %s: %s", item.code, type(exc).__name__, exc)
                    continue
                with self._lock:  # the store is away: check these again next sweep
                    self._closed.extendleft(reversed(due[n:]))
                log.warning("seat check of %s waits: %s: %s", item.code, type(exc).__name__, exc)
                return

    def check(self, item: Closed) -> None:
        """Disconnect the seat of a closed connection unless another one joined since."""
        self.store.drop_conn(item.code, item.player_id, item.sid)
        # One compare-and-set: the move marks the seat only if the connection that joined
        # last is this closed one, so a reconnect at any moment before it stands.
        if not self.engine.disconnect(item.code, Player(item.player_id, ""), item.sid):
            return
        with self._lock:
            self.reconciled += 1
        log.info("seat of %s in %s reconciled: its connection closed", item.player_id, item.code)
