"""Ghosts for a lone quick racer: the best recent stored runs of one snippet version.

``pick_ghosts`` is the query (it takes a session and reads); ``DatabaseGhosts`` is the
``race.ghosts.GhostSource`` the race engine asks, each pick in its own short session with
every wait bounded, so a slow database costs the asking racer at most ``WAIT_S``.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from race.core.room import Ghost
from race.core.snippet import Snippet
from race.db import green
from race.db.bests import CUSTOM
from race.db.models import KeyLog
from race.db.models import Player
from race.db.models import Result
from race.db.models import Snippet as SnippetRow
from race.db.write import content_hash
from race.db.write import from_ms
from race.ghosts import GhostsUnavailable

#: Runs older than this are not offered ("recent"): the field moves on.
RECENT = timedelta(days=30)
#: Rows read at most per pick (the fastest first), before keeping one per player.
SCAN = 50
#: Longest a pick waits on the database (s), connecting included.
WAIT_S = 2.0


def pick_ghosts(
    session: Session, slug: str, digest: str, *, limit: int, exclude: str, since: datetime
) -> list[Ghost]:
    """Return up to ``limit`` ghosts: completed, unflagged, listed runs of the snippet
    version (slug, content hash) finished since ``since`` with their keystrokes stored,
    each player's fastest once, fastest first; never ``exclude``'s own."""
    if slug == CUSTOM or limit <= 0:
        return []
    version = session.scalar(
        select(SnippetRow.id).where(SnippetRow.slug == slug, SnippetRow.content_hash == digest)
    )
    if version is None:
        return []
    rows = session.execute(
        select(Result.race_id, Result.player_id, Result.name, Player.username)
        .add_columns(Result.net_wpm, Result.duration_ms)
        .join(KeyLog, KeyLog.result_id == Result.id)
        .join(Player, Player.id == Result.player_id)
        .where(
            Result.snippet_id == version,
            Result.completed.is_(True),
            Result.flagged.is_(False),
            Result.public.is_(True),
            Result.finished_at >= since,
            Result.player_id != exclude,
        )
        .order_by(Result.net_wpm.desc(), Result.finished_at.desc(), Result.id)
        .limit(SCAN)
    )
    ghosts: dict[str, Ghost] = {}
    for race_id, player_id, name, username, wpm, duration in rows:
        if player_id not in ghosts:
            ghosts[player_id] = Ghost(race_id, player_id, username or name, wpm, duration)
        if len(ghosts) == limit:
            break
    return list(ghosts.values())


class DatabaseGhosts:
    """Picks ghosts from the results database (``race.ghosts.GhostSource``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def pick(self, snippet: Snippet, limit: int, exclude: str, now_ms: int) -> list[Ghost]:
        """Return the best recent runs of this snippet version; ``GhostsUnavailable`` if
        the database cannot answer within ``WAIT_S``."""
        since = from_ms(now_ms) - RECENT
        digest = content_hash(snippet.indent, snippet.text)
        try:
            with green.bounded(WAIT_S), Session(self.engine) as session:
                return pick_ghosts(
                    session, snippet.id, digest, limit=limit, exclude=exclude, since=since
                )
        except SQLAlchemyError as exc:
            raise GhostsUnavailable(str(exc)) from exc
