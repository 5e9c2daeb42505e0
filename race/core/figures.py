"""Figures derived from a fold: net/raw WPM, accuracy, consistency and the per-second series."""

from __future__ import annotations

import math
from dataclasses import dataclass

from race.core.scorer import MAX_SECONDS
from race.core.scorer import Typist

CHARS_PER_WORD = 5
#: A final partial second shorter than this is merged into the one before it, so one
#: key in the last few milliseconds does not draw a spike on the chart.
MIN_PARTIAL_SECOND_MS = 500


@dataclass(frozen=True, slots=True)
class Second:
    """One point of the per-second series (for charts)."""

    #: Net WPM from the race start to the end of this second.
    wpm: float
    #: Raw WPM within this second.
    raw: float
    #: Wrong characters typed within this second.
    errors: int


@dataclass(frozen=True, slots=True)
class Figures:
    """A player's result as the server computes it."""

    net_wpm: float
    raw_wpm: float
    accuracy: float
    consistency: float
    duration_ms: int
    completed: bool
    #: Share of the typeable characters in place, 0.0 to 1.0.
    progress: float
    correct: int
    incorrect: int
    corrected: int
    series: tuple[Second, ...]
    #: Errors per expected character, most missed first.
    missed: tuple[tuple[str, int], ...]


def wpm(chars: int, ms: int) -> float:
    """Return words per minute for ``chars`` characters over ``ms`` milliseconds."""
    if ms <= 0:
        return 0.0
    return chars / CHARS_PER_WORD * 60_000 / ms


def accuracy(correct: int, incorrect: int) -> float:
    """Return the percentage of typed characters that were right (100 before any key)."""
    total = correct + incorrect
    return 100.0 if total == 0 else 100.0 * correct / total


def consistency(values: list[float]) -> float:
    """Return Monkeytype's consistency, 100*(1 - tanh(c + c^3/3 + c^5/5)), c the values' CV."""
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    if mean <= 0:
        return 0.0
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    c = sd / mean
    return 100.0 * (1.0 - math.tanh(c + c**3 / 3 + c**5 / 5))


def live_wpm(net_chars: int, now_ms: int) -> float:
    """Return the net WPM shown live, from the race start to ``now_ms``."""
    return round(wpm(net_chars, now_ms), 1)


def figures(typist: Typist, end_ms: int | None = None) -> Figures:
    """Compute a player's figures; an unfinished player is timed to ``end_ms`` (or last key)."""
    progress = typist.progress()
    if progress.finish_ms is not None:
        duration = progress.finish_ms
    else:
        duration = max(end_ms if end_ms is not None else 0, progress.last_ms)
    typed, errors, net = typist.seconds()
    series = _series(typed, errors, net, duration)
    # Consistency covers the seconds the player typed in: up to the finish, or else up to
    # their last key (the idle rest of a race would make every non-finisher's zero).
    typing = (
        series if progress.finish_ms is not None else _series(typed, errors, net, progress.last_ms)
    )
    typeable = typist.course.typeable
    return Figures(
        net_wpm=round(wpm(progress.net_chars, duration), 2),
        raw_wpm=round(wpm(progress.correct + progress.incorrect, duration), 2),
        accuracy=round(accuracy(progress.correct, progress.incorrect), 2),
        consistency=round(consistency([s.raw for s in typing]), 2),
        duration_ms=duration,
        completed=progress.finished,
        progress=round(progress.net_chars / typeable, 4) if typeable else 1.0,
        correct=progress.correct,
        incorrect=progress.incorrect,
        corrected=progress.corrected,
        series=series,
        missed=tuple(sorted(typist.missed.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _series(
    typed: list[int], errors: list[int], net: list[int], duration: int
) -> tuple[Second, ...]:
    """Build the per-second series up to ``duration``, merging a short final partial second."""
    seconds = min(max(1, math.ceil(duration / 1000)), MAX_SECONDS) if duration > 0 else 0
    pad = seconds - len(typed)
    if pad > 0:
        carry = net[-1] if net else 0
        typed, errors, net = typed + [0] * pad, errors + [0] * pad, net + [carry] * pad
    typed, errors, net = typed[:seconds], errors[:seconds], net[:seconds]
    spans = [1000] * seconds
    if seconds:
        spans[-1] = duration - (seconds - 1) * 1000
    if seconds > 1 and spans[-1] < MIN_PARTIAL_SECOND_MS:
        last_span, last_typed, last_errors = spans.pop(), typed.pop(), errors.pop()
        spans[-1] += last_span
        typed[-1] += last_typed
        errors[-1] += last_errors
        net[-1] = net.pop()
    out: list[Second] = []
    elapsed = 0
    for span, t, e, c in zip(spans, typed, errors, net, strict=True):
        elapsed += span
        out.append(Second(wpm=round(wpm(c, elapsed), 2), raw=round(wpm(t, span), 2), errors=e))
    return tuple(out)
