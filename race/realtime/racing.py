"""Typing in a race: keystroke batches, progress ticks, and the end of a race.

Each batch is appended to the player's log in the store (by sequence number, so resent
batches are ignored) and folded by the core scorer. Typists are cached per worker and
rebuilt from the log whenever the cache is behind, which is also how a player who
reconnects to another worker resumes.
"""

from __future__ import annotations

import base64
import json
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from race.core import room as rooms
from race.core.figures import live_wpm
from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.keylog import parse_log
from race.core.keys import Key
from race.core.replay import pack
from race.core.replay import rhythm
from race.core.review import Review
from race.core.review import review
from race.core.room import Refused
from race.core.room import Room
from race.core.room import Seat
from race.core.scorer import Course
from race.core.scorer import Typist
from race.core.standings import standings
from race.realtime.engine import Engine
from race.realtime.identity import Player
from race.store.base import Effects
from race.store.base import Live

#: Keys claimed this far after they arrived are nonsense, refused rather than judged.
FAR_FUTURE_MS = 5_000
#: A batch may be checked against a room read this recently (the room is re-read whenever
#: the cached view would refuse it, and every finish re-reads it): one store trip fewer
#: per batch on the hottest path.
ROOM_CACHE_MS = 500
#: Typists kept per worker; older ones are rebuilt from the log when needed.
CACHE_SIZE = 20_000


def race_id(code: str, round_: int) -> str:
    """Return the id under which a round's results are stored."""
    return f"{code}.{round_}"


