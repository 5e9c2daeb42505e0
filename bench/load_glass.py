"""The glass-to-glass delay of the load benchmark: a key typed by racer A to the first tick
racer B receives that shows it.

The generator plans every key, so it knows when A typed its k-th key (``origin +
times[k]`` on the shared wall clock, the key's ``t_ms`` after ``starts_at``) and where A's
cursor is once the server has taken it (``cursor_after(course)[k]``: a tick's ``pos`` is
the server's cursor, which after an Enter lands past the next line's auto-filled
indentation). When B receives a tick, each opponent whose ``pos`` moved since the last
tick B received gives one sample: now less the press time of the **newest** key that
``pos`` covers (found by one bisect over the shared cursor table). That is the freshest
key's delay; an older key shown by the same tick, typed earlier in the same batch, waited
longer, by up to one batch period. One sample per (tick, opponent), no work per key.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from race.core.course import Course


class Planned(Protocol):
    """A racer whose key timing its opponents know."""

    #: When the racer's key times count from (wall clock ms); 0 until it starts typing.
    origin: int
    #: When each key of the snippet is typed, in ms after ``origin``.
    times: Sequence[int]


class Watcher(Planned, Protocol):
    """A racer that measures what it sees of its opponents."""

    sight: Sight | None


def cursor_after(course: Course) -> list[int]:
    """Return the cursor (a tick's ``pos``) after each key of ``ideal_keys(course)``."""
    out: list[int] = []
    text, skip_to = course.text, course.skip_to
    i = course.start
    while i < course.length:
        i = skip_to[i + 1] if text[i] == "\n" else i + 1
        out.append(i)
    return out


class Sight:
    """What one racer has seen of its room's other racers, and the delays it measured."""

    __slots__ = ("ends", "others", "out", "seen")

    def __init__(self, ends: Sequence[int], others: Mapping[str, Planned], out: list[float]):
        self.ends = ends
        self.others = others
        self.out = out
        #: Each opponent's ``pos`` in the last tick received.
        self.seen: dict[str, int] = {}

    def see(self, pid: str, pos: int, now: int) -> None:
        """Take opponent ``pid``'s ``pos`` from a tick received at ``now`` (wall clock ms)."""
        other = self.others.get(pid)
        if other is None or pos <= self.seen.get(pid, -1):
            return
        self.seen[pid] = pos
        k = bisect_right(self.ends, pos) - 1
        if k >= 0 and other.origin:
            self.out.append(now - other.origin - other.times[k])


def watch(
    group: Sequence[Watcher], yous: Iterable[Any], ends: Sequence[int], out: list[float]
) -> None:
    """Give each racer of a room its sight of the others, by the player ids the server
    gave them (``yous``: each racer's ``you`` from its create or join answer, or None)."""
    ids = {you["id"]: r for r, you in zip(group, yous, strict=True) if isinstance(you, dict)}
    for racer in group:
        racer.sight = Sight(ends, {pid: o for pid, o in ids.items() if o is not racer}, out)
