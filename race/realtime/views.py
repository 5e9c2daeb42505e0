"""What clients see: plain JSON views of rooms, seats and standings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from race.core.lesson import About
from race.core.room import MAX_RACERS
from race.core.room import Room
from race.core.room import Seat


def room_view(room: Room, now: int, about: About | None) -> dict[str, Any]:
    """Return the public view of a room (the ``room`` event).

    ``about`` is what the room's snippet shows (``Corpus.about``): None for custom code.
    """
    snippet = room.snippet
    finished = sorted(
        (s for s in room.racers if s.finish_ms is not None), key=lambda s: s.finish_ms or 0
    )
    places = {s.player_id: i for i, s in enumerate(finished, start=1)}
    return {
        "code": room.code,
        "kind": room.kind,
        "lobby": room.lobby,
        "phase": room.phase,
        "round": room.round,
        "race_id": room.race_id,
        "host": room.host_id,
        "locked": room.locked,
        "public_results": room.public_results,
        "max_racers": MAX_RACERS[room.kind],
        "limit_ms": room.limit_ms,
        "limit_auto": not room.limit_set,
        "starts_at": room.starts_at,
        "ends_at": room.ends_at,
        "finished_at": room.finished_at,
        "abandoned": room.abandoned,
        "server_ms": now,
        "rules": room.rules.to_dict(),
        "snippet": {
            "id": snippet.id,
            "title": snippet.title,
            "language": snippet.language,
            "difficulty": snippet.difficulty,
            "indent": snippet.indent,
            "text": snippet.text,
            "about": None if about is None else about.text,
            "concepts": [] if about is None else list(about.concepts),
        },
        "racers": [_seat(s, places.get(s.player_id)) for s in room.racers],
        "spectators": [_seat(s, None) for s in room.spectators],
        "standings": [asdict(s) for s in room.standings] or None,
        # Stored runs racing beside the racers: never seats, never in the standings.
        "ghosts": [
            {"id": f"ghost-{i}", **asdict(g), "name": f"{g.name} (ghost)"}
            for i, g in enumerate(room.ghosts, start=1)
        ],
    }


def _seat(seat: Seat, place: int | None) -> dict[str, Any]:
    return {
        "id": seat.player_id,
        "name": seat.name,
        "connected": seat.connected,
        "left": seat.left,
        "finished": seat.finish_ms is not None,
        #: The server's time of the racer's finish (ms from the start), as standings say it.
        "finish_ms": seat.finish_ms,
        "place": place,
        "own_indent": seat.own_indent,
    }
