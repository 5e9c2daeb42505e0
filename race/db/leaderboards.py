"""Leaderboard reads: a board's top players and your rank, and the snippets that have a
board. Each takes a session, reads, and returns JSON-ready data; none commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db.bests import CUSTOM
from race.db.models import Best
from race.db.models import Player
from race.db.models import Result
from race.db.models import Snippet
from race.db.views import iso
from race.db.views import snippet_view


def _board_rows(board: str, period: str) -> Select[Any]:
    """Select a board's rows with the figures of each best result and the player's name."""
    return (
        select(Best.player_id, Best.net_wpm, Best.finished_at, Result.race_id)
        .add_columns(Result.raw_wpm, Result.accuracy, Result.duration_ms, Result.name)
        .add_columns(Player.username)
        .join(Result, Result.id == Best.result_id)
        .join(Player, Player.id == Best.player_id)
        .where(Best.board == board, Best.period == period)
    )


def _row(rank: int, found: Any) -> dict[str, Any]:
    pid, wpm, at, race_id, raw, acc, duration, name, username = found
    return {
        "rank": rank,
        "player_id": pid,
        "name": username or name,
        "net_wpm": wpm,
        "raw_wpm": raw,
        "accuracy": acc,
        "duration_ms": duration,
        "race_id": race_id,
        "finished_at": iso(at),
    }


def leaderboard(
    session: Session, board: str, period: str, limit: int = 50, player_id: str | None = None
) -> dict[str, Any]:
    """Return a board's top ``limit`` players (best result each), and ``player_id``'s rank.

    Order: net WPM, then who got there first, then player id, so ranks are distinct.
    """
    order = (Best.net_wpm.desc(), Best.finished_at, Best.player_id)
    top = session.execute(_board_rows(board, period).order_by(*order).limit(limit)).all()
    count = select(func.count()).select_from(Best)
    total = session.scalar(count.where(Best.board == board, Best.period == period)) or 0
    you = None
    mine = session.get(Best, (board, period, player_id)) if player_id else None
    if mine is not None:
        ahead = or_(
            Best.net_wpm > mine.net_wpm,
            and_(Best.net_wpm == mine.net_wpm, Best.finished_at < mine.finished_at),
            and_(
                Best.net_wpm == mine.net_wpm,
                Best.finished_at == mine.finished_at,
                Best.player_id < mine.player_id,
            ),
        )
        before = count.where(Best.board == board, Best.period == period, ahead)
        rank = (session.scalar(before) or 0) + 1
        row = session.execute(_board_rows(board, period).where(Best.player_id == player_id))
        you = _row(rank, row.one())
    rows = [_row(i, found) for i, found in enumerate(top, start=1)]
    return {"board": board, "period": period, "players": total, "top": rows, "you": you}


def snippet_boards(session: Session) -> list[dict[str, Any]]:
    """Return, for every corpus snippet whose board has a result, its newest version that
    has one (the corpus may hold versions nobody has raced)."""
    board = literal("s:") + cast(Snippet.id, String)
    raced = select(Best.board).where(Best.board == board, Best.period == "all").exists()
    latest = (
        select(func.max(Snippet.id)).where(Snippet.slug != CUSTOM, raced).group_by(Snippet.slug)
    ).scalar_subquery()
    found = session.scalars(
        select(Snippet).where(Snippet.id.in_(latest)).order_by(Snippet.language, Snippet.title)
    )
    return [snippet_view(s) for s in found]


def latest_snippet(session: Session, slug: str) -> Snippet | None:
    """Return the newest stored version of a snippet."""
    query = select(Snippet).where(Snippet.slug == slug).order_by(Snippet.id.desc()).limit(1)
    return session.scalars(query).first()
