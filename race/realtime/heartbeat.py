"""The background heartbeat: due deadlines, room ticks, and draining the results outbox.

One task per worker runs ``beat`` every ``BEAT_S``. Deadlines are claimed atomically in
the store, so each goes to one worker at a time, and are reported done once applied: a
claim never reported (the worker died, or the store's reply was lost) comes due again
after ``DEADLINE_HOLD_MS``, so applying a deadline is idempotent. Each room's ticks are
driven by the worker holding that room's tick lease (``race.realtime.ticker``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from race.core import members
from race.core import phases
from race.core.room import Refused
from race.logonce import ONCE
from race.realtime.drain import drain
from race.realtime.engine import Engine
from race.realtime.metrics import Metrics
from race.realtime.racing import Racing
from race.realtime.reconcile import Reconciler
from race.realtime.ticker import Pacer
from race.realtime.ticker import Ticker
from race.sink import ResultsSink
from race.store.base import is_store_error

log = logging.getLogger(__name__)

#: Longest sleep between beats (deadlines are checked at least this often) ...
BEAT_S = 0.05
#: ... and shortest: a beat sleeps until the next tick is due, within these bounds.
MIN_SLEEP_MS = 2
OUTBOX_EVERY_MS = 1000
#: A deadline whose move raised is tried again after this long, doubling each time ...
DEADLINE_RETRY_FIRST_MS = 250
#: ... up to this ...
DEADLINE_RETRY_LONGEST_MS = 4_000
#: ... and given up after this many failed tries (about 8 s): its round ends as abandoned.
DEADLINE_MAX_TRIES = 5


@dataclass
class Stats:
    """Counters the metrics endpoint reads."""

    deadlines: int = 0
    deadline_retries: int = 0
    deadlines_abandoned: int = 0
    persisted: int = 0
    sink_errors: int = 0
    dead_letters: int = 0


class Heartbeat:
    """Runs the timed work of one worker."""

    def __init__(
        self,
        engine: Engine,
        racing: Racing,
        sink: ResultsSink,
        worker_id: str,
        metrics: Metrics | None = None,
        *,
        pacer: Pacer | None = None,
    ) -> None:
        self.engine = engine
        self.racing = racing
        self.store = engine.store
        self.sink = sink
        self.worker_id = worker_id
        self.stats = Stats()
        self.metrics = metrics
        #: The rooms this worker drives, and their ticks (``race.realtime.ticker``).
        self.ticker = Ticker(engine, racing, worker_id, pacer or Pacer(lambda: 0), metrics)
        self._next_outbox = 0
        #: Seats left connected by a failed disconnect (``race.realtime.reconcile``).
        self.reconciler = Reconciler(engine)

    def beat(self) -> float:
        """Do whatever is due now; return how long to sleep before the next beat (s)."""
        now = self.engine.clock()
        # One store round trip: the deadlines, the live rooms, and the progress of the
        # rooms this worker ticks that are due now.
        due = self.ticker.due(now)
        view = self.store.beat(now, due)
        applied = []
        for item in view.claimed:
            self.stats.deadlines += 1
            try:
                self.dispatch(item, now)
            except Refused as refused:  # the room is gone: nothing left to do
                log.debug("deadline %s: %s", item, refused)
            except Exception as exc:
                if is_store_error(exc):  # not applied: it comes due again after the hold
                    ONCE.error(
                        log, "deadline", exc, "deadline %s waits for the store: %s", item, exc
                    )
                    continue
                try:
                    self.failed(item, now, exc)
                except Exception as again:  # it stays scheduled: the next try gives up again
                    name = type(again).__name__
                    log.error("deadline %s not given up yet: %s: %s", item, name, again)
                continue
            applied.append(item)
        if applied:
            self.store.deadlines_done(applied, now)
        # A room a deadline just moved may have left its race: it is ticked next beat,
        # from a fresh list.
        moved = {item.split("|", 2)[1] for item in view.claimed}
        self.ticker.ticks(now, view.live, dict(zip(due, view.progress, strict=True)), moved)
        self.reconciler.sweep(now)
        if now >= self._next_outbox:
            self._next_outbox = now + OUTBOX_EVERY_MS
            self.drain_outbox()
        wait_ms = self.ticker.next_due(now) - self.engine.clock()
        return min(max(wait_ms, MIN_SLEEP_MS), BEAT_S * 1000) / 1000

    def failed(self, item: str, now: int, exc: Exception) -> None:
        """Retry a deadline whose move raised after a backoff; past ``DEADLINE_MAX_TRIES``
        give it up and end its round as abandoned (never dropped silently).

        The tries are counted in the store beside the deadline, not in this worker: a
        deadline is claimed by whichever worker beats first after it comes due, so only
        a shared count bounds its retries (and survives the worker).
        """
        tries = self.store.deadline_failed(
            item, now, DEADLINE_RETRY_FIRST_MS, DEADLINE_RETRY_LONGEST_MS
        )
        if tries == 0:  # a room move scheduled it again meanwhile: the new one stands
            return
        if tries < DEADLINE_MAX_TRIES:
            self.stats.deadline_retries += 1
            if self.metrics is not None:
                self.metrics.deadline_retries.inc()
            ONCE.error(
                log, "deadline", exc, "deadline %s failed (try %d of %d), retried later: %s: %s",
                item, tries, DEADLINE_MAX_TRIES, type(exc).__name__, exc,
            )  # fmt: skip
            return
        kind, code, arg = item.split("|", 2)
        # Only a round's own start or end abandons it: a player's ``drop`` or a ``lonely``
        # prompt that cannot be applied is given up alone, never everyone's result.
        ended = kind in ("begin", "limit") and self.racing.conclude.abandon(code, int(arg), item)
        self.store.cancel(item)
        self.stats.deadlines_abandoned += 1
        if self.metrics is not None:
            self.metrics.deadlines_abandoned.inc()
        log.error(
            "deadline %s abandoned after %d tries (%s): %s: %s",
            item, tries, "its race ended as abandoned" if ended else "no race to end",
            type(exc).__name__, exc,
        )  # fmt: skip

    def dispatch(self, item: str, now: int) -> None:
        """Apply one claimed deadline; applying it again changes nothing (a second
        ``lonely`` only repeats the prompt to keep waiting)."""
        kind, code, arg = item.split("|", 2)
        if kind == "begin":
            self.engine.update(code, lambda r: phases.begin_racing(r, now))
        elif kind in ("limit", "tell"):  # ``tell``: an ended round's standings, if untold
            self.racing.conclude(code, int(arg))
        elif kind == "drop":
            with contextlib.suppress(Refused):
                self.engine.update(code, lambda r: members.drop(r, arg, now))
        elif kind == "lonely":
            room = self.store.get_room(code)
            if room is not None and room.round == int(arg) and members.is_lonely(room):
                waited = now - room.present_racers[0].joined_ms
                self.engine.emit("lonely", {"code": code, "waited_ms": waited}, code)
        else:
            log.warning("unknown deadline %s", item)

    def drain_outbox(self) -> None:
        """Hand waiting finished races to the sink (``race.realtime.drain``)."""
        drain(self.store, self.sink, self.stats)


def run_forever(heartbeat: Heartbeat, sleep: Callable[[float], None]) -> None:
    """Beat until the process ends; one failure never stops the loop."""
    while True:
        try:
            pause = heartbeat.beat()
        except Exception as exc:
            ONCE.error(log, "heartbeat", exc, "heartbeat failed: %s: %s", type(exc).__name__, exc)
            if heartbeat.metrics is not None and is_store_error(exc):
                heartbeat.metrics.store_errors.inc()
            pause = 1.0  # back off while the store is away
        sleep(pause)
