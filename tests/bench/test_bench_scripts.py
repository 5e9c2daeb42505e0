"""The benchmark scripts still run (tiny sizes; the figures themselves are not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import POSTGRES_URL
from tests.services import REDIS_URL

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


def test_analysis_bench_prints_the_cost_per_race() -> None:
    out = run("bench/analysis.py", "--quick")
    assert "analysis fold only" in out and "eventlet" in out and " ms" in out


def small_race(client: str) -> list[str]:
    """Run bench/load.py with 10 racers on one worker and return its last row's columns;
    check that it measured a glass-to-glass delay and saw the period the worker told."""
    out = run(
        "bench/load.py",
        *("--workers", "1", "--racers", "10", "--seconds", "3", "--procs", "1"),
        *("--client", client, "--redis", REDIS_URL),
    )
    line = out.strip().splitlines()[-1]
    glass, every = line.split("|")[4:6]  # g2g ms p50 p99, every ms
    assert all(x.isdigit() for x in glass.split()), line
    assert every.strip().split("-")[0].isdigit(), line
    return line.split()


@pytest.mark.integration
def test_load_bench_plays_a_small_race() -> None:
    cols = small_race("socketio")
    assert cols[:3] == ["1", "10", "10"], cols  # workers, wanted, racers seated


@pytest.mark.integration
def test_raw_load_generator_plays_a_small_race() -> None:
    cols = small_race("raw")
    assert cols[:3] == ["1", "10", "10"], cols
    assert cols[5] == "100.0%", cols  # every tick of the typing was delivered


@pytest.mark.integration
def test_abuse_bench_prints_the_end_of_an_abused_race() -> None:
    out = run("bench/abuse.py", "--seconds", "15", "--uncapped-s", "1")
    assert "conclude" in out and "keys stored" in out, out


@pytest.mark.integration
def test_foreign_bench_prints_both_fan_out_modes() -> None:
    out = run("bench/foreign.py", "--foreign", "0", "100", "--racers", "5", "--seconds", "3")
    modes = [line.split()[0] for line in out.strip().splitlines()[2:]]
    assert modes == ["channel", "rooms", "channel", "rooms"], out


@pytest.mark.integration
def test_postgres_writes_bench_prints_a_row_per_race_size() -> None:
    out = run("bench/pgwrites.py", "--url", POSTGRES_URL, "--races", "3", "--players", "2")
    assert out.strip().splitlines()[-1].split()[:2] == ["2", "3"], out
