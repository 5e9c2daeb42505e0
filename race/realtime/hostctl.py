"""The host's controls of a private room, applied through the store (the pure moves are
``race.core.hosting``; whether a room already shows one, so that a request resent after a
lost answer is answered as the first was, too). Mixed into ``race.realtime.engine.Engine``,
which provides ``update``, ``clock`` and ``emit``."""

from __future__ import annotations

from collections.abc import Callable

from race.core import hosting
from race.core.room import Room
from race.core.snippet import Snippet
from race.identity import Player
from race.realtime.naming import Emit
from race.realtime.naming import new_race_id
from race.realtime.naming import player_room
from race.store.base import Move


class HostControls:
    """Kick, lock, configure, start, end early and rematch."""

    clock: Callable[[], int]
    emit: Emit

    def update(
        self, code: str, move: Move, shows: Callable[[Room], bool] | None = None
    ) -> tuple[Room, Room]:
        """Apply a move to a room (``Engine.update``)."""
        raise NotImplementedError

    def kick(self, code: str, host: Player, target: str) -> None:
        """Remove a player at the host's request."""
        now = self.clock()
        self.update(
            code, lambda r: hosting.kick(r, host.id, target, now), lambda r: target in r.banned
        )
        self.emit("kicked", {"code": code}, player_room(target))

    def lock(self, code: str, host: Player, locked: bool) -> None:
        """Lock or unlock the room."""
        self.update(code, lambda r: hosting.set_locked(r, host.id, locked))

    def configure(
        self,
        code: str,
        host: Player,
        snippet: Snippet | None,
        limit_ms: int | None,
        public_results: bool | None = None,
        *,
        auto_limit: bool = False,
    ) -> None:
        """Change the snippet, the time limit (or follow the snippet), the listing."""
        self.update(
            code,
            lambda r: hosting.configure(
                r,
                host.id,
                snippet=snippet,
                limit_ms=limit_ms,
                auto_limit=auto_limit,
                public_results=public_results,
            ),
        )

    def start(self, code: str, host: Player) -> None:
        """Start a private room's countdown."""
        now = self.clock()
        self.update(
            code,
            lambda r: hosting.start(r, host.id, now),
            lambda r: hosting.shows_start(r, host.id, now),
        )

    def cut_short(self, code: str, host: Player) -> Room:
        """End a private race's time now, at the host's request (``hosting.cut_short``)."""
        now = self.clock()
        _, after = self.update(
            code,
            lambda r: hosting.cut_short(r, host.id, now),
            lambda r: hosting.shows_cut(r, host.id, now),
        )
        return after

    def rematch(self, code: str, host: Player, snippet: Snippet | None, go: bool = False) -> None:
        """Open the next round (a new race id): in the lobby, or with ``go`` started at once."""
        now, race_id = self.clock(), new_race_id()
        self.update(
            code,
            lambda r: hosting.rematch(r, host.id, now, race_id, snippet, go=go),
            lambda r: r.race_id == race_id,  # this call's round, drawn just now, is open
        )
