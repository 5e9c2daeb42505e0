"""The cadence checks of the verdict: typing faster than any human, text arriving as a
paste, and intervals too even for a human hand.

Each check reads the typing keys' times, clamped forward like the scorer's, and returns a
``Reason`` or None.
"""

from __future__ import annotations

import math

from race.core.signals import Reason
from race.core.signals import Stream
from race.core.signals import diffs
from race.core.signals import quantile
from race.core.thresholds import Thresholds


def speed(s: Stream, th: Thresholds) -> Reason | None:
    """Flag the run of typing keys furthest above its human speed ceiling."""
    ts = s.typing
    worst: tuple[float, int, list[int], float] | None = None  # excess, k, spans, ceiling
    for k, ceiling in th.speed_ceilings:
        if len(ts) <= k:
            break
        spans = diffs(ts, k)
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


def paste(s: Stream, th: Thresholds) -> Reason | None:
    """Flag the first burst of typing keys too dense to be typed."""
    ts, p, win = s.typing, th.paste_keys, th.paste_window_ms
    if len(ts) < p:
        return None
    spans = diffs(ts, p - 1)
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


def _regular_intervals(s: Stream, th: Thresholds) -> list[int]:
    """Return the intervals regularity is judged on: no correction between, no pause, no chord."""
    ts, index, lo, hi = s.typing, s.index, th.rollover_ms, th.pause_ms
    steps = diffs(ts)
    if index[-1] == len(index) - 1:  # no correction key anywhere: every step is clean
        return [d for d in steps if lo <= d <= hi]
    gaps = diffs(index)  # 1 when no correction key came between two typing keys
    return [d for d, g in zip(steps, gaps, strict=True) if g == 1 and lo <= d <= hi]


def regularity(s: Stream, th: Thresholds) -> Reason | None:
    """Flag intervals too even for a human: low spread and skew, or a narrow middle 80 %."""
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
    p10, p50, p90 = quantile(xs, 0.1), quantile(xs, 0.5), quantile(xs, 0.9)
    core = (p90 - p10) / p50 if p50 else 0.0
    if core < th.core_spread_floor:
        return Reason(
            "too_regular",
            f"Most of the {n:,} intervals between keys are nearly equal: the middle 80 % span "
            f"{p10:.0f}-{p90:.0f} ms around a median of {p50:.0f} ms ({core:.2f} of the "
            f"median, floor {th.core_spread_floor:.2f}).",
        )
    return None
