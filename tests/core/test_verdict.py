"""The verdict: each check catches its bot, honest streams pass, and judge() is total."""

from __future__ import annotations

import math
import random
import string
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import fields
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import MAX_T_MS
from race.core.keys import TAB
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Batch
from race.core.keys import Key
from race.core.scorer import Typist
from race.core.scorer import fold
from race.core.signals import Reason
from race.core.snippet import normalise
from race.core.thresholds import Thresholds
from race.core.verdict import REASON_CODES
from race.core.verdict import Verdict
from race.core.verdict import judge
from tests import humans

SNIPPET = Course(
    normalise(
        "def median(values):\n"
        "    ordered = sorted(values)\n"
        "    mid = len(ordered) // 2\n"
        "    if len(ordered) % 2:\n"
        "        return ordered[mid]\n"
        "    return (ordered[mid - 1] + ordered[mid]) / 2\n"
    )
)
#: 529 keys to type: long enough to tell a 30 % gaussian jitter from a human.
LONG = Course(
    normalise(
        "from dataclasses import dataclass\n"
        "\n"
        "\n"
        "@dataclass\n"
        "class Lap:\n"
        "    number: int\n"
        "    millis: int\n"
        "\n"
        "\n"
        "def best_lap(laps: list[Lap]) -> Lap | None:\n"
        "    best = None\n"
        "    for lap in laps:\n"
        "        if best is None or lap.millis < best.millis:\n"
        "            best = lap\n"
        "    return best\n"
        "\n"
        "\n"
        "def average(laps: list[Lap]) -> float:\n"
        "    if not laps:\n"
        "        return 0.0\n"
        "    total = sum(lap.millis for lap in laps)\n"
        "    return total / len(laps)\n"
        "\n"
        "\n"
        "def report(laps: list[Lap]) -> str:\n"
        "    lap = best_lap(laps)\n"
        "    if lap is None:\n"
        "        return 'no laps yet'\n"
        "    return f'best lap {lap.number}: {lap.millis} ms, mean {average(laps):.0f} ms'\n"
    )
)


def timed(keys: Sequence[str], gaps: Iterable[float], start: int = 600) -> list[Key]:
    """Stamp keys: the first at ``start``, then one gap (rounded, at least 0 ms) each."""
    out: list[Key] = []
    t = start
    for key, gap in zip(keys, gaps, strict=False):
        out.append((t, key))
        t += max(0, round(gap))
    return out


def send(keys: Sequence[Key], period_ms: int = 200, delay_ms: int = 40) -> list[Batch]:
    """Batch keys as the browser does: every ``period_ms``, received ``delay_ms`` later."""
    out: list[Batch] = []
    group: list[Key] = []
    tick = -1
    for t, key in keys:
        k = max(t, 0) // period_ms
        if group and k != tick:
            out.append(Batch(recv_ms=(tick + 1) * period_ms + delay_ms, keys=tuple(group)))
            group = []
        tick = k
        group.append((t, key))
    if group:
        out.append(Batch(recv_ms=(tick + 1) * period_ms + delay_ms, keys=tuple(group)))
    return out


def verdict(
    course: Course,
    keys: Sequence[Key],
    batches: Sequence[Batch] | None = None,
    limit_ms: int | None = None,
    th: Thresholds | None = None,
) -> Verdict:
    """Fold the keys, compute the figures and judge the stream (batched like a browser)."""
    fig = figures(fold(course, keys))
    sent = send(keys) if batches is None else batches
    if th is None:
        return judge(course, sent, fig, limit_ms=limit_ms)
    return judge(course, sent, fig, limit_ms=limit_ms, th=th)


def human_like(n: int, seed: int, median_ms: float = 170.0) -> list[float]:
    """Return lognormal gaps (sigma 0.45) with an occasional hesitation, like a person."""
    rng = random.Random(seed)
    gaps = []
    for _ in range(n):
        gap = rng.lognormvariate(math.log(median_ms), 0.45)
        if rng.random() < 0.03:
            gap += rng.uniform(400, 1500)
        gaps.append(gap)
    return gaps


