"""The rules both stores follow, written once: deadline holds and backoff, claims in due
order, leases, the live index, and how often expired entries are swept.

Pure (no I/O, no clock of its own). The in-process store calls these directly; the Redis
store calls them where it can and its Lua scripts (``race/store/lua``) follow the same
rules, each naming the function here that it mirrors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from race.core.room import Room

#: A claimed deadline comes due again this long after its claim unless the claimer says it
#: was applied (``Store.deadlines_done``): a worker that dies between claiming and applying
#: it, or whose claim reply was lost, delays the deadline; it never loses it.
DEADLINE_HOLD_MS = 5_000
#: Expired entries (rooms, leases, buckets, index entries) are swept at most this often.
SWEEP_EVERY_MS = 1000
#: The phases of a room in its race (indexed as live once it has a start time).
LIVE_PHASES = ("countdown", "racing")
PHASES = ("lobby", "countdown", "racing", "finished")


def backoff_ms(attempt: int, first_ms: int, longest_ms: int) -> int:
    """Return how long to wait after the ``attempt``-th failure: doubling, capped."""
    return int(min(first_ms * 2 ** min(attempt - 1, 30), longest_ms))


def held_until(claimed_at: int) -> float:
    """Return when a deadline claimed at ``claimed_at`` comes due again: the hold plus half
    a millisecond, so a held deadline's time is never a whole millisecond as a scheduled
    one's is, and one scheduled again meanwhile is never taken for the held one."""
    return claimed_at + DEADLINE_HOLD_MS + 0.5


def is_held(due: float | None, claimed_at: int) -> bool:
    """Tell whether a deadline due at ``due`` is still the one claimed at ``claimed_at``
    (not scheduled again, cancelled or done since)."""
    return due is not None and due == held_until(claimed_at)


def retry_at(claimed_at: int, tries: int, first_ms: int, longest_ms: int) -> int:
    """Return when a deadline claimed at ``claimed_at`` is due after its ``tries``-th
    failed try."""
    return claimed_at + backoff_ms(tries, first_ms, longest_ms)


def due_first(entries: Iterable[tuple[str, float]], now: float, limit: int) -> list[str]:
    """Return the items of (item, due) entries due by ``now``, earliest first (by name
    among equals, as a sorted set orders them), at most ``limit``."""
    due = sorted((t, item) for item, t in entries if t <= now)
    return [item for _, item in due[:limit]]


def lease_free(holder: tuple[str, int] | None, owner: str, now: int) -> bool:
    """Tell whether ``owner`` may take a lease held as (owner, until) or by nobody."""
    return holder is None or holder[0] == owner or holder[1] <= now


def in_race(room: Room) -> bool:
    """Tell whether a room belongs in the live index (in its race, with a start time)."""
    return room.phase in LIVE_PHASES and room.starts_at is not None


def count_phases(phases: Iterable[str]) -> dict[str, int]:
    """Count rooms by phase (every phase present, 0 when none)."""
    counts = dict.fromkeys(PHASES, 0)
    for phase in phases:
        counts[phase] = counts.get(phase, 0) + 1
    return counts


class Every:
    """A gate that opens at most once per period (for sweeps of expired entries)."""

    __slots__ = ("_next", "period_ms")

    def __init__(self, period_ms: int = SWEEP_EVERY_MS) -> None:
        self.period_ms = period_ms
        self._next = 0

    def due(self, now: int) -> bool:
        """Tell whether the period has passed since the gate last opened (and open it)."""
        if now < self._next:
            return False
        self._next = now + self.period_ms
        return True
