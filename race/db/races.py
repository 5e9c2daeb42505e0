"""Finished race reads: a race with its snippet and standings, and its players' stored
keystroke logs (``race.db.analyses`` adds the error analysis). Each takes a session and
reads; none commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import undefer

from race.db.models import KeyLog
from race.db.models import Race
from race.db.models import Result
from race.db.models import Snippet
from race.db.views import iso
from race.db.views import result_view
from race.db.views import snippet_view
from race.db.write import unpack_log


def race(session: Session, race_id: str) -> dict[str, Any] | None:
    """Return a finished race with its snippet and every player's figures, by place (never
    its room's code: a race id is shared with people who were not in the room)."""
    found = session.get(Race, race_id)
    if found is None:
        return None
    snippet = session.get_one(Snippet, found.snippet_id)
    results = session.scalars(
        select(Result)
        .options(undefer(Result.series), undefer(Result.missed))
        .where(Result.race_id == race_id)
        .order_by(Result.place)
    ).all()
    body = {
        "race_id": found.id,
        "round": found.round,
        "mode": found.mode,
        "language": found.language,
        "snippet": {**snippet_view(snippet), "indent": snippet.indent, "text": snippet.text},
        "rules": found.rules,
        "limit_ms": found.limit_ms,
        "started_at": iso(found.started_at),
        "finished_at": iso(found.finished_at),
        "standings": [
            {
                **result_view(r),
                "series": [{"wpm": w, "raw": raw, "errors": e} for w, raw, e in r.series],
                "missed": r.missed[:10],
            }
            for r in results
        ],
    }
    return body


def is_stored(session: Session, race_id: str) -> bool:
    """Tell whether a race's results have been written (one primary-key lookup)."""
    return session.scalar(select(Race.id).where(Race.id == race_id)) is not None


def keylog(session: Session, race_id: str, player_id: str) -> list[str] | None:
    """Return a player's stored keystroke log for a race (JSONL lines), or None."""
    found = session.scalars(
        select(KeyLog)
        .join(Result, Result.id == KeyLog.result_id)
        .where(Result.race_id == race_id, Result.player_id == player_id)
    ).first()
    return None if found is None else unpack_log(found)


def keylogs(session: Session, race_id: str, player_id: str | None = None) -> dict[str, KeyLog]:
    """Return a race's stored keystroke logs (every player's, or one), by player id."""
    query = (
        select(Result.player_id, KeyLog)
        .join(KeyLog, KeyLog.result_id == Result.id)
        .where(Result.race_id == race_id)
    )
    if player_id is not None:
        query = query.where(Result.player_id == player_id)
    return {pid: log for pid, log in session.execute(query)}
