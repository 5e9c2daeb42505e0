"""A stored race, frame by frame: where a player's cursor was at each moment.

Replays and ghost races draw a finished run from these frames. They are the scorer's own
state after every key of the stored log, so a replay shows exactly what was scored: the
correct prefix (``pos``, as in ``Progress.pos``) and the wrong characters typed after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from race.core.course import Course
from race.core.keylog import KeyLog
from race.core.scorer import Typist
from race.core.snippet import indent_unit

#: Frames kept per run at most; a longer run is thinned evenly in time (a replay is drawn
#: at screen rate, so closer frames than that are never seen anyway).
MAX_FRAMES = 6000


@dataclass(frozen=True, slots=True)
class Frame:
    """The state from ``t_ms`` (since the race start) until the next frame."""

    t_ms: int
    pos: int
    error_run: str = ""

    def as_json(self) -> list[object]:
        """Return ``[t, pos]``, or ``[t, pos, error_run]`` while there are errors."""
        return [self.t_ms, self.pos, self.error_run] if self.error_run else [self.t_ms, self.pos]


def trace(log: KeyLog, max_frames: int = MAX_FRAMES) -> tuple[Frame, ...]:
    """Return the frames of a stored run: the start, then every change the keys made.

    Keys past the race's time limit are not scored, so they are not drawn. Time never goes
    back (the scorer takes the latest timestamp seen), and keys of one millisecond make one
    frame.
    """
    course = Course(log.snippet, log.rules, indent_unit(log.indent))
    typist = Typist(course)
    frames = [Frame(0, typist.pos)]
    for batch in log.batches:
        for key in batch.keys:
            if typist.finished:
                break
            if log.limit_ms is not None and key[0] > log.limit_ms:
                continue
            typist.feed((key,))
            last = frames[-1]
            if typist.pos == last.pos and typist.error_run == last.error_run:
                continue
            frame = Frame(typist.last_ms, typist.pos, typist.error_run)
            if frame.t_ms == last.t_ms and len(frames) > 1:
                frames[-1] = frame
            else:
                frames.append(frame)
    return thin(tuple(frames), max_frames)


def thin(frames: tuple[Frame, ...], max_frames: int) -> tuple[Frame, ...]:
    """Keep at most ``max_frames``, evenly spread in time; the first and last always stay."""
    if len(frames) <= max_frames:
        return frames
    first, last = frames[0], frames[-1]
    step = (last.t_ms - first.t_ms) / (max_frames - 1)
    kept = [first]
    for frame in frames[1:-1]:
        if len(kept) >= max_frames - 1:
            break
        if frame.t_ms - kept[-1].t_ms >= step:
            kept.append(frame)
    kept.append(last)
    return tuple(kept)
