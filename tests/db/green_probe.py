"""Measure whether a slow Postgres query freezes other greenlets under eventlet.

Run as a script in a fresh interpreter (monkey patching must come first):

    .venv/bin/python -m tests.db.green_probe [--unpatched-driver] [--raw]

One greenlet runs ``SELECT pg_sleep(1)`` through the app's engine (``make_engine``; with
``--raw``, a bare psycopg2 connection) while another ticks every 10 ms; prints one JSON
line: the largest gap between ticks, the 99th percentile, and how long the query took.
``--unpatched-driver`` leaves psycopg2 blocking, the control that shows a freeze.
"""

import sys

import eventlet

eventlet.monkey_patch(psycopg="--unpatched-driver" not in sys.argv)

import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import psycopg2  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from race.db.engine import make_engine  # noqa: E402

URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
TICK_S = 0.01
BLOCKING = "--unpatched-driver" in sys.argv
ENGINE = make_engine(URL)


def slow_query(raw: bool) -> float:
    """Run ``pg_sleep(1)``; return how long it took (s)."""
    began = time.perf_counter()
    if raw:  # a new connection each time
        url = make_url(URL)
        conn = psycopg2.connect(
            host=url.host, port=url.port or 5432, user=url.username, dbname=url.database
        )
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        conn.close()
    else:  # a pooled connection, as the app's
        with ENGINE.connect() as connection:
            connection.execute(text("SELECT pg_sleep(1)"))
    return time.perf_counter() - began


def main() -> None:
    """Tick while the query runs; print the figures."""
    stamps: list[float] = []
    done = False

    def ticker() -> None:
        while not done:
            stamps.append(time.perf_counter())
            eventlet.sleep(TICK_S)

    with ENGINE.connect() as connection:  # a warm pool, as in a running worker
        connection.execute(text("SELECT 1"))
    tick = eventlet.spawn(ticker)
    eventlet.sleep(0.1)
    query = eventlet.spawn(slow_query, "--raw" in sys.argv)
    took = query.wait()
    eventlet.sleep(0.05)
    done = True
    tick.wait()
    gaps = sorted(1000 * (b - a) for a, b in itertools.pairwise(stamps))
    print(
        json.dumps(
            {
                "driver": "psycopg2 "
                + ("blocking" if "--unpatched-driver" in sys.argv else "green"),
                "via": "psycopg2.connect" if "--raw" in sys.argv else "race.db.engine.make_engine",
                "ticks": len(stamps),
                "max_gap_ms": round(gaps[-1], 1),
                "p99_gap_ms": round(gaps[int(len(gaps) * 0.99)], 1),
                "query_s": round(took, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
