"""Admission: what the connections a worker seats cost it, and whether one more fits.

A seat (a racer or a spectator) costs its messages: keystroke batches in, acknowledgements
and ticks out. A room costs its ticks on top, whoever sits in it: a worker seating 300
racers alone in practice rooms works much harder than one seating 300 in rooms of five
(``bench/load.py --room``, one worker: 82-85 % of a core against 61-64 %; pairs 74 %). So
each room a worker seats anyone in counts as ``ROOM_COST`` of a seat more; with a capacity
of 330, a worker takes 300 racers in rooms of five, 264 in pairs or 220 practising alone,
all at about the same load.

Pure bookkeeping: the caller serialises calls (``race.realtime.Services`` holds a lock).
"""

from __future__ import annotations

#: A room's cost beyond its seats, in seats (measured: see the module docstring).
ROOM_COST = 0.5
#: A worker's capacity unless configured (``CODERACE_MAX_RACERS``): 300 racers in rooms of 5.
DEFAULT_CAPACITY = 330.0


class Seats:
    """The connections a worker seats, and the rooms they sit in."""

    def __init__(self, capacity: float) -> None:
        #: The most load (seats plus ``ROOM_COST`` per room) this worker admits.
        self.capacity = capacity
        #: Connection -> its room ("" while the join that seats it is still running).
        self._where: dict[str, str] = {}
        #: Room -> how many of this worker's seats are in it.
        self._rooms: dict[str, int] = {}
        #: Seats whose room is not known yet (each may open a new room).
        self._pending = 0

    def __contains__(self, sid: object) -> bool:
        return sid in self._where

    def __len__(self) -> int:
        return len(self._where)

    def load(self) -> float:
        """Seats plus ``ROOM_COST`` for each room they sit in (a pending one counts as new)."""
        return len(self._where) + ROOM_COST * (len(self._rooms) + self._pending)

    def take(self, sid: str, room: str = "", returning: bool = False) -> bool | None:
        """Seat ``sid`` for a join into ``room`` ("" when the join makes its room): True if
        newly seated, False if it already held a seat (``place`` moves it when the join
        lands), None if the join would overload the worker. A seated connection moving to
        a new room ("Race again", "Practise") adds that room's cost, so it is checked too;
        a ``returning`` player (already seated in the room) is never refused."""
        if self.load() + self._added(sid, room) > self.capacity and not returning:
            return None
        if sid in self._where:
            return False
        self._add(sid, room)
        return True

    def place(self, sid: str, room: str) -> None:
        """Record that ``sid`` is in ``room`` now (its join landed): moves its seat, or
        counts one if the connection held none (two joins at once, one failing)."""
        if sid not in self._where:
            self._add(sid, room)
        elif self._where[sid] != room:
            self._remove(sid)
            self._add(sid, room)

    def _added(self, sid: str, room: str) -> float:
        """What seating ``sid`` in ``room`` would add to the load (negative if less)."""
        new_room = 0.0 if room in self._rooms else ROOM_COST  # "" (a room to make) never is
        here = self._where.get(sid)
        if here is None:
            return 1 + new_room
        if here == room and room:
            return 0.0
        empties = not here or self._rooms[here] == 1
        return new_room - (ROOM_COST if empties else 0.0)

    def release(self, sid: str) -> None:
        """Give a connection's seat back (it left, its join failed, or it disconnected)."""
        if sid in self._where:
            self._remove(sid)

    def _add(self, sid: str, room: str) -> None:
        self._where[sid] = room
        if room:
            self._rooms[room] = self._rooms.get(room, 0) + 1
        else:
            self._pending += 1

    def _remove(self, sid: str) -> None:
        room = self._where.pop(sid)
        if not room:
            self._pending -= 1
        elif self._rooms[room] == 1:
            del self._rooms[room]
        else:
            self._rooms[room] -= 1
