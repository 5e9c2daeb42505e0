"""The rules both stores share, and the Lua scripts shipped beside them."""

from __future__ import annotations

from importlib import resources

from race.store.policy import Every
from race.store.policy import count_phases
from race.store.policy import due_first
from race.store.policy import held_until
from race.store.policy import is_held
from race.store.policy import retry_at
from race.store.scripts import NAMES
from race.store.scripts import source


def test_claims_go_earliest_first_by_name_among_equals_up_to_the_limit() -> None:
    entries = [("b", 5.0), ("a", 5.0), ("c", 1.0), ("late", 9.0)]
    assert due_first(entries, 5, 10) == ["c", "a", "b"]
    assert due_first(entries, 5, 2) == ["c", "a"]


def test_a_hold_is_told_apart_from_a_deadline_scheduled_for_the_same_time() -> None:
    assert is_held(held_until(1_000), 1_000)
    assert not is_held(1_000 + 5_000, 1_000) and not is_held(None, 1_000)
    assert retry_at(1_000, 3, 250, 4_000) == 2_000


def test_a_sweep_gate_opens_once_per_period() -> None:
    gate = Every(1000)
    assert gate.due(5_000) and not gate.due(5_999) and gate.due(6_000)


def test_every_phase_is_counted() -> None:
    assert count_phases(["racing", "lobby", "racing"]) == {
        "lobby": 1,
        "countdown": 0,
        "racing": 2,
        "finished": 0,
    }


def test_every_script_ships_in_the_package() -> None:
    shipped = {f.name for f in resources.files("race.store").joinpath("lua").iterdir()}
    assert shipped == {f"{name}.lua" for name in NAMES}
    assert all(source(name).strip() for name in NAMES)