def honest(course: Course, seed: int = 1, median_ms: float = 170.0) -> list[Key]:
    keys = ideal_keys(course)
    return timed(keys, human_like(len(keys), seed, median_ms))


# --- honest streams ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("course", [SNIPPET, LONG], ids=["short", "long"])
def test_honest_stream_is_not_flagged(course: Course, seed: int) -> None:
    v = verdict(course, honest(course, seed))
    assert v == Verdict(flagged=False, reasons=())


def test_honest_stream_with_typos_and_corrections_is_not_flagged() -> None:
    rng = random.Random(3)
    keys: list[str] = []
    for key in ideal_keys(LONG):
        if rng.random() < 0.05:
            keys += ["q", "w", BACKSPACE, BACKSPACE]
        keys.append(key)
    v = verdict(LONG, timed(keys, human_like(len(keys), 3)))
    assert not v.flagged, v.reasons


def test_empty_stream_is_not_flagged() -> None:
    assert judge(SNIPPET, [], figures(Typist(SNIPPET))) == Verdict(False, ())


# --- timestamps ---------------------------------------------------------------------------


def test_backwards_timestamp_is_flagged_with_the_key_numbers() -> None:
    keys = honest(SNIPPET)
    t39 = keys[39][0]
    keys[40] = (t39 - 120, keys[40][1])
    v = verdict(SNIPPET, keys)
    assert v.codes == ("ts_backwards",)
    assert v.reasons[0].message == "Key 41 is timed 120 ms before key 40."


def test_backwards_across_batches_is_flagged() -> None:
    first = Batch(recv_ms=1000, keys=((900, "d"), (950, "e")))
    second = Batch(recv_ms=1200, keys=((940, "f"),))
    v = judge(SNIPPET, [first, second], figures(fold(SNIPPET, [*first.keys, *second.keys])))
    assert v.codes == ("ts_backwards",)


def test_equal_timestamps_are_not_backwards() -> None:
    keys = honest(SNIPPET)
    keys[10] = (keys[9][0], keys[10][1])
    assert "ts_backwards" not in verdict(SNIPPET, keys).codes


def test_key_before_the_start_is_outside_the_window() -> None:
    keys = honest(SNIPPET)
    keys[0] = (-50, keys[0][1])
    v = verdict(SNIPPET, keys)
    assert v.codes == ("ts_outside_window",)
    assert "before the race started" in v.reasons[0].message


def test_keys_after_the_limit_are_outside_the_window() -> None:
    keys = honest(SNIPPET)
    end = keys[-1][0]
    slack = Thresholds().limit_slack_ms
    assert "ts_outside_window" in verdict(SNIPPET, keys, limit_ms=end - slack - 1).codes
    assert not verdict(SNIPPET, keys, limit_ms=end - slack).flagged
    assert not verdict(SNIPPET, keys, limit_ms=None).flagged


def test_key_timed_after_its_batch_arrived_is_from_the_future() -> None:
    keys = honest(SNIPPET)
    batches = send(keys)
    tol = Thresholds().future_tolerance_ms
    last = batches[5].keys[-1][0]
    early = [*batches[:5], Batch(last - tol - 1, batches[5].keys), *batches[6:]]
    v = verdict(SNIPPET, keys, early)
    assert v.codes == ("ts_future",)
    within = [*batches[:5], Batch(last - tol, batches[5].keys), *batches[6:]]
    assert not verdict(SNIPPET, keys, within).flagged


def test_stream_sent_all_at_the_end_is_stale() -> None:
    keys = honest(SNIPPET)
    v = verdict(SNIPPET, keys, [Batch(keys[-1][0] + 40, tuple(keys))])
    assert v.codes == ("ts_stale", "ts_lagging")
    assert "arrived late" in v.reasons[0].message


