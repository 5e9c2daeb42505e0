"""Every limit the anti-cheat verdict applies, as one record: ``Thresholds``.

``docs/anticheat.md`` gives the human data or physical fact behind each value; tests and
benchmarks pass other values to ``race.core.verdict.judge`` to see what each one does.
"""

from __future__ import annotations

from dataclasses import dataclass


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


#: The limits the server judges with.
DEFAULT_THRESHOLDS = Thresholds()
