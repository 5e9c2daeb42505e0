"""The deadlines a room move implies, derived from the room before and after it.

A move never schedules a timer itself: ``Engine.update`` hands this to the store, which
writes the deadlines in the same transaction as the room, so timers cannot disagree with
it. Keys are ``<kind>|<code>|<round or player id>``; ``race.realtime.heartbeat`` applies
them when due.
"""

from __future__ import annotations

from race.core import members
from race.core.room import Room
from race.store.base import Effects


def implied(before: Room, after: Room, now: int) -> Effects:
    """Return the deadlines to schedule and cancel for a move from ``before`` to ``after``."""
    code, rnd = after.code, after.round
    schedule: dict[str, int] = {}
    cancel: list[str] = []
    if after.phase == "countdown" and (
        before.phase != "countdown" or before.starts_at != after.starts_at
    ):
        assert after.starts_at is not None and after.ends_at is not None
        schedule[f"begin|{code}|{rnd}"] = after.starts_at
        schedule[f"limit|{code}|{rnd}"] = after.ends_at
    elif after.phase == "racing" and after.ends_at != before.ends_at:
        assert after.ends_at is not None  # cut short: the time limit moves up
        schedule[f"limit|{code}|{rnd}"] = after.ends_at
    if before.phase in ("countdown", "racing") and after.phase == "lobby":
        # A countdown called off, or a practice run restarted before its end.
        cancel += [f"begin|{code}|{before.round}", f"limit|{code}|{before.round}"]
    if members.is_lonely(after) and not members.is_lonely(before):
        schedule[f"lonely|{code}|{rnd}"] = now + after.timing.ghost_offer_ms
    was = {s.player_id: s.connected for s in before.seats}
    for seat in after.seats:
        if was.get(seat.player_id, True) and not seat.connected and not seat.left:
            schedule[f"drop|{code}|{seat.player_id}"] = now + after.timing.grace_ms
        elif was.get(seat.player_id) is False and seat.connected:
            cancel.append(f"drop|{code}|{seat.player_id}")
    return Effects(schedule=schedule, cancel=tuple(cancel))