def test_keys_buffered_through_a_short_disconnect_are_not_stale() -> None:
    keys = honest(SNIPPET)
    window = Thresholds().stale_window_ms
    # Everything typed in the first three seconds arrives in one batch just inside the window.
    head = [k for k in keys if k[0] < 3000]
    tail = keys[len(head) :]
    late = Batch(head[0][0] + window, tuple(head))
    later = [Batch(max(b.recv_ms, late.recv_ms), b.keys) for b in send(tail)]
    assert not verdict(SNIPPET, keys, [late, *later]).flagged
    stale = Batch(head[0][0] + window + 1, tuple(head))
    assert verdict(SNIPPET, keys, [stale, *later]).codes == ("ts_stale",)


# --- speed and bursts ---------------------------------------------------------------------


def test_superhuman_speed_with_lognormal_variance_is_flagged() -> None:
    keys = honest(LONG, seed=4, median_ms=38.0)  # ~300 WPM with a human-like spread
    v = verdict(LONG, keys)
    assert "speed_implausible" in v.codes
    assert "too_regular" not in v.codes


def test_superhuman_speed_with_a_real_rhythm_is_flagged() -> None:
    """A real fast typist's rhythm sped up to 300 WPM (lognormal when the data is absent)."""
    if humans.data_missing_reason() is not None:
        keys = honest(LONG, seed=5, median_ms=38.0)
    else:
        # 155979 (group fast) has the most even rhythm in the sample.
        person = next(h for h in humans.load_humans() if h.pid == 155979)
        real = humans.stream(person, LONG, seed=1)
        typing = [t for t, k in real if k not in (BACKSPACE, WORD_BACKSPACE)]
        wpm = 12_000 * (len(typing) - 1) / (typing[-1] - typing[0])
        scale, t0 = wpm / 300, real[0][0]
        keys = [(t0 + round((t - t0) * scale), k) for t, k in real]
    v = verdict(LONG, keys)
    assert "speed_implausible" in v.codes
    assert "too_regular" not in v.codes


def test_fastest_real_sentences_are_not_superhuman() -> None:
    # 197 WPM over a sentence is the fastest in the data: ~61 ms a key, with spread.
    keys = honest(SNIPPET, seed=6, median_ms=58.0)
    assert "speed_implausible" not in verdict(SNIPPET, keys).codes


def test_whole_snippet_pasted_in_one_millisecond_is_a_paste() -> None:
    keys = [(3000 + i % 2, k) for i, k in enumerate(ideal_keys(SNIPPET))]
    v = verdict(SNIPPET, keys, [Batch(3050, tuple(keys))])
    assert "paste_burst" in v.codes
    assert "speed_implausible" in v.codes


