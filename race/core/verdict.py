"""The anti-cheat verdict: judge a player's keystroke stream for timing no honest client sends.

Every threshold is a field of ``Thresholds``; ``docs/anticheat.md`` gives the human data or
physical fact behind each value. The checks read the keys in arrival order (batch by
batch), never the clock, and return reasons in a fixed order (``REASON_CODES``).

Intervals for speed and regularity are measured between consecutive *typing* keys
(characters, Enter, Tab); Backspace and Ctrl+Backspace are not typing keys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from race.core.course import Course
from race.core.figures import Figures
from race.core.keys import BACKSPACE
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Batch

REASON_CODES = (
    "ts_backwards",
    "ts_outside_window",
    "ts_future",
    "ts_stale",
    "ts_lagging",
    "speed_implausible",
    "paste_burst",
    "too_regular",
    "low_accuracy",
)
_CORRECTIONS = frozenset({BACKSPACE, WORD_BACKSPACE})


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a stream was flagged: a stable code and one sentence with the numbers."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict on one player's stream; a flagged result stays off the leaderboards."""

    flagged: bool
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the reason codes, in order."""
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every limit the verdict applies (values and reasons: docs/anticheat.md)."""

    #: Keys may be timed this far past the race time limit (clock-sync error) (ms).
    limit_slack_ms: int = 500
    #: A key may be timed this far after its batch arrived (client clock-sync error) (ms).
    future_tolerance_ms: int = 300
    #: A key may arrive at most this long after its own time (buffering, reconnect) (ms).
    stale_window_ms: int = 5000
    #: Keys must arrive this soon after their own time in the median (clock shifting) (ms) ...
    lag_median_ms: int = 1500
    #: ... judged once there are this many keys.
    lag_min_keys: int = 20
    #: (K, ceiling): no K consecutive typing intervals may average faster than ceiling WPM.
    speed_ceilings: tuple[tuple[int, float], ...] = (
        (10, 400.0),
        (50, 250.0),
        (200, 200.0),
        (600, 180.0),
    )
    #: This many typing keys within ``paste_window_ms`` is a paste or injected text.
    paste_keys: int = 8
    paste_window_ms: int = 40
    #: Regularity ignores intervals longer than this (pauses) (ms) ...
    pause_ms: int = 2000
    #: ... and shorter than this (rollover: two keys pressed together) (ms).
    rollover_ms: int = 10
    #: Regularity is only judged over at least this many intervals.
    min_regular_intervals: int = 30
    #: Too regular when CV + skew_weight * clamp(skewness) < regular_cap - regular_slope / sqrt(n).
    regular_cap: float = 0.45
    regular_slope: float = 1.8
    skew_weight: float = 0.1
    skew_min: float = -0.5
    skew_max: float = 0.8
    #: Too regular when (p90 - p10) / median of the intervals is below this.
    core_spread_floor: float = 0.25
    #: Accuracy below this percentage is flagged, once ``accuracy_min_chars`` are typed.
    accuracy_floor: float = 50.0
    accuracy_min_chars: int = 30


DEFAULT_THRESHOLDS = Thresholds()


