"""What the anti-cheat checks share: the stream flattened once, the ``Reason`` a check
returns when it flags it, and the arithmetic several checks use.

Intervals for speed and regularity are measured between consecutive *typing* keys
(characters, Enter, Tab); Backspace and Ctrl+Backspace are not typing keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from race.core.keys import BACKSPACE
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Batch

_CORRECTIONS = frozenset({BACKSPACE, WORD_BACKSPACE})


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a stream was flagged: a stable code and one sentence with the numbers."""

    code: str
    message: str


class Stream:
    """The keys flattened once, in arrival order, with what several checks share."""

    __slots__ = ("index", "lag", "times", "typing")

    def __init__(self, batches: Sequence[Batch]) -> None:
        #: Every key's time, as sent.
        self.times: list[int] = []
        #: How long after its own time each key arrived (recv_ms - t_ms).
        self.lag: list[int] = []
        #: Times of typing keys, clamped forward (never before an earlier key) like the scorer.
        self.typing: list[int] = []
        #: Stream position (0-based) of each typing key.
        self.index: list[int] = []
        add_time, add_lag = self.times.append, self.lag.append
        add_typing, add_index = self.typing.append, self.index.append
        corrections = _CORRECTIONS
        last = 0
        i = 0
        for batch in batches:
            r = batch.recv_ms
            for t, key in batch.keys:
                add_time(t)
                add_lag(r - t)
                if t > last:  # noqa: PLR1730 - max() is slower in the hot loop
                    last = t
                if key not in corrections:
                    add_typing(last)
                    add_index(i)
                i += 1


def diffs(xs: list[int], k: int = 1) -> list[int]:
    """Return ``xs[i + k] - xs[i]`` for every i."""
    return [b - a for b, a in zip(xs[k:], xs, strict=False)]


def quantile(xs: list[int], q: float) -> float:
    """Return the q-quantile of sorted values, interpolating linearly."""
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
