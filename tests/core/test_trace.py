"""Frames of a stored run: the scorer's state after every key, for replays and ghosts."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keylog import KeyLog
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Batch
from race.core.keys import Key
from race.core.scorer import fold
from race.core.trace import Frame
from race.core.trace import thin
from race.core.trace import trace

CODE = "def f(x):\n    if x:\n        return x\n    return 0"


def log_of(keys: list[Key], limit_ms: int | None = None, per_batch: int = 5) -> KeyLog:
    batches = tuple(
        Batch(
            recv_ms=keys[i + len(keys[i : i + per_batch]) - 1][0] + 30,
            keys=tuple(keys[i : i + per_batch]),
        )
        for i in range(0, len(keys), per_batch)
    )
    return KeyLog(snippet=CODE, limit_ms=limit_ms, batches=batches)


def test_a_clean_run_moves_one_frame_per_key_and_skips_indentation() -> None:
    keys = [(100 + 100 * i, k) for i, k in enumerate(ideal_keys(Course(CODE)))]
    frames = trace(log_of(keys))
    assert frames[0] == Frame(0, 0)
    assert len(frames) == len(keys) + 1
    assert frames[-1] == Frame(keys[-1][0], len(CODE))
    # The Enter after "def f(x):" lands past the auto-filled indentation of the next line.
    enter = next(f for f in frames if f.t_ms == keys[9][0])
    assert keys[9][1] == ENTER and enter.pos == CODE.index("if")


def test_errors_show_as_an_error_run_until_backspaced() -> None:
    keys: list[Key] = [
        (100, "d"),
        (200, "x"),
        (300, "y"),
        (400, BACKSPACE),
        (500, BACKSPACE),
        (600, "e"),
    ]
    frames = trace(log_of(keys))
    assert [f.as_json() for f in frames] == [
        [0, 0],
        [100, 1],
        [200, 1, "x"],
        [300, 1, "xy"],
        [400, 1, "x"],
        [500, 1],
        [600, 2],
    ]


def test_keys_past_the_limit_and_after_the_finish_are_not_drawn() -> None:
    keys = [(100 * (i + 1), k) for i, k in enumerate(ideal_keys(Course(CODE)))]
    limited = trace(log_of(keys, limit_ms=1000))
    assert limited[-1] == Frame(1000, CODE.index("if"))  # the first line, then time was up
    extra = trace(log_of([*keys, (99_000, "z")]))
    assert extra[-1].pos == len(CODE) and extra[-1].t_ms == keys[-1][0]


def test_time_never_goes_back_and_one_millisecond_makes_one_frame() -> None:
    keys: list[Key] = [(500, "d"), (300, "e"), (300, "f"), (900, " ")]
    frames = trace(log_of(keys))
    assert [f.as_json() for f in frames] == [[0, 0], [500, 3], [900, 4]]


def test_a_long_run_is_thinned_evenly_keeping_both_ends() -> None:
    frames = tuple(Frame(t, t) for t in range(0, 10_000, 5))
    kept = thin(frames, 100)
    assert len(kept) <= 100 and kept[0] == frames[0] and kept[-1] == frames[-1]
    gaps = [b.t_ms - a.t_ms for a, b in pairwise(kept)]
    assert max(gaps[:-1]) - min(gaps[:-1]) <= 5
    assert thin(frames[:50], 100) == frames[:50]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 60),
            st.sampled_from([*"def f(x):ir tun0", ENTER, BACKSPACE, TAB, WORD_BACKSPACE]),
        ),
        max_size=80,
    ),
    st.integers(0, 5000),
)
def test_the_frame_at_any_moment_is_the_scorer_state_of_the_keys_so_far(
    steps: list[tuple[int, str]], probe: int
) -> None:
    t, keys = 0, []
    for gap, key in steps:
        t += gap
        keys.append((t, key))
    frames = trace(log_of(keys))
    so_far = fold(Course(CODE), [k for k in keys if k[0] <= probe]).progress()
    frame = [f for f in frames if f.t_ms <= probe][-1]  # the frame in force then
    assert (frame.pos, frame.error_run) == (so_far.pos, so_far.error_run)
