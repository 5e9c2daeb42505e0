"""How often a worker ticks its rooms and asks its racers for a batch, by its load.

A worker's messages grow with its racers times the rate each one sends and hears at.
Up to ``BASE_LOAD`` (seats, as ``race.core.seats`` counts them) the period is the
fastest; past it the period widens in proportion, so the worker's messages per second
stay about what ``BASE_LOAD`` costs at the fastest period, up to ``SLOWEST_MS``. The
period moves by one ``STEP_MS`` at most every ``STEP_EVERY_MS``, so it follows the load
without flapping, and steps back down when the load falls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FASTEST_MS = 200
SLOWEST_MS = 500
STEP_MS = 50
#: Load served at the fastest period (measured: bench/load.py, docs/architecture.md).
BASE_LOAD = 300.0
#: Shortest time between two steps of the period (ms).
STEP_EVERY_MS = 1000


def target_ms(load: float, base: float = BASE_LOAD) -> int:
    """Return the period a load asks for: the fastest up to ``base``, then in proportion,
    rounded up to a step, at most the slowest."""
    if load <= base:
        return FASTEST_MS
    wanted = math.ceil(FASTEST_MS * load / base / STEP_MS) * STEP_MS
    return min(SLOWEST_MS, wanted)


@dataclass(frozen=True)
class Pace:
    """The period in force and when it last changed (``fixed``: it never changes)."""

    period_ms: int = FASTEST_MS
    changed_at: int = 0
    fixed: bool = False

    def follow(self, load: float, now: int) -> Pace:
        """Return the pace one step closer to what ``load`` asks for, if a step is due."""
        if self.fixed:
            return self
        wanted = target_ms(load)
        if wanted == self.period_ms or now - self.changed_at < STEP_EVERY_MS:
            return self
        step = STEP_MS if wanted > self.period_ms else -STEP_MS
        return Pace(self.period_ms + step, now)