class Racing:
    """Keys in, progress out, and the race's end exactly once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store
        self._typists: OrderedDict[tuple[str, int, str], tuple[Typist, int]] = OrderedDict()
        self._courses: dict[tuple[str, int], Course] = {}
        #: Rooms as last read by the keys path: code -> (when, room).
        self._rooms: dict[str, tuple[int, Room]] = {}
        engine.watchers.append(self._after_change)

    def _after_change(self, before: Room, after: Room) -> None:
        """End the race as soon as a move leaves no racer still typing."""
        if after.phase == "racing" and rooms.is_over(after, self.engine.clock()):
            self.conclude(after.code, after.round)

    def _course(self, room: Room) -> Course:
        """Return the prepared snippet of a room's round (rebuilt if the host changed it)."""
        key = (room.code, room.round)
        course = self._courses.get(key)
        snippet = room.snippet
        if (
            course is None
            or course.text != snippet.text
            or course.rules != room.rules
            or course.unit != snippet.indent_unit
        ):
            if len(self._courses) > CACHE_SIZE:
                self._courses.clear()
            course = Course(snippet.text, room.rules, snippet.indent_unit)
            self._courses[key] = course
        return course

    def _typist(self, room: Room, player_id: str, batches: int) -> Typist:
        """Return the player's typist after ``batches`` batches, from cache or the log."""
        key = (room.code, room.round, player_id)
        course = self._course(room)
        cached = self._typists.get(key)
        if cached is not None and cached[1] == batches and cached[0].course is course:
            self._typists.move_to_end(key)
            return cached[0]
        typist = Typist(course)
        for line in self.store.read_log(room.code, room.round, player_id)[:batches]:
            typist.feed(json.loads(line)["keys"])
        return typist

    def _remember(self, room: Room, player_id: str, typist: Typist, batches: int) -> None:
        key = (room.code, room.round, player_id)
        self._typists[key] = (typist, batches)
        self._typists.move_to_end(key)
        while len(self._typists) > CACHE_SIZE:
            self._typists.popitem(last=False)

    def you(self, room: Room, player_id: str) -> dict[str, Any]:
        """Return a player's own state in a room (for joins and resumes)."""
        seat = room.seat(player_id)
        batches = len(self.store.read_log(room.code, room.round, player_id))
        typist = self._typist(room, player_id, batches)
        progress = typist.progress()
        return {
            "id": player_id,
            "role": seat.role if seat else None,
            "seq": batches,
            "pos": progress.pos,
            "error_run": progress.error_run,
            "finished": progress.finished,
        }

    def keys(
        self, code: str, round_: int, player: Player, seq: int, keys: tuple[Key, ...]
    ) -> dict[str, Any]:
        """Take one batch: log it, fold it, store progress; finish the player if done."""
        now = self.engine.clock()
        cached_room = self._rooms.get(code)
        if cached_room is not None and now - cached_room[0] <= ROOM_CACHE_MS:
            room, fresh = cached_room[1], False
        else:
            room, fresh = self.engine.room(code), True
        try:
            seat = _typing_seat(room, player.id, round_, now)
        except Refused:
            if fresh:
                raise
            room = self.engine.room(code)  # the cached view may be stale: ask again
            seat = _typing_seat(room, player.id, round_, now)
            fresh = True
        if fresh:
            if len(self._rooms) >= CACHE_SIZE:
                self._rooms.clear()
            self._rooms[code] = (now, room)
        assert room.starts_at is not None
        recv = now - room.starts_at
        times = [t for t, _ in keys]
        if times and (min(times) < 0 or max(times) > recv + FAR_FUTURE_MS):
            raise Refused(
                "bad_timestamp",
                "key times must be ms since the race start, and not in the future",
            )
        line = json.dumps({"seq": seq, "recv_ms": recv, "keys": keys}, separators=(",", ":"))
        key = (code, round_, player.id)
        cached = self._typists.get(key)
        if cached is not None and cached[1] == seq and cached[0].course is self._course(room):
            typist = cached[0]
        else:
            lines = self.store.read_log(code, round_, player.id)
            if seq != len(lines):
                return self._not_next(room, player.id, seq, len(lines))
            typist = self._typist(room, player.id, seq)
        # Fold first, then append the batch and the progress it gives in one store step.
        typist.feed(keys)
        progress = typist.progress()
        data = {
            "pos": progress.pos,
            "net": progress.net_chars,
            "err": len(progress.error_run),
            "fin": progress.finish_ms,
        }
        before = self.store.append_batch(
            code, round_, player.id, seq, line, progress=json.dumps(data, separators=(",", ":"))
        )
        if before != seq:  # another connection of this player got there first
            self._typists.pop(key, None)
            return self._not_next(room, player.id, seq, before)
        self._remember(room, player.id, typist, seq + 1)
        if progress.finish_ms is not None and seat.finish_ms is None:
            self._finish(room, player.id, progress.finish_ms)
        return self._ack(typist, seq + 1, duplicate=False)

    def _not_next(self, room: Room, player_id: str, seq: int, length: int) -> dict[str, Any]:
        """Answer a batch that is not the next one: ignore a duplicate, refuse a gap."""
        if seq > length:
            raise Refused("seq_gap", f"expected batch {length}; resend from there")
        return self._ack(self._typist(room, player_id, length), length, duplicate=True)

    @staticmethod
    def _ack(typist: Typist, next_seq: int, duplicate: bool) -> dict[str, Any]:
        progress = typist.progress()
        return {
            "seq": next_seq,
            "pos": progress.pos,
            "error_run": progress.error_run,
            "finished": progress.finished,
            "duplicate": duplicate,
        }

    def _finish(self, room: Room, player_id: str, finish_ms: int) -> None:
        self.engine.update(room.code, lambda r: rooms.finish(r, player_id, finish_ms))

    # --- ticks ---------------------------------------------------------------------------

    def tick(
        self, live: Live, now: int, n: int, lag: int, progress: dict[str, str]
    ) -> dict[str, Any]:
        """Send one progress tick for a racing room (``n``-th by this worker), built from
        the round's stored progress (the heartbeat reads every due room's in one go)."""
        elapsed = now - live.starts_at
        players = []
        for pid, raw in progress.items():
            p = json.loads(raw)
            fin = p["fin"]
            players.append(
                {
                    "id": pid,
                    "pos": p["pos"],
                    "err": p["err"],
                    "wpm": live_wpm(p["net"], fin if fin is not None else elapsed),
                    "done": fin is not None,
                }
            )
        tick = {
            "code": live.code,
            "round": live.round,
            "t": now,
            "n": n,
            "lag": lag,
            "players": players,
        }
        self.engine.emit("tick", tick, live.code)
        return tick

    # --- the end -------------------------------------------------------------------------

    def conclude(self, code: str, round_: int) -> bool:
        """End the round if it is over; True if this call ended it."""
        now = self.engine.clock()
        room = self.store.get_room(code)
        if room is None or room.round != round_ or not rooms.is_over(room, now):
            return False
        assert room.starts_at is not None and room.ends_at is not None
        end_ms = min(now, room.ends_at) - room.starts_at
        logs: dict[str, list[str]] = {}
        reviews: dict[str, Review] = {}
        rhythms: dict[str, str] = {}
        for seat in room.racers:
            lines = self.store.read_log(code, round_, seat.player_id)
            log = KeyLog(room.snippet.text, room.rules, room.snippet.indent, room.limit_ms)
            header = dump_log(log)
            keylog = parse_log([*header, *lines], f"{code}/{seat.player_id}")
            reviews[seat.player_id] = review(keylog, end_ms=end_ms)
            logs[seat.player_id] = [*header, *lines]
            rhythms[seat.player_id] = base64.b64encode(pack(rhythm(keylog.batches))).decode()

        def move(r: Room) -> Room:
            if r.round != round_ or r.phase not in ("countdown", "racing"):
                return r
            return rooms.end(r, standings(r, reviews), now)

        def effects(before: Room, after: Room) -> Effects:
            base = self.engine.effects(before, after)
            record = _record(after, reviews, logs, rhythms)
            return Effects(
                schedule=base.schedule,
                cancel=(*base.cancel, f"begin|{code}|{round_}", f"limit|{code}|{round_}"),
                outbox={race_id(code, round_): json.dumps(record)},
            )

        before, after = self.store.update_room(code, move, effects)
        if before.phase == after.phase:
            return False
        self.engine.broadcast(after)
        details = {
            pid: {
                "series": [asdict(p) for p in r.figures.series],
                "missed": [list(m) for m in r.figures.missed[:10]],
                "correct": r.figures.correct,
                "incorrect": r.figures.incorrect,
                "corrected": r.figures.corrected,
                "reasons": [asdict(reason) for reason in r.verdict.reasons],
            }
            for pid, r in reviews.items()
        }
        standings_view = [asdict(s) for s in after.standings]
        self.engine.emit(
            "standings",
            {"code": code, "round": round_, "standings": standings_view, "details": details},
            code,
        )
        if after.kind == "quick" and after.lobby is not None:
            self.store.swap_lobby(after.lobby, code, None)
        for seat in after.racers:
            self._typists.pop((code, round_, seat.player_id), None)
        self._courses.pop((code, round_), None)
        self._rooms.pop(code, None)
        return True


