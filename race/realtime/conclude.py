"""The end of a race, exactly once: seal the round, re-score every log, store the result.

The round is sealed in the store before its logs are read, so a batch the store took is
in the result and a batch arriving after is refused (``time_up``): every acknowledged key
counts. Re-scoring is bounded by the round's key budget (``race.core.bounds``) and yields
to other greenlets between racers, so ending a race never stalls a worker for long.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import asdict

from race.core import phases
from race.core.record import Reviewed
from race.core.record import details
from race.core.record import record
from race.core.record import review_racer
from race.core.room import Room
from race.core.standings import standings
from race.realtime.engine import Engine
from race.store.base import Effects
from race.store.base import is_store_error

#: How long a round's "standings told" mark is kept (its retries come within seconds).
TOLD_MS = 10 * 60 * 1000
#: The end of a round schedules, with it, a check this long after that its standings were
#: told (``tell``): if the call that ended it failed before telling (its reply lost, then
#: the store away), the check tells them; otherwise it finds the mark taken and stops.
TELL_CHECK_MS = 1_000


class Conclude:
    """Ends rounds that are over."""

    def __init__(
        self,
        engine: Engine,
        forget: Callable[[Room], None],
        pause: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.store = engine.store
        #: Told of every round this worker ended (to drop its caches).
        self.forget = forget
        #: Lets other work run between two racers' re-scores (``socketio.sleep(0)``).
        self.pause = pause

    def __call__(self, code: str, round_: int) -> bool:
        """End the round if it is over; True if this call ended it."""
        now = self.engine.clock()
        room = self.store.get_room(code)
        if room is None or room.round != round_:
            return False
        # A round found finished may not have been told (its end's reply was lost, or its
        # teller died): whoever sees it first tells it (``_first_to_tell``).
        told_late = room.phase == "finished" and not room.abandoned
        if not told_late and not phases.is_over(room, now):
            return False
        # A round already finished is re-scored (to tell it) only by the one call that
        # takes the mark first: a second end of it costs two store calls, not a re-score.
        if told_late and not self._first_to_tell(code, round_):
            return False
        assert room.starts_at is not None and room.ends_at is not None
        self.store.seal_round(code, round_)
        end_ms = min(room.finished_at or now, now, room.ends_at) - room.starts_at
        reviewed: dict[str, Reviewed] = {}
        for seat in room.racers:
            lines = self.store.read_log(code, round_, seat.player_id)
            reviewed[seat.player_id] = review_racer(room, seat.player_id, lines, end_ms)
            self.pause()
        reviews = {pid: r.review for pid, r in reviewed.items()}

        def move(r: Room) -> Room:
            if r.round != round_ or r.phase not in ("countdown", "racing"):
                return r
            return phases.end(r, standings(r, reviews), now)

        def effects(before: Room, after: Room) -> Effects:
            base = self.engine.effects(before, after)
            return Effects(
                schedule={**base.schedule, f"tell|{code}|{round_}": now + TELL_CHECK_MS},
                cancel=(*base.cancel, f"begin|{code}|{round_}", f"limit|{code}|{round_}"),
                outbox={after.race_id: json.dumps(record(after, reviewed))},
            )

        try:
            _, after = self.store.update_room(code, move, effects)
        except Exception as exc:  # the reply may be lost after the end was written
            if not is_store_error(exc):
                raise
            seen = self.store.get_room(code)  # still away: raises; ``tell`` comes later
            if seen is None or seen.round != round_ or seen.phase != "finished":
                raise
            after = seen
        if after.round != round_ or after.phase != "finished" or after.abandoned:
            return False
        if not told_late and not self._first_to_tell(code, round_):
            return False
        self.engine.broadcast(after)
        self.engine.emit(
            "standings",
            {
                "code": code,
                "round": round_,
                "standings": [asdict(s) for s in after.standings],
                "details": details(reviews),
            },
            code,
        )
        self._closed(after)
        return True

    def abandon(self, code: str, round_: int | None, cause: str) -> bool:
        """End a running round without a result (its end could not be applied), telling
        its players with an ``abandoned`` standings event; True if this call ended it.

        Only the room moves (``phases.abandon``): no log is read and nothing goes to the
        outbox, so whatever kept failing is not on this path.
        """
        now = self.engine.clock()
        room = self.store.get_room(code)
        if room is None or (round_ is not None and room.round != round_):
            return False
        rnd = room.round
        self.store.seal_round(code, rnd)

        def move(r: Room) -> Room:
            return r if r.round != rnd else phases.abandon(r, now)

        def effects(before: Room, after: Room) -> Effects:
            base = self.engine.effects(before, after)
            cancel = (*base.cancel, f"begin|{code}|{rnd}", f"limit|{code}|{rnd}")
            return Effects(schedule=base.schedule, cancel=cancel)

        before, after = self.store.update_room(code, move, effects)
        if before.phase == after.phase:
            return False
        self.engine.broadcast(after)
        message = "this race could not be ended normally and was abandoned: no result is kept"
        self.engine.emit(
            "standings",
            {
                "code": code,
                "round": rnd,
                "standings": [],
                "details": {},
                "abandoned": True,
                "message": message,
            },
            code,
        )
        self._closed(after)
        return True

    def _first_to_tell(self, code: str, round_: int) -> bool:
        """Tell whether this call is the first to see the round finished, and so the one
        to broadcast its standings (not only the compare-and-set's winner: its reply may
        have been lost). A lease under an owner of its own is taken only once."""
        return self.store.acquire_lease(f"told|{code}|{round_}", secrets.token_hex(8), TOLD_MS)

    def _closed(self, after: Room) -> None:
        """Free what a finished round held: its quick lobby, this worker's caches."""
        if after.kind == "quick" and after.lobby is not None:
            self.store.swap_lobby(after.lobby, after.code, None)
        self.forget(after)
