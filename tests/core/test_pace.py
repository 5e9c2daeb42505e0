"""The adaptive period: fastest under light load, wider in proportion past it, by steps."""

from __future__ import annotations

from race.core.pace import BASE_LOAD
from race.core.pace import FASTEST_MS
from race.core.pace import SLOWEST_MS
from race.core.pace import STEP_EVERY_MS
from race.core.pace import STEP_MS
from race.core.pace import Pace
from race.core.pace import target_ms


def test_the_target_is_the_fastest_up_to_the_base_load_then_grows_with_it() -> None:
    assert target_ms(0) == target_ms(BASE_LOAD) == FASTEST_MS
    assert target_ms(BASE_LOAD * 1.5) == 300  # 1.5 x the load: 1.5 x the period
    assert target_ms(BASE_LOAD * 1.51) == 350  # rounded up to a step
    assert target_ms(BASE_LOAD * 10) == SLOWEST_MS


def test_the_period_steps_toward_its_target_once_a_step_is_due_and_back_down() -> None:
    pace, now = Pace(), 10_000
    seen = []
    for _ in range(10):  # ten seconds at 2.5 x the base load: 200 -> 500 by steps
        now += STEP_EVERY_MS
        pace = pace.follow(BASE_LOAD * 2.5, now)
        seen.append(pace.period_ms)
    assert seen == [250, 300, 350, 400, 450, 500, 500, 500, 500, 500]
    down = pace.follow(0, now)  # the load fell: one step back down
    assert down.period_ms == SLOWEST_MS - STEP_MS and down.changed_at == now
    assert down.follow(0, now + STEP_EVERY_MS - 1) == down  # too soon for another step
    assert down.follow(0, now + STEP_EVERY_MS).period_ms == SLOWEST_MS - 2 * STEP_MS


def test_a_fixed_pace_never_moves() -> None:
    pace = Pace(350, fixed=True)
    assert pace.follow(BASE_LOAD * 10, 10**9) == pace
    assert pace.follow(0, 10**9) == pace