def _typing_seat(room: Room, player_id: str, round_: int, now: int) -> Seat:
    """Return the seat that may type in this room now, or refuse saying why not."""
    seat = room.seat(player_id)
    if seat is None or seat.role != "racer":
        raise Refused("not_racer", "only racers in this room can type")
    if seat.left:
        raise Refused("left", "you left this race")
    if round_ != room.round:
        raise Refused("stale_round", "that batch belongs to another round")
    if not room.typing_open(now):
        if room.phase == "lobby" or (room.starts_at is not None and now < room.starts_at):
            raise Refused("not_started", "the race has not started yet")
        raise Refused("time_up", "the race is over")
    return seat


def _record(
    room: Room,
    reviews: dict[str, Review],
    logs: dict[str, list[str]],
    rhythms: dict[str, str],
) -> dict[str, Any]:
    """Return the finished race as the results sink receives it."""
    snippet = room.snippet
    return {
        "race_id": race_id(room.code, room.round),
        "code": room.code,
        "round": room.round,
        "kind": room.kind,
        "snippet": {
            "id": snippet.id,
            "title": snippet.title,
            "language": snippet.language,
            "difficulty": snippet.difficulty,
            "indent": snippet.indent,
            "text": snippet.text,
        },
        "rules": room.rules.to_dict(),
        "limit_ms": room.limit_ms,
        "starts_at": room.starts_at,
        "finished_at": room.finished_at,
        "standings": [asdict(s) for s in room.standings],
        "series": {pid: [asdict(p) for p in r.figures.series] for pid, r in reviews.items()},
        "missed": {pid: list(r.figures.missed) for pid, r in reviews.items()},
        "logs": logs,
        #: Each stream's rhythm signature (race.core.replay.pack, base64).
        "rhythms": rhythms,
    }
