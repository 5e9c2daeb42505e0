"""Under eventlet, a slow Postgres query must not freeze the other greenlets of a worker."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from race.db.engine import make_engine
from tests.services import POSTGRES_URL
from tests.services import unavailable

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def probe(*flags: str) -> dict[str, Any]:
    """Run tests/db/green_probe.py in a fresh interpreter; return its figures."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        unavailable("PostgreSQL", exc)
    finally:
        engine.dispose()
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.db.green_probe", *flags],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


@pytest.mark.parametrize("flags", [(), ("--raw",)])
def test_pg_sleep_leaves_the_other_greenlets_ticking(flags: tuple[str, ...]) -> None:
    figures = probe(*flags)
    assert figures["query_s"] >= 1.0
    assert figures["max_gap_ms"] < 100, figures  # a 10 ms tick; a freeze would be ~1000 ms
    assert figures["ticks"] >= 80


def test_the_probe_sees_a_freeze_when_the_driver_blocks() -> None:
    figures = probe("--unpatched-driver")
    assert figures["max_gap_ms"] > 900, figures
