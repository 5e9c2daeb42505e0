"""Keystroke batches in: check, fold, log, and acknowledge.

Each batch is checked against the round's bounds (``race.core.bounds``), folded by the
core scorer into a copy of the player's cached typist, and appended to the player's log in
the store with the progress it gives, by sequence number (a resent batch is ignored). The
cache takes the new typist only once the store has the batch: a store error leaves the
cache as the log is, so a resend is folded exactly once. Typists are cached per worker and
rebuilt from the log whenever the cache is behind, which is also how a player who
reconnects to another worker resumes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any
from typing import NamedTuple

from race.core import phases
from race.core import tabs
from race.core.bounds import MAX_LOG_BYTES
from race.core.bounds import batch_cost
from race.core.bounds import key_budget
from race.core.course import Course
from race.core.keys import Key
from race.core.room import Refused
from race.core.room import Room
from race.core.room import Seat
from race.core.scorer import Typist
from race.identity import Player
from race.realtime.engine import Engine
from race.store.base import NotHolder
from race.store.base import Sealed

#: Keys claimed this far after they arrived are nonsense, refused rather than judged.
FAR_FUTURE_MS = 5_000
#: A batch may be checked against a room read this recently (the room is re-read whenever
#: the cached view would refuse it, and every finish re-reads it): one store trip fewer
#: per batch on the hottest path.
ROOM_CACHE_MS = 500
#: Typists kept per worker; older ones are rebuilt from the log when needed.
CACHE_SIZE = 20_000
TIME_UP = "the race is over"


class Folded(NamedTuple):
    """A player's round as far as their log goes: the typist and what the log holds."""

    typist: Typist
    #: Batches in the log.
    batches: int
    #: Key budget spent (``race.core.bounds.batch_cost`` of every batch).
    spent: int
    #: Bytes of the log's lines.
    size: int


