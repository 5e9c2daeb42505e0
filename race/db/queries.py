"""Read queries behind the pages: leaderboards, player profiles, race standings.

Each takes a session, reads, and returns plain JSON-ready data (times as ISO 8601 UTC).
"""

from __future__ import annotations

from datetime import datetime
from datetime import time
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
from sqlalchemy.orm import undefer

from race.db.bests import CUSTOM
from race.db.models import Best
from race.db.models import KeyLog
from race.db.models import Player
from race.db.models import Race
from race.db.models import Result
from race.db.models import Snippet
from race.db.write import unpack_log


def iso(when: datetime) -> str:
    """Return a UTC time as ISO 8601 with a ``Z``."""
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


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
            {**_result(r), "mode": mode, "snippet": slug, "title": title}
            for r, mode, slug, title in history
        ],
        "bests": {
            "languages": [
                {**_result(r), "language": board[2:], "snippet": slug, "title": title}
                for board, r, slug, title in held
                if board.startswith("l:")
            ],
            "snippets": [
                {**_result(r), "snippet": slug, "title": title}
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


def _result(r: Result) -> dict[str, Any]:
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
    return {
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
                **_result(r),
                "series": [{"wpm": w, "raw": raw, "errors": e} for w, raw, e in r.series],
                "missed": r.missed[:10],
            }
            for r in results
        ],
    }


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
