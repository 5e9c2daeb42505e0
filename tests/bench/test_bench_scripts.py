"""The benchmark scripts still run (tiny sizes; the figures themselves are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    """Run a bench script and return what it printed."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_scorer_bench_prints_keys_per_second() -> None:
    out = run("bench/scorer.py", "--quick")
    assert "keys/s" in out


@pytest.mark.integration
def test_load_bench_plays_a_small_race() -> None:
    out = run("bench/load.py", "--workers", "1", "--racers", "10", "--seconds", "3", "--procs", "1")
    lines = out.strip().splitlines()
    assert lines[-1].split()[:3] == ["1", "10", "10"], out  # workers, wanted, racers seated


@pytest.mark.integration
def test_abuse_bench_prints_the_end_of_an_abused_race() -> None:
    out = run("bench/abuse.py", "--seconds", "15", "--uncapped-s", "1")
    assert "conclude" in out and "keys stored" in out, out


@pytest.mark.integration
def test_foreign_bench_prints_both_fan_out_modes() -> None:
    out = run("bench/foreign.py", "--foreign", "0", "100", "--racers", "5", "--seconds", "3")
    modes = [line.split()[0] for line in out.strip().splitlines()[2:]]
    assert modes == ["channel", "rooms", "channel", "rooms"], out
