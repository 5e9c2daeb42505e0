"""The anti-cheat verdict: judge a player's keystroke stream for timing no honest client sends.

``judge`` runs every check on the stream (``race.core.timestamps``: when keys are timed;
``race.core.cadence``: how they are typed; accuracy here) and decides: any reason flags
the result. The checks read the keys in arrival order (batch by batch), never the clock,
and the reasons come in a fixed order (``REASON_CODES``). Every threshold is a field of
``race.core.thresholds.Thresholds``; ``docs/anticheat.md`` explains each value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from race.core import cadence
from race.core import timestamps
from race.core.course import Course
from race.core.figures import Figures
from race.core.keys import Batch
from race.core.signals import Reason
from race.core.signals import Stream
from race.core.thresholds import DEFAULT_THRESHOLDS
from race.core.thresholds import Thresholds

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


@dataclass(frozen=True, slots=True)
class Verdict:
    """The verdict on one player's stream; a flagged result stays off the leaderboards."""

    flagged: bool
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the reason codes, in order."""
        return tuple(r.code for r in self.reasons)


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
    stream = Stream(batches)
    reasons = [
        timestamps.ts_backwards(stream),
        timestamps.ts_outside_window(stream, limit_ms, th),
        timestamps.ts_future(stream, th),
        timestamps.ts_stale(stream, th),
        timestamps.ts_lagging(stream, th),
        cadence.speed(stream, th),
        cadence.paste(stream, th),
        cadence.regularity(stream, th),
        _accuracy(fig, th),
    ]
    found = tuple(r for r in reasons if r is not None)
    return Verdict(flagged=bool(found), reasons=found)


def _accuracy(fig: Figures, th: Thresholds) -> Reason | None:
    typed = fig.correct + fig.incorrect
    if typed < th.accuracy_min_chars or fig.accuracy >= th.accuracy_floor:
        return None
    return Reason(
        "low_accuracy",
        f"Accuracy is {fig.accuracy:.1f} % over {typed:,} typed characters; "
        f"the floor is {th.accuracy_floor:.0f} %.",
    )
