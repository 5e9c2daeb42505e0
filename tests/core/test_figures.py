"""Figures: WPM, accuracy, consistency and the per-second series."""

from __future__ import annotations

import math

import pytest

from race.core.course import Course
from race.core.figures import Second
from race.core.figures import accuracy
from race.core.figures import consistency
from race.core.figures import figures
from race.core.figures import live_wpm
from race.core.figures import wpm
from race.core.keys import BACKSPACE
from race.core.scorer import fold


def test_wpm_is_five_characters_a_word() -> None:
    assert wpm(300, 60_000) == 60.0
    assert wpm(25, 5_000) == 60.0
    assert wpm(10, 0) == 0.0
    assert live_wpm(100, 20_000) == 60.0


def test_accuracy() -> None:
    assert accuracy(0, 0) == 100.0
    assert accuracy(90, 10) == 90.0


def test_consistency_matches_monkeytype_form() -> None:
    assert consistency([60.0] * 10) == 100.0
    values = [40.0, 60.0, 80.0, 60.0]
    mean = sum(values) / 4
    c = math.sqrt(sum((v - mean) ** 2 for v in values) / 4) / mean
    expected = 100 * (1 - math.tanh(c + c**3 / 3 + c**5 / 5))
    assert consistency(values) == pytest.approx(expected)
    assert consistency([]) == 0.0
    assert consistency([0.0, 0.0]) == 0.0


def test_figures_of_a_steady_exact_run() -> None:
    text = "abcde fghij"  # 11 characters
    keys = [(200 * (i + 1), ch) for i, ch in enumerate(text)]  # one key every 200 ms
    fig = figures(fold(Course(text), keys))
    assert fig.completed and fig.duration_ms == 2200
    assert fig.net_wpm == pytest.approx(11 / 5 * 60_000 / 2200, abs=0.01)
    assert fig.raw_wpm == fig.net_wpm and fig.accuracy == 100.0
    # Seconds 0 and 1 hold 4 and 5 keys... the 200 ms tail is merged into second 1.
    assert [s.errors for s in fig.series] == [0, 0]
    assert len(fig.series) == 2
    assert fig.series[0] == Second(wpm=round(wpm(4, 1000), 2), raw=round(wpm(4, 1000), 2), errors=0)
    assert fig.series[-1].wpm == fig.net_wpm


def test_errors_lower_net_and_accuracy_but_not_raw() -> None:
    text = "abcd"
    keys = [(100, "a"), (200, "x"), (300, BACKSPACE), (400, "b"), (500, "c"), (600, "d")]
    fig = figures(fold(Course(text), keys))
    assert fig.accuracy == 80.0 and fig.incorrect == 1 and fig.corrected == 1
    assert fig.raw_wpm == round(wpm(5, 600), 2) and fig.net_wpm == round(wpm(4, 600), 2)
    assert fig.missed == (("b", 1),)
    assert fig.series[0].errors == 1


def test_unfinished_is_timed_to_the_race_end() -> None:
    fig = figures(fold(Course("abcdef"), [(500, "a"), (1000, "b")]), end_ms=60_000)
    assert not fig.completed and fig.duration_ms == 60_000
    assert fig.progress == pytest.approx(2 / 6, abs=1e-4)
    assert len(fig.series) == 60 and fig.series[-1].raw == 0.0
    assert fig.series[-1].wpm == round(wpm(2, 60_000), 2)


def test_an_unfinished_racers_consistency_is_of_the_seconds_they_typed() -> None:
    text = "abcdefghij" * 5
    keys = [(250 * i, ch) for i, ch in enumerate(text[:40])]  # 4 keys/s for 10 s
    fig = figures(fold(Course(text), keys), end_ms=60_000)
    assert not fig.completed and len(fig.series) == 60  # the chart still spans the race
    # A steady typist scores high, not 0.0 for fifty idle seconds, wherever the last key
    # falls in its second (a final partial second is measured over its own length, and
    # merged into the one before under 500 ms, as a finisher's is).
    assert fig.consistency > 85
    for last in (9_500, 10_000, 10_250, 10_600):
        steady = [(t, "abcdefghij"[(t // 250) % 10]) for t in range(0, last + 1, 250)]
        assert figures(fold(Course(text), steady), end_ms=60_000).consistency > 85, last
    finished = figures(fold(Course("abcd"), [(250, "a"), (500, "b"), (750, "c"), (3000, "d")]))
    assert finished.consistency == round(consistency([s.raw for s in finished.series]), 2)


def test_gaps_carry_net_progress_forward() -> None:
    fig = figures(fold(Course("abc"), [(100, "a"), (3500, "b"), (3600, "c")]))
    assert [s.raw for s in fig.series] == [12.0, 0.0, 0.0, 40.0]  # 2 keys in 600 ms
    assert fig.series[1].wpm == round(wpm(1, 2000), 2)


def test_no_keys() -> None:
    fig = figures(fold(Course("abc"), []))
    assert fig.net_wpm == 0.0 and fig.series == () and fig.accuracy == 100.0
