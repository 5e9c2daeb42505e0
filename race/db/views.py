"""JSON-ready views of stored rows that several reads share: a time, a snippet version,
a player's result. Times are ISO 8601 UTC with a ``Z``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from race.db.models import Result
from race.db.models import Snippet


def iso(when: datetime) -> str:
    """Return a UTC time as ISO 8601 with a ``Z``."""
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def snippet_view(s: Snippet) -> dict[str, Any]:
    """Return a snippet version as JSON-ready data."""
    return {
        "id": s.slug,
        "version": s.content_hash[:12],
        "version_id": s.id,
        "title": s.title,
        "language": s.language,
        "difficulty": s.difficulty,
    }


def result_view(r: Result) -> dict[str, Any]:
    """Return one player's stored result as JSON-ready data."""
    return {
        "race_id": r.race_id,
        "player_id": r.player_id,
        "name": r.name,
        "place": r.place,
        "net_wpm": r.net_wpm,
        "raw_wpm": r.raw_wpm,
        "accuracy": r.accuracy,
        "consistency": r.consistency,
        "progress": r.progress,
        "duration_ms": r.duration_ms,
        "completed": r.completed,
        "flagged": r.flagged,
        "reasons": r.reasons,
        "public": r.public,
        "language": r.language,
        "finished_at": iso(r.finished_at),
    }
