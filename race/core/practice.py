"""Solo practice at typing speed: a run starts its clock at the first key, and a restart
(at any moment, on the same snippet or the next) is the room's next round, as a host's
rematch is, so every run is scored by the server from its own keys.

Pure moves on ``race.core.room.Room``: each takes ``now`` (server ms) and returns the next
room or raises ``Refused``.
"""

from __future__ import annotations

from race.core import phases
from race.core.room import Refused
from race.core.room import Room
from race.core.snippet import Snippet

#: How long before its ``go`` arrives a first key may say it was typed: the time the
#: message took (a slow phone network, a busy worker). A ``go`` claiming earlier starts
#: the clock this long before its arrival, never earlier and never later than now.
FIRST_KEY_SLACK_MS = 1_000


def _require_runner(room: Room, player_id: str) -> None:
    if room.kind != "practice":
        raise Refused("not_practice", "only a practice run restarts like that")
    seat = room.seat(player_id)
    if seat is None or seat.role != "racer" or seat.left:
        raise Refused("not_in_room", "you are not practising in that room")


def restart(room: Room, player_id: str, race_id: str, snippet: Snippet | None = None) -> Room:
    """Leave this run, finished or not, for a new one waiting for its first key. A run
    left unfinished is dropped (its keys with it), as Monkeytype and speedtyper do."""
    _require_runner(room, player_id)
    seat = room.seat(player_id)
    if room.phase != "finished" and seat is not None and seat.finish_ms is not None:
        # Finished, and being scored this moment: the result must be stored first.
        raise Refused("scoring", "your run is being scored; restart in a moment")
    return phases.next_round(room, race_id, snippet)


def start_at_first_key(room: Room, player_id: str, round_: int, now: int, at: int) -> Room:
    """Start a waiting run's clock at its first key, typed at ``at`` (server ms, as the
    browser measured it), bounded to ``[now - FIRST_KEY_SLACK_MS, now]``. A ``go`` sent
    again for the run already started changes nothing."""
    _require_runner(room, player_id)
    if round_ != room.round:
        raise Refused("stale_round", "that run has been replaced by another")
    if room.phase in ("countdown", "racing"):
        return room
    if room.phase != "lobby":
        raise Refused("bad_phase", "this run is over; restart for another")
    starts = min(max(at, now - FIRST_KEY_SLACK_MS), now)
    return phases.begin_countdown(room, starts, 0)


def is_abandoned_run(before: Room, after: Room) -> bool:
    """Tell whether a move left a practice run unfinished for the next one."""
    return (
        before.kind == "practice"
        and after.round != before.round
        and before.phase in ("countdown", "racing")
    )