def judge(
    course: Course,
    batches: Sequence[Batch],
    fig: Figures,
    *,
    limit_ms: int | None = None,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> Verdict:
    """Judge one player's stream (batches in arrival order) and their figures.

    ``course`` is the snippet the stream was typed against; today's checks need only
    the keys and the figures.
    """
    stream = _Stream(batches)
    reasons = [
        _ts_backwards(stream),
        _ts_outside_window(stream, limit_ms, th),
        _ts_future(stream, th),
        _ts_stale(stream, th),
        _ts_lagging(stream, th),
        _speed(stream, th),
        _paste(stream, th),
        _regularity(stream, th),
        _accuracy(fig, th),
    ]
    found = tuple(r for r in reasons if r is not None)
    return Verdict(flagged=bool(found), reasons=found)


class _Stream:
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


def _diffs(xs: list[int], k: int = 1) -> list[int]:
    """Return ``xs[i + k] - xs[i]`` for every i."""
    return [b - a for b, a in zip(xs[k:], xs, strict=False)]


def _keys_are(n: int) -> str:
    return "1 key is" if n == 1 else f"{n:,} keys are"


def _ts_backwards(s: _Stream) -> Reason | None:
    times = s.times
    if sorted(times) == times:  # linear for a sorted list: the honest case is cheap
        return None
    drops = [i for i, d in enumerate(_diffs(times), start=1) if d < 0]
    i = drops[0]
    more = f"; {len(drops):,} keys in all go back in time" if len(drops) > 1 else ""
    return Reason(
        "ts_backwards",
        f"Key {i + 1} is timed {times[i - 1] - times[i]:,} ms before key {i}{more}.",
    )


def _ts_outside_window(s: _Stream, limit_ms: int | None, th: Thresholds) -> Reason | None:
    times = s.times
    if not times:
        return None
    end = None if limit_ms is None else limit_ms + th.limit_slack_ms
    if min(times) >= 0 and (end is None or max(times) <= end):
        return None
    early = [i for i, t in enumerate(times) if t < 0]
    late = [] if end is None else [i for i, t in enumerate(times) if t > end]
    if early:
        i = early[0]
        msg = f"Key {i + 1} is timed at {times[i]:,} ms, before the race started"
    else:
        i = late[0]
        msg = (
            f"Key {i + 1} is timed at {times[i]:,} ms, after the {limit_ms:,} ms time limit "
            f"and its {th.limit_slack_ms} ms slack"
        )
    count = len(early) + len(late)
    more = f"; {count:,} keys in all are outside the race" if count > 1 else ""
    return Reason("ts_outside_window", f"{msg}{more}.")


def _ts_future(s: _Stream, th: Thresholds) -> Reason | None:
    tol = th.future_tolerance_ms
    if not s.lag or -min(s.lag) <= tol:
        return None
    by = -min(s.lag)
    count = sum(1 for d in s.lag if -d > tol)
    return Reason(
        "ts_future",
        f"Key {s.lag.index(-by) + 1} is timed {by:,} ms after its batch arrived (tolerance "
        f"{tol} ms); {_keys_are(count)} timed in the future.",
    )


def _ts_stale(s: _Stream, th: Thresholds) -> Reason | None:
    win = th.stale_window_ms
    if not s.lag or max(s.lag) <= win:
        return None
    by = max(s.lag)
    count = sum(1 for d in s.lag if d > win)
    return Reason(
        "ts_stale",
        f"Key {s.lag.index(by) + 1} arrived {by:,} ms after its own time (at most {win:,} ms); "
        f"{count:,} {'key' if count == 1 else 'keys'} in all arrived late.",
    )


def _ts_lagging(s: _Stream, th: Thresholds) -> Reason | None:
    """Flag a stream timed consistently earlier than it was sent (shaving the finish time)."""
    if len(s.lag) < th.lag_min_keys:
        return None
    median = _quantile(sorted(s.lag), 0.5)
    if median <= th.lag_median_ms:
        return None
    return Reason(
        "ts_lagging",
        f"Keys arrived {median:,.0f} ms after their own time in the median (at most "
        f"{th.lag_median_ms:,} ms): the stream is timed earlier than it was typed.",
    )


def _speed(s: _Stream, th: Thresholds) -> Reason | None:
    ts = s.typing
    worst: tuple[float, int, list[int], float] | None = None  # excess, k, spans, ceiling
    for k, ceiling in th.speed_ceilings:
        if len(ts) <= k:
            break
        spans = _diffs(ts, k)
        span = min(spans)
        rate = math.inf if span <= 0 else 12_000 * k / span
        if rate > ceiling and (worst is None or rate / ceiling > worst[0]):
            worst = (rate / ceiling, k, spans, ceiling)
    if worst is None:
        return None
    _, k, spans, ceiling = worst
    span = min(spans)
    start = spans.index(span)
    first, last = s.index[start] + 1, s.index[start + k] + 1
    shown = "too fast to measure" if span <= 0 else f"{12_000 * k / span:,.0f} WPM"
    return Reason(
        "speed_implausible",
        f"Keys {first}-{last} were typed at {shown} ({k} intervals in {span:,} ms); "
        f"the human ceiling over {k} intervals is {ceiling:.0f} WPM.",
    )


def _paste(s: _Stream, th: Thresholds) -> Reason | None:
    ts, p, win = s.typing, th.paste_keys, th.paste_window_ms
    if len(ts) < p:
        return None
    spans = _diffs(ts, p - 1)
    if min(spans) > win:
        return None
    start = next(i for i, d in enumerate(spans) if d <= win)
    end = start + p - 1
    while end + 1 < len(ts) and ts[end + 1] - ts[start] <= win:
        end += 1
    n, span = end - start + 1, ts[end] - ts[start]
    return Reason(
        "paste_burst",
        f"{n:,} characters arrived within {span:,} ms (keys {s.index[start] + 1}-"
        f"{s.index[end] + 1}); {p} within {win} ms is a paste, not typing.",
    )


def _regular_intervals(s: _Stream, th: Thresholds) -> list[int]:
    """Return the intervals regularity is judged on: no correction between, no pause, no chord."""
    ts, index, lo, hi = s.typing, s.index, th.rollover_ms, th.pause_ms
    steps = _diffs(ts)
    if index[-1] == len(index) - 1:  # no correction key anywhere: every step is clean
        return [d for d in steps if lo <= d <= hi]
    gaps = _diffs(index)  # 1 when no correction key came between two typing keys
    return [d for d, g in zip(steps, gaps, strict=True) if g == 1 and lo <= d <= hi]


def _regularity(s: _Stream, th: Thresholds) -> Reason | None:
    if len(s.typing) <= th.min_regular_intervals:
        return None
    xs = _regular_intervals(s, th)
    n = len(xs)
    if n < th.min_regular_intervals:
        return None
    # Exact integer power sums, then the population central moments.
    squares = [x * x for x in xs]
    s1, s2 = sum(xs), sum(squares)
    s3 = sum([q * x for q, x in zip(squares, xs, strict=True)])
    mean = s1 / n
    var = (n * s2 - s1 * s1) / (n * n)
    sd = math.sqrt(var)
    m3 = (n * n * s3 - 3 * n * s1 * s2 + 2 * s1**3) / n**3
    skew = m3 / sd**3 if sd > 0 else 0.0
    cv = sd / mean if mean else 0.0
    score = cv + th.skew_weight * min(max(skew, th.skew_min), th.skew_max)
    floor = th.regular_cap - th.regular_slope / math.sqrt(n)
    if score < floor:
        return Reason(
            "too_regular",
            f"The {n:,} intervals between keys are too even for a human: CV {cv:.2f} and "
            f"skewness {skew:.2f} score {score:.3f}, below the floor {floor:.3f} for {n:,} "
            "intervals.",
        )
    xs.sort()
    p10, p50, p90 = _quantile(xs, 0.1), _quantile(xs, 0.5), _quantile(xs, 0.9)
    core = (p90 - p10) / p50 if p50 else 0.0
    if core < th.core_spread_floor:
        return Reason(
            "too_regular",
            f"Most of the {n:,} intervals between keys are nearly equal: the middle 80 % span "
            f"{p10:.0f}-{p90:.0f} ms around a median of {p50:.0f} ms ({core:.2f} of the "
            f"median, floor {th.core_spread_floor:.2f}).",
        )
    return None


def _quantile(xs: list[int], q: float) -> float:
    """Return the q-quantile of sorted values, interpolating linearly."""
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _accuracy(fig: Figures, th: Thresholds) -> Reason | None:
    typed = fig.correct + fig.incorrect
    if typed < th.accuracy_min_chars or fig.accuracy >= th.accuracy_floor:
        return None
    return Reason(
        "low_accuracy",
        f"Accuracy is {fig.accuracy:.1f} % over {typed:,} typed characters; "
        f"the floor is {th.accuracy_floor:.0f} %.",
    )
