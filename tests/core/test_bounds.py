"""The round's key budget against real people: nobody in the human corpus comes near it."""

from __future__ import annotations

from race.core.bounds import KEYS_PER_CHAR
from race.core.bounds import batch_cost
from race.core.bounds import key_budget
from tests import humans


def test_every_human_stream_fits_the_key_budget_with_room_to_spare() -> None:
    humans.require_data()
    worst = 0.0
    for person in humans.load_humans():
        for i, (_, course) in enumerate(humans.courses()):
            keys = humans.stream(person, course, seed=i)
            assert len(keys) <= key_budget(course.typeable) // 2, person
            worst = max(worst, len(keys) / course.typeable)
    assert worst < KEYS_PER_CHAR / 2  # the sloppiest human needs under half the budget


def test_an_empty_batch_spends_the_budget_like_a_key() -> None:
    assert batch_cost(0) == 1 and batch_cost(1) == 1 and batch_cost(256) == 256
    assert key_budget(0) > 0 and key_budget(100) > key_budget(10)
