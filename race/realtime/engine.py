"""The race engine: applies core room moves through the store and tells the room.

Transport-free: handlers call it with an already validated request and the player's
identity; it emits through the ``Emit`` callable it was given (Socket.IO in production, a
list in unit tests). All race state lives in the store; an engine keeps none of its own.
The deadlines a move implies are derived by ``race.realtime.deadlines``; whether a room
already shows a host's move, by ``race.core.hosting``.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from typing import Any

from race.core import members
from race.core import phases
from race.core import room as rooms
from race.core import tabs
from race.core.room import Kind
from race.core.room import Refused
from race.core.room import Role
from race.core.room import Room
from race.core.rules import Rules
from race.core.snippet import Snippet
from race.core.timing import Timing
from race.corpus import Corpus
from race.ghosts import GhostSource
from race.ghosts import NoGhosts
from race.identity import Player
from race.realtime.deadlines import implied
from race.realtime.hostctl import HostControls
from race.realtime.naming import Emit
from race.realtime.naming import new_code
from race.realtime.naming import new_race_id
from race.realtime.naming import player_room
from race.realtime.views import room_view
from race.store.base import Effects
from race.store.base import Move
from race.store.base import NoSuchRoom
from race.store.base import Store
from race.store.base import is_store_error


class Engine(HostControls):
    """Rooms, matchmaking and (``HostControls``) host controls over the store."""

    def __init__(
        self,
        store: Store,
        corpus: Corpus,
        clock: Callable[[], int],
        emit: Emit,
        timing: Timing | None = None,
    ) -> None:
        self.store = store
        self.corpus = corpus
        self.clock = clock
        self.emit = emit
        self.timing = timing or Timing()
        #: Called after every move that changed a room (e.g. to end a race that is over).
        self.watchers: list[Callable[[Room, Room], None]] = []
        #: Where a lone quick racer's ghosts come from (the results database, if any).
        self.ghosts: GhostSource = NoGhosts()

    # --- helpers -------------------------------------------------------------------------

    def effects(self, before: Room, after: Room) -> Effects:
        """Derive the deadlines a move implies, as of now (``race.realtime.deadlines``)."""
        return implied(before, after, self.clock())

    def update(
        self, code: str, move: Move, shows: Callable[[Room], bool] | None = None
    ) -> tuple[Room, Room]:
        """Apply a move to a room, with its deadlines, and broadcast the new view.

        ``shows`` tells whether a room already shows the move's result. Such a room is
        taken as the move applied, so that a move run again answers as the first run did:
        a client resending a request whose answer was lost, or a store reply lost after
        the write (the room is read again to see whether it landed).
        """

        def once(room: Room) -> Room:
            return room if shows is not None and shows(room) else move(room)

        try:
            before, after = self.store.update_room(code, once, self.effects)
        except NoSuchRoom:
            raise Refused("no_such_room", rooms.NO_SUCH_ROOM) from None
        except Exception as exc:
            seen = self.store.get_room(code) if shows and is_store_error(exc) else None
            if seen is None or shows is None or not shows(seen):
                raise
            before = after = seen  # it landed; who saw it change first is not known
            self.broadcast(after)
            for watcher in self.watchers:
                watcher(before, after)
        if after != before:
            self.broadcast(after)
            for watcher in self.watchers:
                watcher(before, after)
        return before, after

    def broadcast(self, room: Room) -> None:
        """Send the room's public view to everyone in it."""
        view = room_view(room, self.clock(), self.corpus.about(room.snippet))
        self.emit("room", view, room.code)

    def room(self, code: str) -> Room:
        """Return a room or refuse with ``no_such_room``."""
        room = self.store.get_room(code)
        if room is None:
            raise Refused("no_such_room", rooms.NO_SUCH_ROOM)
        return room

    def pick_snippet(
        self,
        language: str | None = None,
        difficulty: str | None = None,
        snippet_id: str | None = None,
    ) -> Snippet:
        """Return the snippet asked for, or a random one matching the filters."""
        if snippet_id is not None:
            snippet = self.corpus.get(snippet_id)
            if snippet is None:
                raise Refused("no_such_snippet", "there is no snippet with that id")
            return snippet
        choices = self.corpus.select(language=language, difficulty=difficulty)
        if not choices:
            raise Refused("no_such_snippet", "no snippet matches that language and difficulty")
        return secrets.choice(choices)

    def _create(self, kind: Kind, snippet: Snippet, **options: Any) -> Room:
        now = self.clock()
        for _ in range(5):
            room = rooms.new_room(
                new_code(), kind, snippet, now, race_id=new_race_id(), timing=self.timing, **options
            )
            if self.store.create_room(room):
                return room
        raise Refused("busy", "could not allocate a room code; try again")

    # --- joining -------------------------------------------------------------------------

    def join(
        self,
        code: str,
        player: Player,
        role: Role,
        browser: str = "",
        conn: str = "",
        *,
        own_indent: bool = False,
        tab: str = "",
        take_over: bool = False,
    ) -> Room:
        """Seat a player in a room (or resume their seat) from ``browser``, connection
        ``conn`` and ``tab``; ``own_indent``: they type their own indentation
        (``members.join``). When the seat moves from another tab, the player's tabs hear
        ``seat_moved`` naming the one that holds it now."""
        now = self.clock()
        before, after = self.update(
            code,
            lambda r: members.join(
                r, player.id, player.name, role, now, browser=browser, conn=conn,
                own_indent=own_indent, tab=tab, take_over=take_over,
            ),
        )  # fmt: skip
        seat = tabs.moved(before, after, player.id)
        if seat is not None:  # every worker hears a player's room (the control channel)
            self.emit("seat_moved", {"code": code, "tab": seat.tab}, player_room(player.id))
        return after

    def quick(
        self,
        player: Player,
        language: str | None,
        conn: str = "",
        own_indent: bool = False,
        *,
        tab: str = "",
    ) -> Room:
        """Put a player in the open quick-race lobby for a language, or open a new one
        (their seat there moves from another tab without asking: nobody types in a lobby)."""
        key = language or "any"
        for _ in range(8):
            code = self.store.get_lobby(key)
            if code is None:
                room = self._create("quick", self.pick_snippet(language=language), lobby=key)
                room = self.join(
                    room.code, player, "racer", conn=conn, own_indent=own_indent, tab=tab
                )
                if self.store.swap_lobby(key, None, room.code):
                    return room
                self.store.delete_room(room.code)
                continue
            try:
                return self.join(
                    code, player, "racer", conn=conn, own_indent=own_indent, tab=tab,
                    take_over=True,
                )  # fmt: skip
            except Refused as refused:
                if refused.code not in ("room_full", "race_started", "no_such_room", "kicked"):
                    raise
                self.store.swap_lobby(key, code, None)
        raise Refused("busy", "the quick-race lobby is busy; try again")

    def create_private(
        self,
        player: Player,
        snippet: Snippet,
        limit_ms: int | None,
        rules: Rules | None = None,
        *,
        conn: str = "",
        tab: str = "",
        own_indent: bool = False,
    ) -> Room:
        """Open a private room with this player as host."""
        room = self._create("private", snippet, limit_ms=limit_ms, rules=rules)
        return self.join(room.code, player, "racer", conn=conn, tab=tab, own_indent=own_indent)

    def practice(
        self,
        player: Player,
        snippet: Snippet,
        conn: str = "",
        ready: bool = False,
        *,
        own_indent: bool = False,
        tab: str = "",
    ) -> Room:
        """Open a room of one and start it at once, or (``ready``) leave it waiting for
        its first key (``race.realtime.runs``)."""
        room = self._create("practice", snippet)
        joined = self.join(room.code, player, "racer", conn=conn, tab=tab, own_indent=own_indent)
        if ready:
            return joined
        now = self.clock()
        _, after = self.update(room.code, lambda r: phases.start_practice(r, now))
        return after

    def keep_waiting(self, code: str, player: Player) -> None:
        """A lone racer chose to keep waiting: ask again later."""
        room = self.room(code)
        if room.seat(player.id) is None:
            raise Refused("not_in_room", "you are not in that room")
        due = self.clock() + room.timing.lonely_after_ms
        self.store.schedule(f"lonely|{code}|{room.round}", due)

    def leave(self, code: str, player: Player, conn: str = "") -> Room:
        """Take a player out of a room for good (unless another connection than ``conn``
        holds their seat: another tab took it over)."""
        now = self.clock()
        _, after = self.update(code, lambda r: members.leave(r, player.id, now, conn))
        return after

    def disconnect(self, code: str, player: Player, conn: str) -> bool:
        """A player's connection ``conn`` dropped: keep their seat for the grace window,
        unless another connection joined since. Return whether the seat was marked."""
        with contextlib.suppress(Refused):
            before, after = self.update(code, lambda r: members.disconnect(r, player.id, conn))
            return after != before
        return False
