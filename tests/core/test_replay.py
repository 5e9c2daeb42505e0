"""Replay detection: copied rhythms match, different typings (even of one person) do not."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from race.core.keys import Batch
from race.core.keys import Key
from race.core.replay import MIN_INTERVALS
from race.core.replay import pack
from race.core.replay import rhythm
from race.core.replay import same_rhythm
from race.core.replay import unpack


def human(n: int, seed: int, start: int = 500) -> list[Key]:
    """Return n keys with lognormal human-like intervals."""
    rng = random.Random(seed)
    t, out = start, []
    for i in range(n):
        t += max(15, round(rng.lognormvariate(4.7, 0.5)))
        out.append((t, "abcdefgh"[i % 8]))
    return out


def batches(keys: list[Key], size: int = 4) -> list[Batch]:
    """Group keys into batches received right after their last key."""
    return [
        Batch(keys[i : i + size][-1][0] + 40, tuple(keys[i : i + size]))
        for i in range(0, len(keys), size)
    ]


def test_an_exact_replay_with_another_start_time_matches() -> None:
    original = human(200, seed=1)
    shifted = [(t + 3_217, k) for t, k in original]
    assert same_rhythm(rhythm(batches(original)), rhythm(batches(shifted, size=7)))


def test_a_replay_with_small_jitter_or_a_dropped_first_key_matches() -> None:
    rng = random.Random(5)
    original = human(200, seed=2)
    jittered = [(t + 900 + rng.randint(-1, 1), k) for t, k in original[1:]]
    assert same_rhythm(rhythm(batches(original)), rhythm(batches(jittered)))


def test_different_typings_do_not_match() -> None:
    sigs = [rhythm(batches(human(200, seed=s))) for s in range(30)]
    assert not any(same_rhythm(a, b) for i, a in enumerate(sigs) for b in sigs[i + 1 :])


def test_backspaces_are_not_part_of_the_rhythm() -> None:
    keys = human(60, seed=3)
    with_fix = [*keys[:10], (keys[9][0] + 5, "Backspace"), *keys[10:]]
    assert rhythm(batches(with_fix)) == rhythm(batches(keys))


def test_short_streams_never_match() -> None:
    keys = human(MIN_INTERVALS - 5, seed=4)
    sig = rhythm(batches(keys))
    assert not same_rhythm(sig, sig)


@given(st.lists(st.integers(0, 70_000), max_size=500))
def test_pack_round_trips(values: list[int]) -> None:
    assert unpack(pack(values)) == tuple(min(v, 0xFFFF) for v in values)
