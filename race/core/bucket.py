"""A token bucket: ``rate`` tokens per unit of time, at most ``burst`` saved up.

Pure: the caller passes the time (in whatever unit ``rate`` is per), so the same bucket
serves a worker's per-connection budget (seconds) and the in-process store (ms).
"""

from __future__ import annotations


class TokenBucket:
    """Starts full; ``take`` spends what it can of what is asked."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float, want: int = 1) -> int:
        """Refill up to ``now``, then spend up to ``want`` whole tokens; return how many."""
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)
        given = max(0, min(want, int(self.tokens)))
        self.tokens -= given
        return given

    def full_by(self, now: float) -> bool:
        """Tell whether the bucket has refilled completely by ``now`` (so it can be dropped)."""
        return self.tokens + max(0.0, now - self.stamp) * self.rate >= self.burst
