"""The token bucket behind the per-connection limit and the in-process store's buckets."""

from __future__ import annotations

from race.core.bucket import TokenBucket


def test_starts_full_and_gives_what_it_has() -> None:
    bucket = TokenBucket(rate=2.0, burst=5, now=100.0)
    assert bucket.take(100.0, want=3) == 3
    assert bucket.take(100.0, want=3) == 2
    assert bucket.take(100.0) == 0


def test_refills_at_its_rate_up_to_the_burst() -> None:
    bucket = TokenBucket(rate=2.0, burst=5, now=0.0)
    bucket.take(0.0, want=5)
    assert bucket.take(1.25, want=5) == 2  # 2.5 tokens back; the half stays
    assert bucket.take(1.5, want=5) == 1  # the half and another half
    assert not bucket.full_by(3.0)
    assert bucket.full_by(4.0)
    assert bucket.take(100.0, want=50) == 5  # never more than the burst


def test_a_clock_going_back_adds_nothing() -> None:
    bucket = TokenBucket(rate=1.0, burst=3, now=10.0)
    bucket.take(10.0, want=3)
    assert bucket.take(5.0) == 0
    assert bucket.take(10.5) == 0  # refill counts from the latest time seen
    assert bucket.take(11.0) == 1
