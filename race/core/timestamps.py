"""The timestamp checks of the verdict: keys timed back in time, outside the race, in the
future, arriving stale, or a whole stream timed earlier than it was sent.

Each check reads the stream in arrival order and returns a ``Reason`` or None.
"""

from __future__ import annotations

from race.core.signals import Reason
from race.core.signals import Stream
from race.core.signals import diffs
from race.core.signals import quantile
from race.core.thresholds import Thresholds


def _keys_are(n: int) -> str:
    return "1 key is" if n == 1 else f"{n:,} keys are"


def ts_backwards(s: Stream) -> Reason | None:
    """Flag a key timed before the key sent ahead of it."""
    times = s.times
    if sorted(times) == times:  # linear for a sorted list: the honest case is cheap
        return None
    drops = [i for i, d in enumerate(diffs(times), start=1) if d < 0]
    i = drops[0]
    more = f"; {len(drops):,} keys in all go back in time" if len(drops) > 1 else ""
    return Reason(
        "ts_backwards",
        f"Key {i + 1} is timed {times[i - 1] - times[i]:,} ms before key {i}{more}.",
    )


def ts_outside_window(s: Stream, limit_ms: int | None, th: Thresholds) -> Reason | None:
    """Flag keys timed before the start or past the time limit and its slack."""
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


def ts_future(s: Stream, th: Thresholds) -> Reason | None:
    """Flag keys timed after their batch arrived, beyond the clock-sync tolerance."""
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


def ts_stale(s: Stream, th: Thresholds) -> Reason | None:
    """Flag keys that arrived longer after their own time than any buffering explains."""
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


def ts_lagging(s: Stream, th: Thresholds) -> Reason | None:
    """Flag a stream timed consistently earlier than it was sent (shaving the finish time)."""
    if len(s.lag) < th.lag_min_keys:
        return None
    median = quantile(sorted(s.lag), 0.5)
    if median <= th.lag_median_ms:
        return None
    return Reason(
        "ts_lagging",
        f"Keys arrived {median:,.0f} ms after their own time in the median (at most "
        f"{th.lag_median_ms:,} ms): the stream is timed earlier than it was typed.",
    )
