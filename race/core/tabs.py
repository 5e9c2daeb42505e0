"""Which tab types into a seat: a player is the browser, so every tab of it plays as the
same player, but one connection at a time holds a racer's seat.

The seat names its holder: the connection (``Seat.conn``) and the tab it came from
(``Seat.tab``, a random id the page keeps per tab, so a reload or a reconnect of the same
tab is that tab again). A join from another tab while the holder is connected is refused
``other_tab`` unless it asks to ``take_over``; then the seat moves and the tab that lost
it is told (``seat_moved``). Keys from a connection that no longer holds the seat are
refused ``seat_moved``. Pure: no I/O, no clock.
"""

from __future__ import annotations

from race.core.room import Refused
from race.core.room import Room
from race.core.room import Seat

OTHER_TAB = "you are in this race in another tab; take the seat over to race here"
MOVED = "this race continues in another tab; take the seat back to type here"


def held_elsewhere(seat: Seat, conn: str, tab: str) -> bool:
    """Tell whether a racer's seat is held, now, by another tab than the one joining.

    A seat is held by its connection while that is connected and the racer has not left;
    a join from the holding tab (the same tab id, "" for a client that sends none, as
    before tabs were told apart) or the holding connection itself is the holder's own."""
    return (
        seat.role == "racer"
        and seat.connected
        and not seat.left
        and bool(seat.conn)
        and seat.conn != conn
        and seat.tab != tab
    )


def claim(seat: Seat, conn: str, tab: str, take_over: bool) -> None:
    """Refuse ``other_tab`` a join that would take a seat another tab holds, unless it asks
    to take it over."""
    if not take_over and held_elsewhere(seat, conn, tab):
        raise Refused("other_tab", OTHER_TAB)


def check_holder(seat: Seat, conn: str) -> None:
    """Refuse ``seat_moved`` a connection that does not hold the seat (a seat with no
    recorded connection, or a caller that names none, is not checked)."""
    if conn and seat.conn and seat.conn != conn:
        raise Refused("seat_moved", MOVED)


def holds(room: Room, player_id: str, conn: str) -> bool:
    """Tell whether ``conn`` may act for a player's seat: it holds it, or nobody
    connected does (``""`` names no connection and always may)."""
    seat = room.seat(player_id)
    return seat is None or not conn or not seat.conn or seat.conn == conn or not seat.connected


def new_holders(before: Room | None, after: Room) -> tuple[tuple[str, str], ...]:
    """Return ``(player id, connection)`` for every seat whose holding connection a move
    changed: the store records them with the room, in the same write, so its check of a
    batch's connection (``Store.append_batch``) never disagrees with the room."""
    old = {} if before is None else {s.player_id: s.conn for s in before.seats}
    return tuple(
        (s.player_id, s.conn) for s in after.seats if s.conn and old.get(s.player_id) != s.conn
    )


def require_holder(room: Room, player_id: str, conn: str) -> Room:
    """Return the room if ``conn`` may act for the player's seat (``holds``), else refuse
    ``seat_moved``: a tab that lost its seat does not restart or start the run."""
    if not holds(room, player_id, conn):
        raise Refused("seat_moved", MOVED)
    return room


def moved(before: Room, after: Room, player_id: str) -> Seat | None:
    """Return the player's seat if a move took it from a connection that held it (still
    connected) to another one; None otherwise."""
    old, new = before.seat(player_id), after.seat(player_id)
    if old is None or new is None or not old.connected or not old.conn:
        return None
    return new if new.conn != old.conn else None
