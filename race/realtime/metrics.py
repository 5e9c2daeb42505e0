"""Prometheus metrics of one worker (its own registry, so tests can run several apps)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram

from race.store.base import Store

log = logging.getLogger(__name__)


class Metrics:
    """The instruments the handlers and the heartbeat update, and the collectors /metrics reads."""

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.sockets = Gauge(
            "coderace_connected_sockets", "Sockets connected to this worker", registry=r
        )
        self.events = Counter(
            "coderace_events_total", "Socket.IO events handled, by event and outcome",
            ["event", "outcome"], registry=r,
        )  # fmt: skip
        self.tick_lag = Histogram(
            "coderace_tick_lag_seconds", "Time from a room tick being due to its being sent",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0), registry=r,
        )  # fmt: skip
        self.ticks = Counter("coderace_ticks_total", "Room ticks sent by this worker", registry=r)
        self.store_errors = Counter(
            "coderace_store_errors_total", "Store (Redis) errors seen by this worker", registry=r
        )
        self.deadline_retries = Counter(
            "coderace_deadline_retries_total",
            "Deadlines whose move raised, retried after a backoff", registry=r,
        )  # fmt: skip
        self.deadlines_abandoned = Counter(
            "coderace_deadlines_abandoned_total",
            "Deadlines given up after failing every retry (their race ends as abandoned)",
            registry=r,
        )  # fmt: skip
        self.refused_busy = Counter(
            "coderace_busy_refusals_total", "Joins refused because the worker was full", registry=r
        )
        self.session_rechecks = Counter(
            "coderace_session_rechecks_total",
            "Passes re-checking the sessions of this worker's logged-in sockets, by outcome "
            "(failed: the database did not answer, every socket was let be)",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.sessions_revoked = Counter(
            "coderace_sessions_revoked_total",
            "Open sockets closed because their account's session had ended", registry=r,
        )  # fmt: skip
        rooms = Gauge("coderace_rooms", "Rooms by phase (whole deployment)", ["phase"], registry=r)
        for phase in ("lobby", "countdown", "racing", "finished"):
            rooms.labels(phase).set_function(_unknown_if_down(_phase_count(store, phase)))
        outbox = Gauge(
            "coderace_outbox_waiting", "Finished races waiting to be persisted", registry=r
        )

        def waiting() -> float:  # looked up on each read, like the phase counts
            return store.outbox_size()

        outbox.set_function(_unknown_if_down(waiting))
        dead = Gauge(
            "coderace_outbox_dead_letters",
            "Finished races set aside after failing to persist (race outbox retry)", registry=r,
        )  # fmt: skip
        dead.set_function(_unknown_if_down(store.dead_letter_count))

    def watch_seats(self, load: Callable[[], float], capacity: Callable[[], float]) -> None:
        """Export the worker's admission load and capacity (``race.core.seats``)."""
        r = self.registry
        Gauge(
            "coderace_seat_load", "Seats taken plus half a seat per room they sit in", registry=r
        ).set_function(load)
        Gauge(
            "coderace_seat_capacity", "Seat load past which joins are refused as busy", registry=r
        ).set_function(capacity)


def _unknown_if_down(read: Callable[[], float]) -> Callable[[], float]:
    """Wrap a gauge's store read: NaN (Prometheus's "unknown") while the store is away, so
    /metrics keeps answering during an outage, when it is needed most."""

    def guarded() -> float:
        try:
            return float(read())
        except Exception as exc:
            log.debug("metric not read: %s: %s", type(exc).__name__, exc)
            return math.nan

    return guarded


def _phase_count(store: Store, phase: str) -> Callable[[], float]:
    """Return a reader of how many rooms are in a phase."""
    return lambda: float(store.room_count().get(phase, 0))
