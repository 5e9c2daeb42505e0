"""Review a stored keystroke log: replay it through the scorer and judge it."""

from __future__ import annotations

from dataclasses import dataclass

from race.core.course import Course
from race.core.figures import Figures
from race.core.figures import figures
from race.core.keylog import KeyLog
from race.core.scorer import Typist
from race.core.snippet import indent_unit
from race.core.verdict import Verdict
from race.core.verdict import judge


@dataclass(frozen=True, slots=True)
class Review:
    """What the server decides about one player's log."""

    figures: Figures
    verdict: Verdict


def review(log: KeyLog, end_ms: int | None = None) -> Review:
    """Replay every batch of a log, then compute the figures and the verdict."""
    course = Course(log.snippet, log.rules, indent_unit(log.indent))
    typist = Typist(course)
    for batch in log.batches:
        if log.limit_ms is None:
            typist.feed(batch.keys)
        else:  # keys past the limit are judged by the verdict but not scored
            typist.feed([k for k in batch.keys if k[0] <= log.limit_ms])
    fig = figures(typist, end_ms=end_ms)
    return Review(fig, judge(course, log.batches, fig, limit_ms=log.limit_ms))