def test_one_injected_word_is_a_paste() -> None:
    keys = honest(LONG, seed=7)
    t = keys[100][0]
    keys[100:110] = [(t + j // 3, k) for j, (_, k) in enumerate(keys[100:110])]
    shift = keys[110][0] - keys[109][0]
    keys[110:] = [(tt - shift + 150, k) for tt, k in keys[110:]]
    v = verdict(LONG, keys)
    assert "paste_burst" in v.codes  # with speed_implausible: 10 keys in 153 ms
    assert v.reasons[-1].message.startswith("10 characters arrived within 3 ms")


def test_rollover_of_a_few_keys_is_not_a_paste() -> None:
    keys = honest(LONG, seed=8)
    for i in range(50, 400, 50):  # three keys within 4 ms, now and then, like real rollover
        keys[i + 1] = (keys[i][0] + 2, keys[i + 1][1])
        keys[i + 2] = (keys[i][0] + 4, keys[i + 2][1])
    assert not verdict(LONG, keys).flagged


# --- regularity -------------------------------------------------------------------------


def test_fixed_interval_bot_is_too_regular() -> None:
    keys = ideal_keys(SNIPPET)
    v = verdict(SNIPPET, timed(keys, [60] * len(keys)))
    assert v.codes == ("too_regular",)


def test_uniform_jitter_of_20_percent_is_too_regular() -> None:
    rng = random.Random(9)
    keys = ideal_keys(SNIPPET)
    v = verdict(SNIPPET, timed(keys, [120 * rng.uniform(0.8, 1.2) for _ in keys]))
    assert v.codes == ("too_regular",)


@pytest.mark.parametrize("seed", range(10))
def test_gaussian_jitter_of_30_percent_is_too_regular(seed: int) -> None:
    rng = random.Random(seed)
    keys = ideal_keys(LONG)
    v = verdict(LONG, timed(keys, [rng.gauss(110, 33) for _ in keys]))
    assert v.codes == ("too_regular",)


def test_fixed_rhythm_hidden_among_pauses_is_too_regular() -> None:
    rng = random.Random(10)
    keys = ideal_keys(LONG)
    gaps = [rng.choice([700, 1200, 1900]) if rng.random() < 0.06 else 100 for _ in keys]
    v = verdict(LONG, timed(keys, gaps))
    assert v.codes == ("too_regular",)
    assert "nearly equal" in v.reasons[0].message


def test_regularity_needs_enough_intervals() -> None:
    short = Course("print('hello')\nexit(0)")
    keys = ideal_keys(short)
    assert len(keys) - 1 < Thresholds().min_regular_intervals
    assert not verdict(short, timed(keys, [100] * len(keys))).flagged


def test_zero_ms_chords_do_not_hide_a_fixed_rhythm() -> None:
    keys = ideal_keys(LONG)
    gaps = [0 if i % 5 == 0 else 90 for i in range(len(keys))]
    assert "too_regular" in verdict(LONG, timed(keys, gaps)).codes


# --- accuracy ---------------------------------------------------------------------------


def test_random_mashing_has_low_accuracy() -> None:
    rng = random.Random(11)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " "
    keys = [rng.choice(alphabet) for _ in range(300)]
    v = verdict(SNIPPET, timed(keys, human_like(len(keys), 11)))
    assert v.codes == ("low_accuracy",)
    assert v.reasons[0].message.startswith("Accuracy is ")


def test_a_few_wrong_keys_are_too_few_to_judge_accuracy() -> None:
    keys = list("zzzzzzzzzz")
    assert not verdict(SNIPPET, timed(keys, human_like(len(keys), 12))).flagged


def test_sloppy_but_human_typist_is_not_low_accuracy() -> None:
    # Two wrong keys, then two backspaces, before a third of the characters: ~66 % accuracy.
    rng = random.Random(13)
    keys: list[str] = []
    for key in ideal_keys(LONG):
        if rng.random() < 0.25:
            keys += ["x", "x", BACKSPACE, BACKSPACE]
        keys.append(key)
    stream = timed(keys, human_like(len(keys), 13))
    assert 55 < figures(fold(LONG, stream)).accuracy < 75
    assert "low_accuracy" not in verdict(LONG, stream).codes


def test_thresholds_are_parameters() -> None:
    keys = honest(SNIPPET)
    assert not verdict(SNIPPET, keys).flagged
    strict = Thresholds(speed_ceilings=((10, 30.0),))
    assert verdict(SNIPPET, keys, th=strict).codes == ("speed_implausible",)


# --- several reasons, and the contract ----------------------------------------------------


def test_reasons_come_in_a_stable_order() -> None:
    keys = [(-10 + i % 2, k) for i, k in enumerate(ideal_keys(SNIPPET))]
    keys[5] = (-30, keys[5][1])
    v = verdict(SNIPPET, keys, [Batch(20_000, tuple(keys))], limit_ms=60_000)
    assert v.flagged
    assert list(v.codes) == sorted(v.codes, key=REASON_CODES.index)
    assert v.codes[:5] == (
        "ts_backwards",
        "ts_outside_window",
        "ts_stale",
        "ts_lagging",
        "speed_implausible",
    )


def test_docs_explain_every_threshold_and_reason() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "anticheat.md"
    text = doc.read_text(encoding="utf-8")
    for field in fields(Thresholds):
        assert f"`{field.name}`" in text, field.name
    for code in REASON_CODES:
        assert f"`{code}`" in text, code


# --- properties -------------------------------------------------------------------------

KEY_NAMES = st.sampled_from(["a", "b", "(", " ", ENTER, TAB, BACKSPACE, WORD_BACKSPACE])
ANY_KEY = st.one_of(
    KEY_NAMES, st.characters(min_codepoint=32, max_codepoint=0x2FF).filter(str.isprintable)
)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.integers(-MAX_T_MS, MAX_T_MS),
            st.lists(st.tuples(st.integers(-MAX_T_MS, MAX_T_MS), ANY_KEY), max_size=40),
        ),
        max_size=8,
    ),
    st.one_of(st.none(), st.integers(1, MAX_T_MS)),
)
def test_judge_never_raises_on_any_valid_stream(
    raw: list[tuple[int, list[Key]]], limit_ms: int | None
) -> None:
    batches = [Batch(recv, tuple(keys)) for recv, keys in raw]
    v = judge(SNIPPET, batches, figures(Typist(SNIPPET)), limit_ms=limit_ms)
    assert v.flagged == bool(v.reasons)
    assert all(r.code in REASON_CODES and r.message.endswith(".") for r in v.reasons)


