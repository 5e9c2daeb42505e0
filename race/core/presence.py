"""Who is online now: how many racers each room has waiting or racing, and the totals
per language that the landing and the quick-race lobby show.

A room counts in one bucket at a time: **waiting** (a quick lobby, counting down or not:
its connected racers, under the lobby's key, a language or "any") or **racing** (any room
in its race: its connected racers who have not finished or left, under the snippet's
language). The stores keep one small entry per room that counts (``entry``), written with
the room itself, and sum them (``tally``); nothing here reads a clock or a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

from race.core.room import Room

Bucket = Literal["waiting", "racing"]
BUCKETS: tuple[Bucket, ...] = ("waiting", "racing")


def entry(room: Room) -> str | None:
    """Return a room's presence entry, ``<bucket>|<key>|<n>``, or None if it counts no one."""
    if room.kind == "quick" and room.phase in ("lobby", "countdown"):
        n = len(room.present_racers)
        key = room.lobby or room.snippet.language
        return f"waiting|{key}|{n}" if n else None
    if room.phase in ("countdown", "racing"):
        n = sum(1 for s in room.present_racers if s.finish_ms is None)
        return f"racing|{room.snippet.language}|{n}" if n else None
    return None


@dataclass(frozen=True, slots=True)
class Counts:
    """Racers waiting and racing now, per key (a language, or "any" for a mixed lobby)."""

    waiting: dict[str, int] = field(default_factory=dict)
    racing: dict[str, int] = field(default_factory=dict)

    def total(self, bucket: Bucket) -> int:
        """Return the sum over every key of one bucket."""
        counts = self.waiting if bucket == "waiting" else self.racing
        return sum(counts.values())

    def to_dict(self) -> dict[str, object]:
        """Return the JSON view: both buckets per key, and their totals."""
        return {
            "waiting": dict(sorted(self.waiting.items())),
            "racing": dict(sorted(self.racing.items())),
            "total": {b: self.total(b) for b in BUCKETS},
        }


def tally(entries: Iterable[str]) -> Counts:
    """Sum presence entries (an iterable of ``entry`` strings); malformed ones are skipped,
    so a stray value in the store never breaks the landing."""
    counts: dict[str, dict[str, int]] = {"waiting": {}, "racing": {}}
    for raw in entries:
        bucket, _, rest = raw.partition("|")
        key, _, n = rest.rpartition("|")
        if bucket not in counts or not key or not n.isdigit():
            continue
        counts[bucket][key] = counts[bucket].get(key, 0) + int(n)
    return Counts(counts["waiting"], counts["racing"])
