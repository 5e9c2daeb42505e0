"""Solo practice at typing speed, applied (the pure moves are ``race.core.practice``): a
run's clock starts at its first key (``go``), and ``restart`` opens the next round at
once, on the same snippet or the next one in its language."""

from __future__ import annotations

import logging
import secrets

from race.core import practice
from race.core import tabs
from race.core.room import Room
from race.core.snippet import Snippet
from race.identity import Player
from race.realtime.engine import Engine
from race.realtime.naming import new_race_id
from race.store.base import is_store_error

log = logging.getLogger(__name__)


def restart(
    engine: Engine, code: str, player: Player, snippet: Snippet | None, conn: str = ""
) -> Room:
    """Open the room's next run (asked by connection ``conn``, which must hold the seat);
    a run left unfinished is dropped from the store once the room has moved on (a failure
    there leaves keys the store expires with the room)."""
    race_id = new_race_id()
    before, after = engine.update(
        code,
        lambda r: practice.restart(
            tabs.require_holder(r, player.id, conn), player.id, race_id, snippet
        ),
        lambda r: r.race_id == race_id,  # this call's run, drawn just now, is open
    )
    if practice.is_abandoned_run(before, after):
        try:
            engine.store.drop_round(code, before.round, [s.player_id for s in before.seats])
        except Exception as exc:
            if not is_store_error(exc):
                raise
            # The new run is open. Unsealed, the old round may still log a batch from a
            # worker whose room view predates the restart (ROOM_CACHE_MS at most), but
            # nothing concludes it; its keys expire with the room's.
            log.warning("dropping run %s|%s failed: %r", code, before.round, exc)
    return after


def next_snippet(engine: Engine, room: Room) -> Snippet:
    """Return another snippet in the language of the room's (the same one if it is the
    language's only snippet); pasted code has no next, so it is typed again."""
    if room.snippet.id == "custom":
        return room.snippet
    choices = [
        s for s in engine.corpus.select(language=room.snippet.language) if s.id != room.snippet.id
    ]
    if not choices:
        return room.snippet
    return secrets.choice(choices)


def go(engine: Engine, code: str, player: Player, round_: int, at: int, *, conn: str = "") -> Room:
    """Start a waiting run's clock at its first key (``practice.start_at_first_key``), as
    asked by connection ``conn``, which must hold the seat."""
    now = engine.clock()
    _, after = engine.update(
        code,
        lambda r: practice.start_at_first_key(
            tabs.require_holder(r, player.id, conn), player.id, round_, now, at
        ),
    )
    return after
