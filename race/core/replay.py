"""Replay detection: a stream whose rhythm is copied from another stored log.

A human never types the same snippet twice with the same intervals to the millisecond;
a client that replays someone's stored log does. The signature of a stream is the
sequence of intervals between its typing keys; two signatures match when, at some small
shift (a replay may drop or add a key at the start), nearly every interval agrees within
a few milliseconds.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from race.core.keys import BACKSPACE
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Batch

#: Intervals kept in a signature (about the first 80 words of a race).
SIGNATURE_INTERVALS = 400
#: Too short to tell a replay from chance.
MIN_INTERVALS = 40
#: Two intervals agree when they differ by at most this (clock jitter of a replay) ...
MATCH_MS = 3
#: ... and signatures match when this share of the compared intervals agree.
MATCH_SHARE = 0.9
#: Alignments tried, in keys either way.
MAX_SHIFT = 3
#: Intervals compared first; a shift is only examined in full if they nearly all agree.
PREFIX = 20
PREFIX_SLACK = 4
_CORRECTIONS = frozenset({BACKSPACE, WORD_BACKSPACE})


def rhythm(batches: Sequence[Batch]) -> tuple[int, ...]:
    """Return the intervals (ms) between consecutive typing keys, in arrival order."""
    out: list[int] = []
    last: int | None = None
    for batch in batches:
        for t, key in batch.keys:
            if key in _CORRECTIONS:
                continue
            if last is not None:
                out.append(max(0, t - last))
                if len(out) >= SIGNATURE_INTERVALS:
                    return tuple(out)
            last = t
    return tuple(out)


def same_rhythm(a: Sequence[int], b: Sequence[int]) -> bool:
    """Tell whether two signatures are the same typing, replayed."""
    for shift in range(-MAX_SHIFT, MAX_SHIFT + 1):
        x, y = (a[shift:], b) if shift >= 0 else (a, b[-shift:])
        n = min(len(x), len(y))
        if n < MIN_INTERVALS:
            continue
        # Different typings disagree at once: check a short prefix before the whole.
        head = sum(1 for i in range(PREFIX) if abs(x[i] - y[i]) <= MATCH_MS)
        if head < MATCH_SHARE * PREFIX - PREFIX_SLACK:
            continue
        agree = sum(1 for i in range(n) if abs(x[i] - y[i]) <= MATCH_MS)
        if agree >= MATCH_SHARE * n:
            return True
    return False


def pack(signature: Sequence[int]) -> bytes:
    """Return a signature as compact bytes (intervals capped at 65,535 ms)."""
    return array("H", (min(v, 0xFFFF) for v in signature)).tobytes()


def unpack(data: bytes) -> tuple[int, ...]:
    """Return a signature packed by ``pack``."""
    values = array("H")
    values.frombytes(data)
    return tuple(values)
