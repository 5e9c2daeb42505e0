"""Progress ticks: what a racing room is told of everyone's progress, from the store."""

from __future__ import annotations

import json
from typing import Any

from race.core.figures import live_wpm
from race.store.base import Live


def tick(
    live: Live, now: int, n: int, lag: int, progress: dict[str, str], *, every: int
) -> dict[str, Any]:
    """Return the ``n``-th tick of a racing room, built from the round's stored progress
    (player id -> the JSON the keys path stored with each batch); ``every`` is the period
    the room is ticked at (ms)."""
    elapsed = now - live.starts_at
    players = []
    for pid, raw in progress.items():
        p = json.loads(raw)
        fin = p["fin"]
        players.append(
            {
                "id": pid,
                "pos": p["pos"],
                "err": p["err"],
                "wpm": live_wpm(p["net"], fin if fin is not None else elapsed),
                "done": fin is not None,
            }
        )
    return {
        "code": live.code,
        "round": live.round,
        "t": now,
        "n": n,
        "lag": lag,
        "every": every,
        "players": players,
    }
