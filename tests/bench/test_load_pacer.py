"""The raw load generator's pacer (bench/load_pacer.py): batches go out when due."""

from __future__ import annotations

import asyncio

from bench.load_figures import now_ms
from bench.load_pacer import Pacer


class Clocked:
    """A typist that notes when the pacer had it send."""

    def __init__(self) -> None:
        self.fired: list[int] = []

    async def fire(self, now: int) -> None:
        self.fired.append(now)


async def earlier_after_later(pacer: Pacer) -> tuple[int, Clocked, Clocked]:
    """Schedule a batch 600 ms out, then one 100 ms out, and wait for both."""
    late, soon = Clocked(), Clocked()
    pacer.begin()
    start = now_ms()
    pacer.at(start + 600, late)
    await asyncio.sleep(0.02)  # the pacer now sleeps toward the late batch
    pacer.at(start + 100, soon)
    await asyncio.sleep(0.7)
    pacer.end()
    return start, late, soon


def test_a_batch_due_sooner_than_the_pacer_sleeps_wakes_it() -> None:
    start, late, soon = asyncio.run(earlier_after_later(Pacer()))
    assert len(soon.fired) == 1 and len(late.fired) == 1
    assert soon.fired[0] < late.fired[0]  # not held back until the later batch's wake-up
    assert late.fired[0] >= start + 600  # and none goes before it is due