class Ingest:
    """Keys in, acknowledgements out."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self._folded: OrderedDict[tuple[str, int, str], Folded] = OrderedDict()
        self._courses: dict[tuple[str, int, bool], Course] = {}
        #: Rooms as last read by the keys path: code -> (when, room).
        self._rooms: dict[str, tuple[int, Room]] = {}

    def course(self, room: Room, player_id: str) -> Course:
        """Return the prepared snippet of a room's round as a player types it (rebuilt if
        the host changed it); one per round and indentation setting."""
        rules = room.rules_for(player_id)
        key = (room.code, room.round, not rules.skip_indent)
        course = self._courses.get(key)
        snippet = room.snippet
        if (
            course is None
            or course.text != snippet.text
            or course.rules != rules
            or course.unit != snippet.indent_unit
        ):
            if len(self._courses) > CACHE_SIZE:
                self._courses.clear()
            course = Course(snippet.text, rules, snippet.indent_unit)
            self._courses[key] = course
        return course

    def folded(self, room: Room, player_id: str, batches: int | None = None) -> Folded:
        """Return the player's round after ``batches`` batches (all the log holds if None),
        from the cache when it is there, else replayed from the log."""
        key = (room.code, room.round, player_id)
        course = self.course(room, player_id)
        lines = None
        if batches is None:
            lines = self.store.read_log(room.code, room.round, player_id)
            batches = len(lines)
        cached = self._folded.get(key)
        if cached is not None and cached.batches == batches and cached.typist.course is course:
            self._folded.move_to_end(key)
            return cached
        if lines is None:
            lines = self.store.read_log(room.code, room.round, player_id)
        lines = lines[:batches]
        typist = Typist(course)
        spent = size = 0
        for line in lines:
            keys = json.loads(line)["keys"]
            typist.feed(keys)
            spent += batch_cost(len(keys))
            size += len(line)
        return Folded(typist, len(lines), spent, size)

    def _remember(self, room: Room, player_id: str, folded: Folded) -> None:
        key = (room.code, room.round, player_id)
        self._folded[key] = folded
        self._folded.move_to_end(key)
        while len(self._folded) > CACHE_SIZE:
            self._folded.popitem(last=False)

    def forget(self, room: Room) -> None:
        """Drop what the cache holds of a room's round (it has ended)."""
        for seat in room.racers:
            self._folded.pop((room.code, room.round, seat.player_id), None)
        for own in (False, True):
            self._courses.pop((room.code, room.round, own), None)
        self._rooms.pop(room.code, None)

    def you(self, room: Room, player_id: str) -> dict[str, Any]:
        """Return a player's own state in a room (for joins and resumes)."""
        seat = room.seat(player_id)
        folded = self.folded(room, player_id)
        progress = folded.typist.progress()
        return {
            "id": player_id,
            "role": seat.role if seat else None,
            "seq": folded.batches,
            "pos": progress.pos,
            "error_run": progress.error_run,
            "absorb": progress.absorb,
            "finished": progress.finished,
        }

    def _room(
        self, code: str, player_id: str, round_: int, now: int, conn: str
    ) -> tuple[Room, Seat]:
        """Return the room (a view at most ``ROOM_CACHE_MS`` old) and the typing seat.

        A stale view may still name a connection that has since lost the seat as its
        holder; the store's append checks the holder again (``Store.append_batch``)."""
        cached = self._rooms.get(code)
        if cached is not None and now - cached[0] <= ROOM_CACHE_MS:
            try:
                return cached[1], typing_seat(cached[1], player_id, round_, now, conn)
            except Refused:
                pass  # the cached view may be stale: ask again
        room = self.engine.room(code)
        seat = typing_seat(room, player_id, round_, now, conn)
        if len(self._rooms) >= CACHE_SIZE:
            self._rooms.clear()
        self._rooms[code] = (now, room)
        return room, seat

    def keys(
        self,
        code: str,
        round_: int,
        player: Player,
        seq: int,
        keys: tuple[Key, ...],
        *,
        conn: str = "",
    ) -> dict[str, Any]:
        """Take one batch: check, fold, log it with the progress; finish the player if done.
        Only the connection ``conn`` holding the seat types into it ("" is not checked)."""
        now = self.engine.clock()
        try:
            room, seat = self._room(code, player.id, round_, now, conn)
        except Refused as refused:
            if refused.code != "time_up":
                raise
            return self._late(code, round_, player.id, seq, refused)
        assert room.starts_at is not None
        recv = now - room.starts_at
        times = [t for t, _ in keys]
        if times and (min(times) < 0 or max(times) > recv + FAR_FUTURE_MS):
            raise Refused(
                "bad_timestamp",
                "key times must be ms since the race start, and not in the future",
            )
        key = (code, round_, player.id)
        cached = self._folded.get(key)
        course = self.course(room, player.id)
        if cached is not None and cached.batches == seq and cached.typist.course is course:
            base = cached
        else:
            base = self.folded(room, player.id)
            if seq != base.batches:
                return self._not_next(room, player.id, seq, base)
        if base.typist.finish_ms is not None:
            if seat.finish_ms is None:  # the finish was logged but not recorded: again
                self._finish(room, player.id, base.typist.finish_ms)
            raise Refused("finished", "you have finished this race; keys after it are not taken")
        line = json.dumps({"seq": seq, "recv_ms": recv, "keys": keys}, separators=(",", ":"))
        _check_bounds(course, base, len(keys), len(line))
        typist = base.typist.copy()
        typist.feed(keys)
        progress = typist.progress()
        data = {
            "pos": progress.pos,
            "net": progress.net_chars,
            "err": len(progress.error_run),
            "run": progress.error_run,
            "fin": progress.finish_ms,
            "n": seq + 1,
        }
        try:
            before = self.store.append_batch(
                code,
                round_,
                player.id,
                seq,
                line,
                progress=json.dumps(data, separators=(",", ":")),
                holder=conn or None,
            )
        except Sealed:  # the race ended while this batch was on its way
            return self._late(code, round_, player.id, seq, Refused("time_up", TIME_UP))
        except NotHolder:  # another tab took the seat over since the view was read
            self._rooms.pop(code, None)
            raise Refused("seat_moved", tabs.MOVED) from None
        except BaseException:
            self._folded.pop(key, None)  # the batch may or may not be in: the log will say
            raise
        if before != seq:  # another connection of this player got there first
            self._folded.pop(key, None)
            return self._not_next(room, player.id, seq, self.folded(room, player.id, before))
        folded = Folded(typist, seq + 1, base.spent + batch_cost(len(keys)), base.size + len(line))
        self._remember(room, player.id, folded)
        if progress.finish_ms is not None and seat.finish_ms is None:
            self._finish(room, player.id, progress.finish_ms)
        return _ack(typist, seq + 1, duplicate=False)

    def _not_next(self, room: Room, player_id: str, seq: int, log: Folded) -> dict[str, Any]:
        """Answer a batch that is not the next one: ignore a duplicate, refuse a gap."""
        if seq > log.batches:
            raise Refused("seq_gap", f"expected batch {log.batches}; resend from there")
        return _ack(log.typist, log.batches, duplicate=True)

    def _late(
        self, code: str, round_: int, player_id: str, seq: int, refused: Refused
    ) -> dict[str, Any]:
        """Answer a batch that came after the race's end: a duplicate of a batch the log
        holds is acknowledged as one, from the progress stored with that log (no replay);
        anything else is refused as too late."""
        raw = self.store.get_progress(code, round_).get(player_id)
        stored = json.loads(raw) if raw is not None else {}
        if seq >= stored.get("n", 0):
            raise refused
        return {
            "seq": stored["n"],
            "pos": stored["pos"],
            "error_run": stored["run"],
            "absorb": 0,
            "finished": stored["fin"] is not None,
            "duplicate": True,
        }

    def _finish(self, room: Room, player_id: str, finish_ms: int) -> None:
        self._rooms.pop(room.code, None)  # the next batch sees the finish
        self.engine.update(room.code, lambda r: phases.finish(r, player_id, finish_ms))


