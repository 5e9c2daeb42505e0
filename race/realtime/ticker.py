"""Room ticks: which rooms this worker drives (tick leases), when each is due at the
worker's pace, and sending them, skipping those where nothing moved.

A worker drives a room while it holds the room's tick lease, renewed every third of its
lifetime; if the worker dies, another takes the lease when it expires. A room driven by
another worker is asked for again only as often as leases are renewed, and every lease
wanted in one beat is asked for in one store call.

The period between two ticks is the worker's pace (``race.core.pace``: adaptive by its
load, or fixed by ``CODERACE_PERIOD``), told to clients in each tick (``every``) and in
each keys answer, so browsers batch and glide at the same period. A due room whose
progress is what its last tick said gets no tick, unless ``IDLE_TICK_MS`` passed since
that one: a still room costs one message a second, not five.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from race.core.pace import Pace
from race.realtime.engine import Engine
from race.realtime.metrics import Metrics
from race.realtime.racing import Racing
from race.store.base import Live

LEASE_MS = 3000
#: A room where nothing moved is still ticked this often (ms).
IDLE_TICK_MS = 1000
#: Tick lags kept for the stats (the latest).
LAGS_KEPT = 1000


class Pacer:
    """The worker's pace: the period it ticks and asks for batches at, by its load."""

    def __init__(self, load: Callable[[], float], fixed_ms: int | None = None) -> None:
        self._load = load
        self.pace = Pace(fixed_ms, fixed=True) if fixed_ms else Pace()

    @property
    def period_ms(self) -> int:
        """Return the period in force (ms)."""
        return self.pace.period_ms

    def follow(self, now: int) -> None:
        """Step the period toward what the load asks for, if a step is due."""
        self.pace = self.pace.follow(self._load(), now)


@dataclass
class Owned:
    """A room this worker drives: when its next tick is due, when to renew its lease,
    how many ticks it sent, and what and when the last one told."""

    due: int
    renew_at: int
    sent: int = 0
    told: dict[str, str] | None = None
    told_at: int = 0


class Ticker:
    """Drives the ticks of the rooms this worker holds the leases of."""

    def __init__(
        self,
        engine: Engine,
        racing: Racing,
        worker_id: str,
        pacer: Pacer,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.racing = racing
        self.store = engine.store
        self.worker_id = worker_id
        self.pacer = pacer
        self.metrics = metrics
        self.sent = 0
        self.skipped = 0
        self.lags: list[float] = []
        self._owned: dict[tuple[str, int], Owned] = {}
        #: Rooms another worker drives: (code, round) -> when to ask for the lease again.
        self._others: dict[tuple[str, int], int] = {}

    def due(self, now: int) -> list[tuple[str, int]]:
        """Return the rooms this worker drives whose tick is due now."""
        return [key for key, owned in self._owned.items() if now >= owned.due]

    def next_due(self, now: int) -> int:
        """Return when the next tick of a room this worker drives is due."""
        return min((o.due for o in self._owned.values()), default=now + self.pacer.period_ms)

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
        """
        self.pacer.follow(now)
        self._leases(now, live)
        period = self.pacer.period_ms
        due_now: list[tuple[Live, Owned, int]] = []
        for room in live:
            owned = self._owned.get((room.code, room.round))
            if owned is None or room.code in hold or now < owned.due:
                continue
            due_now.append((room, owned, owned.due))
            owned.due = owned.due + period if now - owned.due < period else now + period
        # Rooms whose progress was not read with the beat's view: one more round trip.
        missing = [(r.code, r.round) for r, _, _ in due_now if (r.code, r.round) not in progress]
        if missing:
            read = self.store.get_progress_many(missing)
            progress = {**progress, **dict(zip(missing, read, strict=True))}
        for room, owned, was_due in due_now:
            players = progress[(room.code, room.round)]
            if players == owned.told and now - owned.told_at < IDLE_TICK_MS:
                self.skipped += 1
                continue
            sent_at = self.engine.clock()  # the tick's time and lag are when it really leaves
            lag = max(0, sent_at - was_due)
            owned.sent += 1
            owned.told, owned.told_at = players, sent_at
            self.racing.tick(room, sent_at, owned.sent, lag, players, every=period)
            self.sent += 1
            self.lags.append(float(lag))
            del self.lags[:-LAGS_KEPT]
            if self.metrics is not None:
                self.metrics.ticks.inc()
                self.metrics.tick_lag.observe(lag / 1000)

    def _leases(self, now: int, live: list[Live]) -> None:
        """Forget rooms no longer racing; take or renew the leases that are due."""
        seen = {(room.code, room.round) for room in live}
        for key in [k for k in self._owned if k not in seen]:
            del self._owned[key]
        for key in [k for k in self._others if k not in seen]:
            del self._others[key]
        asking = [
            room
            for room in live
            if now >= getattr(self._owned.get((room.code, room.round)), "renew_at", 0)
            and now >= self._others.get((room.code, room.round), 0)
        ]
        if not asking:
            return
        names = [f"tick|{room.code}" for room in asking]
        held = self.store.acquire_leases(names, self.worker_id, LEASE_MS)
        for room, ok in zip(asking, held, strict=True):
            key = (room.code, room.round)
            if ok:
                owned = self._owned.setdefault(key, Owned(due=now, renew_at=0))
                owned.renew_at = now + LEASE_MS // 3
                self._others.pop(key, None)
            else:
                self._owned.pop(key, None)
                self._others[key] = now + LEASE_MS // 3
