"""Names the engine draws and addresses: room codes, race ids, a player's own Socket.IO
room, and the ``Emit`` callable it sends through."""

from __future__ import annotations

import secrets
from typing import Any
from typing import Protocol


class Emit(Protocol):
    """Send an event to a Socket.IO room (a room code, or ``p:<player id>``)."""

    def __call__(self, event: str, data: Any, to: str) -> None: ...


def new_code() -> str:
    """Return an unguessable room code: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)


def new_race_id() -> str:
    """Return the id a new round's results are stored under: 128 random bits, URL-safe,
    unrelated to the room code (``race.web.board.RACE_ID`` is its pattern)."""
    return secrets.token_urlsafe(16)


def player_room(player_id: str) -> str:
    """Return the Socket.IO room every connection of a player joins."""
    return f"p:{player_id}"
