"""The background heartbeat: due deadlines, room ticks, and draining the results outbox.

One task per worker runs ``beat`` every ``BEAT_S``. Deadlines are claimed atomically in
the store, so each goes to one worker at a time, and are reported done once applied: a
claim never reported (the worker died, or the store's reply was lost) comes due again
after ``DEADLINE_HOLD_MS``, so applying a deadline is idempotent. Each room's ticks are
driven by the worker holding that room's tick lease.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from race.core import members
from race.core import phases
from race.core.room import Refused
from race.logonce import ONCE
from race.realtime.drain import drain
from race.realtime.engine import Engine
from race.realtime.metrics import Metrics
from race.realtime.racing import Racing
from race.realtime.reconcile import Reconciler
from race.sink import ResultsSink
from race.store.base import Live
from race.store.base import is_store_error

log = logging.getLogger(__name__)

#: Longest sleep between beats (deadlines are checked at least this often) ...
BEAT_S = 0.05
#: ... and shortest: a beat sleeps until the next tick is due, within these bounds.
MIN_SLEEP_MS = 2
TICK_MS = 200
OUTBOX_EVERY_MS = 1000
LEASE_MS = 3000
#: A deadline whose move raised is tried again after this long, doubling each time ...
DEADLINE_RETRY_FIRST_MS = 250
#: ... up to this ...
DEADLINE_RETRY_LONGEST_MS = 4_000
#: ... and given up after this many failed tries (about 8 s): its round ends as abandoned.
DEADLINE_MAX_TRIES = 5


@dataclass
class Stats:
    """Counters the metrics endpoint reads."""

    ticks: int = 0
    tick_lag_ms: list[float] = field(default_factory=list)
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
    ) -> None:
        self.engine = engine
        self.racing = racing
        self.store = engine.store
        self.sink = sink
        self.worker_id = worker_id
        self.stats = Stats()
        self.metrics = metrics
        #: Rooms this worker ticks: (code, round) -> (next tick due, lease renewal, ticks sent).
        self._owned: dict[tuple[str, int], tuple[int, int, int]] = {}
        #: Rooms another worker drives: (code, round) -> when to ask for the lease again.
        self._others: dict[tuple[str, int], int] = {}
        self._next_outbox = 0
        #: Seats left connected by a failed disconnect (``race.realtime.reconcile``).
        self.reconciler = Reconciler(engine)

    def beat(self) -> float:
        """Do whatever is due now; return how long to sleep before the next beat (s)."""
        now = self.engine.clock()
        # One store round trip: the deadlines, the live rooms, and the progress of the
        # rooms this worker ticks that are due now.
        due = [key for key, (due_at, _, _) in self._owned.items() if now >= due_at]
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
        self.ticks(now, view.live, dict(zip(due, view.progress, strict=True)), moved)
        self.reconciler.sweep(now)
        if now >= self._next_outbox:
            self._next_outbox = now + OUTBOX_EVERY_MS
            self.drain_outbox()
        next_tick = min((due for due, _, _ in self._owned.values()), default=now + TICK_MS)
        wait_ms = next_tick - self.engine.clock()
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

    def ticks(
        self,
        now: int,
        live: list[Live],
        progress: dict[tuple[str, int], dict[str, str]],
        hold: set[str],
    ) -> None:
        """Send a progress tick for every live room this worker drives, when due.

        ``live`` lists the rooms in their race, ``progress`` holds the progress already
        read for rooms found due (a room just taken over has its progress read here), and
        the rooms in ``hold`` wait for the next beat.

        A worker drives a room while it holds the room's tick lease, renewed every third
        of its lifetime; if the worker dies, another takes the lease when it expires. A
        room driven by another worker is asked for again only as often as leases are
        renewed, and every lease wanted in one beat is asked for in one store call.
        """
        seen = {(room.code, room.round) for room in live}
        for key in [k for k in self._owned if k not in seen]:
            del self._owned[key]
        for key in [k for k in self._others if k not in seen]:
            del self._others[key]
        asking = [
            room
            for room in live
            if now >= self._owned.get((room.code, room.round), (0, 0, 0))[1]
            and now >= self._others.get((room.code, room.round), 0)
        ]
        if asking:
            names = [f"tick|{room.code}" for room in asking]
            held = self.store.acquire_leases(names, self.worker_id, LEASE_MS)
            for room, ok in zip(asking, held, strict=True):
                key = (room.code, room.round)
                if ok:
                    due, _, sent = self._owned.get(key, (now, 0, 0))
                    self._owned[key] = (due, now + LEASE_MS // 3, sent)
                    self._others.pop(key, None)
                else:
                    self._owned.pop(key, None)
                    self._others[key] = now + LEASE_MS // 3
        #: (room, tick number, when it was due)
        due_now: list[tuple[Live, int, int]] = []
        for room in live:
            key = (room.code, room.round)
            if key not in self._owned or room.code in hold:
                continue
            due, renew_at, sent = self._owned[key]
            if now >= due:
                sent += 1
                due_now.append((room, sent, due))
                due = due + TICK_MS if now - due < TICK_MS else now + TICK_MS
                self._owned[key] = (due, renew_at, sent)
        # Rooms whose progress was not read with the beat's view: one more round trip.
        missing = [(r.code, r.round) for r, _, _ in due_now if (r.code, r.round) not in progress]
        if missing:
            read = self.store.get_progress_many(missing)
            progress = {**progress, **dict(zip(missing, read, strict=True))}
        for room, n, was_due in due_now:
            players = progress[(room.code, room.round)]
            sent_at = self.engine.clock()  # the tick's time and lag are when it really leaves
            lag = sent_at - was_due
            self.racing.tick(room, sent_at, n, lag, players)
            self.stats.ticks += 1
            self.stats.tick_lag_ms.append(float(lag))
            del self.stats.tick_lag_ms[:-1000]
            if self.metrics is not None:
                self.metrics.ticks.inc()
                self.metrics.tick_lag.observe(lag / 1000)

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
