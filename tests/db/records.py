"""Finished race records shaped like ``race.core.record.record``, for the db tests."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from typing import Any

from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.rules import Rules

SNIPPET = {
    "id": "py-short",
    "title": "Short Python",
    "language": "python",
    "difficulty": "easy",
    "indent": "spaces:4",
    "text": "def add(a, b):\n    return a + b\nprint(add(1, 2))",
}
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def ms(when: datetime) -> int:
    """Return server milliseconds for a datetime."""
    return int(when.timestamp() * 1000)


def pid(n: int) -> str:
    """Return a well-formed player id."""
    return f"p{n:016x}"


def standing(
    player_id: str,
    name: str = "Player",
    wpm: float = 60.0,
    *,
    place: int = 1,
    completed: bool = True,
    flagged: bool = False,
    accuracy: float = 97.5,
) -> dict[str, Any]:
    """Return one line of standings."""
    return {
        "player_id": player_id,
        "name": name,
        "place": place,
        "net_wpm": wpm,
        "raw_wpm": wpm + 5,
        "accuracy": accuracy,
        "consistency": 80.0,
        "progress": 1.0 if completed else 0.5,
        "duration_ms": 12_000,
        "completed": completed,
        "flagged": flagged,
        "reasons": ["too_fast"] if flagged else [],
    }


def record(
    race_id: str,
    standings: list[dict[str, Any]],
    *,
    when: datetime = NOW,
    kind: str = "quick",
    snippet: dict[str, Any] | None = None,
    code: str | None = None,
    round_: int = 1,
) -> dict[str, Any]:
    """Return a finished race record (of a room whose code is unrelated to the id)."""
    snippet = snippet or SNIPPET
    code = code or race_id[:16].swapcase()
    header = dump_log(KeyLog(snippet["text"], Rules(), snippet["indent"], 120_000))
    keys = json.dumps({"seq": 0, "recv_ms": 900, "keys": [[100, "d"], [250, "e"]]})
    return {
        "race_id": race_id,
        "code": code,
        "round": round_,
        "kind": kind,
        "snippet": dict(snippet),
        "rules": Rules().to_dict(),
        "limit_ms": 120_000,
        "starts_at": ms(when) - 15_000,
        "finished_at": ms(when),
        "standings": standings,
        "series": {
            s["player_id"]: [{"wpm": 50.0, "raw": 55.0, "errors": 0}] * 3 for s in standings
        },
        "missed": {s["player_id"]: [["(", 2], ["b", 1]] for s in standings},
        "logs": {s["player_id"]: [*header, keys] for s in standings},
    }
