"""How long a call to a peer that accepts TCP and never answers takes to fail.

For each async worker (eventlet, gevent) and service (Postgres, Redis): a new connection
to a black hole, and a statement on a connection that then stops answering, timed in a
fresh interpreter (``tests/faults/hang_probe.py``) with the bounds as configured, beside a
10 ms ticker whose worst gap shows whether the hub kept running. The ``before`` rows put
back the Postgres wait callback that ran before ``race.db.green`` (eventlet's, with no
deadline; under gevent none, a blocking driver); a call still waiting after ``--limit``
seconds is shown as such. Needs the real Postgres and Redis; prints, asserts nothing.

    .venv/bin/python bench/hangs.py [--limit 30]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.test_hangs import holes
from tests.faults.test_hangs import probe

TARGETS = {"postgres": ("127.0.0.1", 5432), "redis": ("127.0.0.1", 6379)}
CASES = [
    ("postgres", "eventlet", "before"),
    ("postgres", "gevent", "before"),
    ("postgres", "eventlet", "now"),
    ("postgres", "gevent", "now"),
    ("redis", "eventlet", "now"),
    ("redis", "gevent", "now"),
]


def main() -> None:
    """Run every case; print one table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=30.0)
    limit = parser.parse_args().limit
    print("| service | worker | code | step | fails after | error | worst tick gap |")
    print("|---|---|---|---|---|---|---|")
    for service, worker, code in CASES:
        flags = ("--old-callback",) if code == "before" else ()
        with holes(TARGETS[service]) as (hole, proxy):
            rows = {r["step"]: r for r in probe(worker, service, hole, proxy, *flags, limit=limit)}
        for step in ("connect", "statement"):
            row = rows.get(step)
            if row is None:
                what = "still waiting (stopped)"
                if step == "statement" and "connect" not in rows:
                    what = "not reached: the connect still waits"
                print(f"| {service} | {worker} | {code} | {step} | > {limit:g} s | {what} | |")
                continue
            error = row["error"].split(":")[0].rsplit(".", 1)[-1]
            print(
                f"| {service} | {worker} | {code} | {step} | {row['s']:.2f} s | {error} "
                f"| {row['max_gap_ms']:.0f} ms |"
            )


if __name__ == "__main__":
    main()
