"""Postgres writes per finished race: statements, transactions and rows, by race size.

Writes N finished race records of P players each through the production sink
(``race.db.sink.DatabaseSink``) into a fresh schema of the local Postgres, counting every
statement SQLAlchemy sends (a cursor-execute listener) and the rows Postgres reports
written (``pg_stat_user_tables``), and the wall time per race. Prints one row per race
size; asserts nothing.

    .venv/bin/python bench/pgwrites.py --races 200 --players 1 2 5
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event
from sqlalchemy import text

from race.db import migrate
from race.db.engine import make_engine
from race.db.sink import DatabaseSink
from tests.db.records import NOW
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing

ROWS = (
    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
    "WHERE schemaname = :schema"
)


def run(url: str, races: int, players: int) -> str:
    """Write ``races`` races of ``players`` each into a fresh schema; return the row."""
    schema = f"bench_w_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, schema=schema)
    try:
        migrate.upgrade(engine)
        sink = DatabaseSink(engine)
        counts = {"statements": 0, "commits": 0}

        def on_execute(*_: Any) -> None:
            counts["statements"] += 1

        def on_commit(*_: Any) -> None:
            counts["commits"] += 1

        event.listen(engine, "before_cursor_execute", on_execute)
        event.listen(engine, "commit", on_commit)
        with admin.connect() as conn:
            rows_before = conn.execute(text(ROWS), {"schema": schema}).scalar_one()
        begin = time.perf_counter()
        for n in range(races):
            standings = [
                standing(pid(n * players + i), f"P{i}", 60.0 + i, place=i + 1)
                for i in range(players)
            ]
            sink.save(
                record(
                    f"R{n:08d}{uuid.uuid4().hex[:14]}", standings, when=NOW + timedelta(seconds=n)
                )
            )
        wall = time.perf_counter() - begin
        engine.dispose()  # a backend reports its table statistics when it ends ...
        time.sleep(1.5)  # ... shortly after
        with admin.connect() as conn:
            rows = conn.execute(text(ROWS), {"schema": schema}).scalar_one() - rows_before
        return (
            f"{players:>7} {races:>5} {counts['statements'] / races:>10.1f} "
            f"{counts['commits'] / races:>7.2f} {rows / races:>8.1f} {wall / races * 1000:>8.2f}"
        )
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    """Print statements, commits, rows and time per race for each race size."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    parser.add_argument("--races", type=int, default=200)
    parser.add_argument("--players", type=int, nargs="+", default=[1, 2, 5])
    args = parser.parse_args()
    print("players races statements commits  rows/race  ms/race  (per finished race)")
    for players in args.players:
        print(run(args.url, args.races, players), flush=True)


if __name__ == "__main__":
    main()
