"""Player profile reads: recent races, personal bests, averages and the accuracy trend,
public results only unless the player looks at their own. Takes a session; never commits."""

from __future__ import annotations

from datetime import datetime
from datetime import time
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db.models import Best
from race.db.models import Player
from race.db.models import Race
from race.db.models import Result
from race.db.models import Snippet
from race.db.views import iso
from race.db.views import result_view


def _averages(
    session: Session, player_id: str, since: datetime | None, last: int | None, mine: bool
) -> Any:
    """Return (races, mean net WPM, mean accuracy) over a player's ranked-kind results
    (public ones only, unless ``mine``)."""
    inner = select(Result.net_wpm, Result.accuracy).where(
        Result.player_id == player_id, Result.completed, Result.flagged.is_(False)
    )
    if not mine:
        inner = inner.where(Result.public)
    if since is not None:
        inner = inner.where(Result.finished_at >= since)
    if last is not None:
        inner = inner.order_by(Result.finished_at.desc()).limit(last)
    sub = inner.subquery()
    races, wpm, acc = session.execute(
        select(func.count(), func.avg(sub.c.net_wpm), func.avg(sub.c.accuracy))
    ).one()
    return {
        "races": races,
        "net_wpm": None if wpm is None else round(float(wpm), 2),
        "accuracy": None if acc is None else round(float(acc), 2),
    }


def profile(
    session: Session,
    player_id: str,
    now: datetime,
    recent: int = 20,
    trend: int = 50,
    *,
    mine: bool = False,
) -> dict[str, Any] | None:
    """Return a player's profile: recent races, personal bests, averages, accuracy trend.

    Races that are not public (private rooms whose host did not opt in, pasted code) count
    only when the player looks at their own profile (``mine``); bests are public only.
    """
    player = session.get(Player, player_id)
    if player is None:
        return None
    listed = Result.player_id == player_id
    if not mine:
        listed = listed & Result.public
    history = session.execute(
        select(Result, Race.mode, Snippet.slug, Snippet.title)
        .join(Race, Race.id == Result.race_id)
        .join(Snippet, Snippet.id == Result.snippet_id)
        .where(listed)
        .order_by(Result.finished_at.desc(), Result.id.desc())
        .limit(recent)
    ).all()
    held = session.execute(
        select(Best.board, Result, Snippet.slug, Snippet.title)
        .join(Result, Result.id == Best.result_id)
        .join(Snippet, Snippet.id == Result.snippet_id)
        .where(Best.player_id == player_id, Best.period == "all")
        .order_by(Best.net_wpm.desc())
    ).all()
    points = session.execute(
        select(Result.finished_at, Result.accuracy, Result.net_wpm)
        .where(listed, Result.completed, Result.flagged.is_(False))
        .order_by(Result.finished_at.desc(), Result.id.desc())
        .limit(trend)
    ).all()
    midnight = datetime.combine(now.date(), time(), now.tzinfo)
    return {
        "player_id": player.id,
        "name": player.username or player.name,
        "registered": player.username is not None,
        "mine": mine,
        "since": iso(player.created_at),
        "recent": [
            {**result_view(r), "mode": mode, "snippet": slug, "title": title}
            for r, mode, slug, title in history
        ],
        "bests": {
            "languages": [
                {**result_view(r), "language": board[2:], "snippet": slug, "title": title}
                for board, r, slug, title in held
                if board.startswith("l:")
            ],
            "snippets": [
                {**result_view(r), "snippet": slug, "title": title}
                for board, r, slug, title in held
                if board.startswith("s:")
            ],
        },
        "averages": {
            "last10": _averages(session, player_id, None, 10, mine),
            "today": _averages(session, player_id, midnight, None, mine),
            "all": _averages(session, player_id, None, None, mine),
        },
        "accuracy_trend": [
            {"finished_at": iso(at), "accuracy": accuracy, "net_wpm": wpm}
            for at, accuracy, wpm in reversed(points)
        ],
    }