@settings(max_examples=150)
@given(st.lists(st.tuples(st.integers(0, 3000), KEY_NAMES), max_size=300), st.integers(1, 60))
def test_full_pipeline_never_raises(steps: list[tuple[int, str]], per_batch: int) -> None:
    keys, t = [], 0
    for gap, key in steps:
        t += gap
        keys.append((t, key))
    batches = [
        Batch(keys[i : i + per_batch][-1][0] + 30, tuple(keys[i : i + per_batch]))
        for i in range(0, len(keys), per_batch)
    ]
    v = judge(SNIPPET, batches, figures(fold(SNIPPET, keys)))
    assert v.flagged == bool(v.reasons)


@settings(max_examples=200)
@given(st.lists(st.integers(0, 10_000), max_size=80), st.integers(1, 10))
def test_flagged_backwards_iff_some_time_decreases(times: list[int], per_batch: int) -> None:
    keys = [(t, "a") for t in times]
    batches = [
        Batch(10_100, tuple(keys[i : i + per_batch])) for i in range(0, len(keys), per_batch)
    ]
    v = judge(SNIPPET, batches, figures(fold(SNIPPET, keys)))
    decreases = any(b < a for a, b in pairwise(times))
    assert ("ts_backwards" in v.codes) == decreases


@settings(max_examples=100)
@given(st.integers(0, 10_000), st.integers(1, 30), st.integers(1, 30))
def test_timing_checks_do_not_depend_on_batching(seed: int, size_a: int, size_b: int) -> None:
    keys = honest(SNIPPET, seed=seed, median_ms=random.Random(seed).choice([40.0, 90.0, 170.0]))
    fig = figures(fold(SNIPPET, keys))

    def cut(size: int) -> list[Batch]:
        return [
            Batch(keys[i : i + size][-1][0], tuple(keys[i : i + size]))
            for i in range(0, len(keys), size)
        ]

    def timing(v: Verdict) -> list[Reason]:
        return [r for r in v.reasons if r.code not in ("ts_future", "ts_stale", "ts_lagging")]

    assert timing(judge(SNIPPET, cut(size_a), fig)) == timing(judge(SNIPPET, cut(size_b), fig))


def test_a_stream_timed_consistently_early_is_flagged_lagging() -> None:
    from race.core.course import Course
    from race.core.course import ideal_keys
    from race.core.figures import figures
    from race.core.keys import Batch
    from race.core.scorer import fold
    from race.core.verdict import judge

    course = Course("for item in items:\n    total += item.price * item.count\nprint(total)")
    keys = ideal_keys(course)
    times = [5000 + 130 * i + (i * 37 % 90) for i in range(len(keys))]
    honest = [Batch(t + 120, ((t, k),)) for t, k in zip(times, keys, strict=True)]
    shifted = [Batch(b.recv_ms, ((b.keys[0][0] - 4_900, b.keys[0][1]),)) for b in honest]
    for stream, flagged in [(honest, False), (shifted, True)]:
        typist = fold(course, [k for b in stream for k in b.keys])
        verdict = judge(course, stream, figures(typist))
        assert ("ts_lagging" in verdict.codes) is flagged, verdict