def _check_bounds(course: Course, log: Folded, keys: int, line_bytes: int) -> None:
    """Refuse a batch that would take the round's log past its bounds."""
    budget = key_budget(course.typeable)
    if log.spent + batch_cost(keys) > budget:
        raise Refused(
            "key_limit",
            f"this round takes at most {budget} keys from a racer; no more are taken",
        )
    if log.size + line_bytes > MAX_LOG_BYTES:
        raise Refused(
            "key_limit",
            f"this round's log takes at most {MAX_LOG_BYTES} bytes from a racer; it is full",
        )


def _ack(typist: Typist, next_seq: int, duplicate: bool) -> dict[str, Any]:
    progress = typist.progress()
    return {
        "seq": next_seq,
        "pos": progress.pos,
        "error_run": progress.error_run,
        "absorb": progress.absorb,
        "finished": progress.finished,
        "duplicate": duplicate,
    }


def typing_seat(room: Room, player_id: str, round_: int, now: int, conn: str = "") -> Seat:
    """Return the seat that may type in this room now, or refuse saying why not (a
    connection ``conn`` that no longer holds the seat: ``seat_moved``)."""
    seat = room.seat(player_id)
    if seat is None or seat.role != "racer":
        raise Refused("not_racer", "only racers in this room can type")
    if seat.left:
        raise Refused("left", "you left this race")
    tabs.check_holder(seat, conn)
    if round_ != room.round:
        raise Refused("stale_round", "that batch belongs to another round")
    if not room.typing_open(now):
        if room.phase == "lobby" or (room.starts_at is not None and now < room.starts_at):
            raise Refused("not_started", "the race has not started yet")
        raise Refused("time_up", TIME_UP)
    return seat
