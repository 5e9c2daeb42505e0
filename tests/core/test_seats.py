"""Admission bookkeeping: seats plus half a seat per room, never past capacity."""

from __future__ import annotations

import random

from race.core.seats import ROOM_COST
from race.core.seats import Seats


def test_capacity_330_takes_300_in_fives_264_in_pairs_220_alone() -> None:
    for size, expected in ((5, 300), (2, 264), (1, 220)):
        seats = Seats(330)
        n = 0
        while True:
            room = f"r{n // size}"
            if seats.take(f"s{n}", room if n % size else "") is None:
                break
            seats.place(f"s{n}", room)
            n += 1
        assert n == expected, size


def test_a_pending_join_counts_as_a_new_room_until_placed() -> None:
    seats = Seats(10)
    assert seats.take("a") is True
    assert seats.load() == 1 + ROOM_COST
    seats.place("a", "X")
    assert seats.take("b", "X") is True
    assert seats.load() == 2 + ROOM_COST
    assert seats.take("b", "X") is False  # already seated: nothing changes
    assert seats.load() == 2 + ROOM_COST


def test_moving_to_a_new_room_is_checked_like_a_newcomer() -> None:
    """300 racers in rooms of five fill 330; each then clicking "Practise" (a room of
    their own, on the same connection) must not take the worker past its capacity."""
    seats = Seats(330)
    for n in range(300):
        assert seats.take(f"s{n}", f"r{n // 5}" if n % 5 else "") is not None
        seats.place(f"s{n}", f"r{n // 5}")
    assert seats.take("s7") is None  # full: a room of its own would overload it
    for n in range(10):
        seats.release(f"s{n}")  # ten leave; rooms r0 and r1 empty
    assert seats.load() == 330 - 10 - 2 * ROOM_COST
    moved = 0
    for n in range(10, 300):
        answer = seats.take(f"s{n}")
        if answer is None:
            continue
        assert answer is False  # already seated: the seat moves when the join lands
        seats.place(f"s{n}", f"solo{n}")
        moved += 1
        assert seats.load() <= 330
    assert 0 < moved < 290
    # Moving into a room the worker already seats, out of one it empties, is never refused.
    before = seats.load()
    assert seats.take("s11", "solo10") is False
    seats.place("s11", "solo10")
    assert seats.load() == before - ROOM_COST


def test_a_join_landing_for_an_unseated_connection_is_counted() -> None:
    seats = Seats(10)
    seats.place("a", "X")  # two joins at once: the one that held the seat failed
    assert len(seats) == 1 and seats.load() == 1 + ROOM_COST
    seats.release("a")
    assert len(seats) == 0 and seats.load() == 0


def test_a_returning_player_is_seated_past_capacity() -> None:
    seats = Seats(1.5)
    assert seats.take("a", "X") is True
    assert seats.take("b", "X") is None
    assert seats.take("b", "X", returning=True) is True
    assert len(seats) == 2


def test_moving_rooms_and_leaving_keep_the_books_straight() -> None:
    rng = random.Random(3)
    seats = Seats(10**9)
    where: dict[str, str] = {}
    for _ in range(5_000):
        sid, room = f"s{rng.randrange(40)}", f"r{rng.randrange(8)}"
        action = rng.random()
        if action < 0.4:
            asked = room if rng.random() < 0.5 else ""
            if seats.take(sid, asked):
                where[sid] = asked
        elif action < 0.7:
            seats.place(sid, room)  # a join landed: the connection is in that room now
            where[sid] = room
        else:
            seats.release(sid)
            where.pop(sid, None)
        rooms = {r for r in where.values() if r}
        pending = sum(1 for r in where.values() if not r)
        assert len(seats) == len(where)
        assert seats.load() == len(where) + ROOM_COST * (len(rooms) + pending)
