"""The snippet and the rooms the pure room tests start from."""

from __future__ import annotations

from race.core.room import Room
from race.core.room import new_room
from race.core.snippet import make_snippet

SNIPPET = make_snippet(
    id="abc", title="T", language="python", difficulty="easy", indent="spaces:4", code="a\nb\nc"
)


def quick(now: int = 1_000) -> Room:
    """Return a fresh quick-race lobby for Python."""
    return new_room("Q" * 16, "quick", SNIPPET, now, race_id="q" * 22, lobby="python")


def private(now: int = 1_000) -> Room:
    """Return a fresh private room."""
    return new_room("P" * 16, "private", SNIPPET, now, race_id="p" * 22)
