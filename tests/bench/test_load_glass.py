"""The glass-to-glass delay's bookkeeping (bench/load_glass.py), without a server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.load_glass import Sight
from bench.load_glass import cursor_after
from bench.load_glass import watch
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.scorer import Typist

CODE = "def f(x):\n    if x:\n        return 1\n\n    return 2"


@dataclass
class Plan:
    """A racer's key timing, as its opponents see it."""

    origin: int = 0
    times: Sequence[int] = ()
    sight: Sight | None = None


def test_the_cursor_after_each_key_is_the_scorers_pos() -> None:
    course = Course(CODE)
    typist = Typist(course)
    positions = []
    for t, key in enumerate(ideal_keys(course)):
        typist.feed([(t, key)])
        positions.append(typist.pos)
    assert cursor_after(course) == positions
    assert positions[-1] == len(CODE)


def test_a_moved_pos_samples_the_newest_key_it_covers() -> None:
    ends = [1, 2, 3, 9, 10]  # an Enter after key 2 skips the next line's indentation
    out: list[float] = []
    a = Plan(origin=1000, times=[10, 20, 30, 40, 50])
    sight = Sight(ends, {"a": a}, out)
    sight.see("a", 0, 1100)  # at the start: no key shown yet
    sight.see("a", 2, 1100)  # keys 0 and 1 shown: the newest is key 1, typed at 1020
    sight.see("a", 2, 1300)  # not moved: no sample
    sight.see("a", 9, 1500)  # key 3, typed at 1040
    assert out == [80, 460]


def test_no_sample_for_unknown_racers_nor_before_the_opponent_types() -> None:
    out: list[float] = []
    idle = Plan(origin=0, times=[10, 20])
    sight = Sight([1, 2], {"idle": idle}, out)
    sight.see("me", 2, 500)
    sight.see("idle", 1, 500)
    assert out == []


def test_watch_gives_each_racer_the_others_by_player_id() -> None:
    a, b, c = Plan(), Plan(), Plan()
    out: list[float] = []
    watch([a, b, c], [{"id": "pa"}, {"id": "pb"}, None], [1], out)
    assert a.sight is not None and b.sight is not None and c.sight is not None
    assert a.sight.others == {"pb": b}
    assert b.sight.others == {"pa": a}
    assert c.sight.others == {"pa": a, "pb": b}
