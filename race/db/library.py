"""The snippet library's figures: each corpus snippet's best time, in one query for the page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db.bests import CUSTOM
from race.db.models import Best
from race.db.models import Result
from race.db.models import Snippet


@dataclass(frozen=True, slots=True)
class BestTime:
    """The fastest eligible finish of one snippet version and its top net WPM."""

    duration_ms: int
    net_wpm: float


def best_times(session: Session) -> dict[tuple[str, str], BestTime]:
    """Return (slug, content hash) -> the snippet version's best time and top WPM.

    Read from the all-time snippet boards (``race.db.bests``): their rows are already only
    completed, unflagged results of public races, one per player, so the query reads a few
    rows per snippet instead of every result ever typed on it. A page matches a corpus
    snippet to its current version by content hash, so an edited snippet starts afresh.
    """
    rows = session.execute(
        select(
            Snippet.slug,
            Snippet.content_hash,
            func.min(Result.duration_ms),
            func.max(Best.net_wpm),
        )
        .select_from(Best)
        .join(Result, Result.id == Best.result_id)
        .join(Snippet, Snippet.id == Result.snippet_id)
        .where(
            Best.period == "all",
            Best.board.startswith("s:"),
            Result.completed.is_(True),
            Result.flagged.is_(False),
            Snippet.slug != CUSTOM,
        )
        .group_by(Snippet.slug, Snippet.content_hash)
    )
    return {(slug, digest): BestTime(int(ms), float(wpm)) for slug, digest, ms, wpm in rows}
