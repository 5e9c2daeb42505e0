"""Personal bests per board and period: which rows a result touches, and keeping them.

A board is a language (``l:python``) or one snippet version (``s:42``); a period is all
time (``all``), a UTC day (``d2026-11-24``) or an ISO week (``w2026-W48``). Only eligible
results count: completed, not flagged, typed on a corpus snippet (pasted code ranks
nowhere), in a public race (a private room's only if its host opted in). Every write
upserts the rows it touches, keeping the higher net WPM (the earlier result on a tie), so
the leaderboards read a small indexed table instead of aggregating results. Day and week
rows are pruned once their period is long gone.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db.dialect import insert
from race.db.models import Best
from race.db.models import Result
from race.db.models import Snippet

PERIODS = ("today", "week", "all")
#: Day rows kept this many days, week rows this many weeks (today and this week are read).
KEEP_DAYS = 8
KEEP_WEEKS = 3
CUSTOM = "custom"


def language_board(language: str) -> str:
    """Return the board key of a language."""
    return f"l:{language}"


def snippet_board(snippet_id: int) -> str:
    """Return the board key of a snippet version."""
    return f"s:{snippet_id}"


def day_key(when: datetime) -> str:
    """Return the period key of a UTC day."""
    return "d" + when.date().isoformat()


def week_key(when: datetime) -> str:
    """Return the period key of an ISO week."""
    year, week, _ = when.isocalendar()
    return f"w{year}-W{week:02d}"


def period_key(period: str, now: datetime) -> str:
    """Return the key for ``today``, ``week`` or ``all`` as of ``now`` (UTC)."""
    if period == "today":
        return day_key(now)
    if period == "week":
        return week_key(now)
    if period == "all":
        return "all"
    raise ValueError(f"period must be one of {', '.join(PERIODS)}")


def keys_for(language: str, snippet_id: int, finished_at: datetime) -> list[tuple[str, str]]:
    """Return the (board, period) rows an eligible result counts for."""
    periods = ("all", day_key(finished_at), week_key(finished_at))
    boards = (language_board(language), snippet_board(snippet_id))
    return [(board, period) for board in boards for period in periods]


def eligible(completed: bool, flagged: bool, slug: str, public: bool = True) -> bool:
    """Tell whether a result may rank: completed, not flagged, on a corpus snippet, in a
    public race."""
    return completed and not flagged and slug != CUSTOM and public


def kept(period: str, now: datetime) -> bool:
    """Tell whether a period's rows are still kept as of ``now``."""
    return period == "all" or period >= _cutoffs(now)[0 if period.startswith("d") else 1]


def _cutoffs(now: datetime) -> tuple[str, str]:
    """Return the oldest day key and the oldest week key still kept."""
    return day_key(now - timedelta(days=KEEP_DAYS)), week_key(now - timedelta(weeks=KEEP_WEEKS))


def better(a: tuple[float, datetime], b: tuple[float, datetime]) -> bool:
    """Tell whether (net WPM, finished at) ``a`` beats ``b``: faster, or as fast and earlier."""
    return a[0] > b[0] or (a[0] == b[0] and a[1] < b[1])


def record(session: Session, result: Result, now: datetime) -> None:
    """Count one eligible result (already flushed, so it has an id) towards its bests."""
    rows = [
        {
            "board": board,
            "period": period,
            "player_id": result.player_id,
            "result_id": result.id,
            "net_wpm": result.net_wpm,
            "finished_at": result.finished_at,
        }
        for board, period in keys_for(result.language, result.snippet_id, result.finished_at)
        if kept(period, now)
    ]
    if not rows:
        return
    stmt = insert(session, Best).values(rows)
    new = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[Best.board, Best.period, Best.player_id],
        set_={"result_id": new.result_id, "net_wpm": new.net_wpm, "finished_at": new.finished_at},
        where=or_(
            new.net_wpm > Best.net_wpm,
            (new.net_wpm == Best.net_wpm) & (new.finished_at < Best.finished_at),
        ),
    )
    session.execute(stmt)


def prune(session: Session, now: datetime) -> int:
    """Delete day and week rows whose period is no longer kept; return how many."""
    oldest_day, oldest_week = _cutoffs(now)
    stmt = delete(Best).where(
        or_(
            Best.period.like("d%") & (Best.period < oldest_day),
            Best.period.like("w%") & (Best.period < oldest_week),
        )
    )
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def rebuild(session: Session, now: datetime, batch: int = 5000) -> int:
    """Recompute every best from the results (after moderation or a repair); return rows."""
    session.execute(delete(Best))
    query = (
        select(Result.id, Result.player_id, Result.language, Result.snippet_id)
        .add_columns(Result.net_wpm, Result.finished_at)
        .join(Snippet, Snippet.id == Result.snippet_id)
        .where(Result.completed, Result.flagged.is_(False), Snippet.slug != CUSTOM, Result.public)
        .order_by(Result.player_id)
        .execution_options(yield_per=batch)
    )
    pending: list[dict[str, object]] = []
    mine: dict[tuple[str, str], tuple[int, float, datetime]] = {}
    current = None
    written = 0
    for rid, pid, language, snippet_id, wpm, at in session.execute(query):
        if pid != current:
            pending.extend(_rows(current, mine))
            mine, current = {}, pid
            if len(pending) >= batch:
                written += _flush(session, pending)
        for key in keys_for(language, snippet_id, at):
            held = mine.get(key)
            if kept(key[1], now) and (held is None or better((wpm, at), held[1:])):
                mine[key] = (rid, wpm, at)
    pending.extend(_rows(current, mine))
    return written + _flush(session, pending)


def _rows(
    player_id: str | None, mine: dict[tuple[str, str], tuple[int, float, datetime]]
) -> list[dict[str, object]]:
    return [
        {
            "board": board,
            "period": period,
            "player_id": player_id,
            "result_id": rid,
            "net_wpm": wpm,
            "finished_at": at,
        }
        for (board, period), (rid, wpm, at) in mine.items()
    ]


def _flush(session: Session, rows: list[dict[str, object]]) -> int:
    count = len(rows)
    if rows:
        session.execute(insert(session, Best), rows)
        rows.clear()
    return count
