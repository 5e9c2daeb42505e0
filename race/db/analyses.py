"""Each player's error analysis of a finished race, computed from the stored keystroke logs
on read and kept in a bounded cache per app (a stored log never changes).

One player's analysis costs about 3 ms on the longest built-in snippet (``bench/analysis.py``),
and every racer's page asks for the race when it ends: the cache makes that once per race
and worker instead of once per racer.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy.orm import Session

from race.core.analysis import analyse_log
from race.core.analysis import analysis_json
from race.core.keylog import parse_log
from race.corpus.lexing import token_classes
from race.db.races import keylogs
from race.db.write import unpack_log

log = logging.getLogger(__name__)

#: Races whose analyses a worker keeps (a few KB each: bounded lists per player).
CACHED_RACES = 256


class Analyses:
    """The analyses of the last ``size`` races read, by race id (one per app)."""

    def __init__(self, size: int = CACHED_RACES) -> None:
        self.size = size
        self._races: OrderedDict[str, dict[str, dict[str, Any] | None]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._races)

    def add(self, session: Session, body: dict[str, Any]) -> None:
        """Add the snippet's token classes and each standing's ``analysis`` to a race read
        by ``race.db.races.race`` (None for a player without a readable log)."""
        snippet = body["snippet"]
        classes = token_classes(body["language"], snippet["text"])
        snippet["classes"] = classes
        race_id = body["race_id"]
        with self._lock:
            found = self._races.get(race_id)
            if found is not None:
                self._races.move_to_end(race_id)
        if found is None:
            found = _analyse(session, race_id, snippet["text"], classes)
            with self._lock:
                self._races[race_id] = found
                while len(self._races) > self.size:
                    self._races.popitem(last=False)
        for standing in body["standings"]:
            standing["analysis"] = found.get(standing["player_id"])


def _analyse(
    session: Session, race_id: str, text: str, classes: str | None
) -> dict[str, dict[str, Any] | None]:
    out: dict[str, dict[str, Any] | None] = {}
    for player_id, stored in keylogs(session, race_id).items():
        out[player_id] = None
        try:
            parsed = parse_log(unpack_log(stored), f"{race_id}/{player_id}")
        except ValueError as exc:  # a LogError or an unknown codec: never expected
            log.error("race %s: %s's log unreadable: %s", race_id, player_id, exc)
            continue
        same = parsed.snippet == text  # classes are of the race's text
        out[player_id] = analysis_json(analyse_log(parsed, classes if same else None))
    return out
