"""Where a lone quick racer's ghosts come from: the stored runs of a snippet, picked by
the results database (``race.db.ghosts``) and handed to the race engine."""

from __future__ import annotations

from typing import Protocol

from race.core.room import Ghost
from race.core.snippet import Snippet


class GhostsUnavailable(Exception):
    """The runs cannot be read just now (the database is away or too slow)."""


class GhostSource(Protocol):
    """Picks stored runs for ghosts."""

    def pick(self, snippet: Snippet, limit: int, exclude: str, now_ms: int) -> list[Ghost]:
        """Return up to ``limit`` ghosts of recent (as of ``now_ms``) completed, unflagged,
        listed runs of this exact snippet version (one per player, never ``exclude``'s),
        fastest first; raise ``GhostsUnavailable`` if the runs cannot be read now."""


class NoGhosts:
    """No results database: no stored runs to race."""

    def pick(self, snippet: Snippet, limit: int, exclude: str, now_ms: int) -> list[Ghost]:
        """Return no ghosts."""
        return []
