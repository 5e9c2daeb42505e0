"""Seed a results database with a realistic history (default 1,000,000 results) for benches.

    .venv/bin/python bench/seed_results.py [--url URL] [--schema bench] [--results N] [--reset]

PostgreSQL (default: the local test database, in its own schema ``bench``) is loaded with
COPY; SQLite with batched inserts. Players' activity is skewed (a few race a lot), races
have 1-5 players, 2 % of results are flagged and 8 % unfinished, and the history spans a
year with a busier recent week. The leaderboards' bests are computed here with the same
rules the writes use (race.db.bests). Seeding is skipped when the database already holds
that many results (``--reset`` starts over).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from race.core.names import guest_name
from race.core.rules import Rules
from race.corpus import builtin
from race.db import bests
from race.db import migrate
from race.db.engine import make_engine
from race.db.models import Base
from race.db.models import Best
from race.db.models import Result
from race.db.write import snippet_version

DEFAULT_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
MODES = ("quick", "quick", "quick", "private", "practice")
RESULT_COLUMNS = [
    "id",
    "race_id",
    "player_id",
    "name",
    "place",
    "net_wpm",
    "raw_wpm",
    "accuracy",
    "consistency",
    "progress",
    "duration_ms",
    "completed",
    "flagged",
    "reasons",
    "series",
    "missed",
    "language",
    "snippet_id",
    "finished_at",
    "public",
]
RACE_COLUMNS = [
    "id",
    "code",
    "round",
    "mode",
    "language",
    "snippet_id",
    "rules",
    "limit_ms",
    "started_at",
    "finished_at",
    "public",
]


def connect(url: str, schema: str | None) -> Engine:
    """Return a migrated engine (creating the Postgres schema if needed)."""
    if url.startswith("postgresql") and schema:
        admin = make_engine(url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        admin.dispose()
    engine = make_engine(url, schema=schema if url.startswith("postgresql") else None)
    migrate.upgrade(engine)
    return engine


def history(
    n_results: int, n_players: int, days: int, now: datetime, seed: int
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Yield (race, results) until ``n_results`` results are made."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) ** 0.8 for i in range(n_players)]
    skill = [rng.gauss(65, 18) for _ in range(n_players)]
    made = race_no = 0
    while made < n_results:
        race_no += 1
        size = min(rng.choice((1, 2, 2, 3, 3, 4, 5)), n_results - made)
        players = set(rng.choices(range(n_players), weights, k=size))
        roll = rng.random()
        back = rng.uniform(0, 1) if roll < 0.05 else rng.uniform(1, 7) if roll < 0.2 else None
        ago = timedelta(days=back if back is not None else rng.uniform(7, days))
        finished = now - ago
        race = {"no": race_no, "finished_at": finished, "mode": rng.choice(MODES)}
        rows = []
        for p in players:
            wpm = max(5.0, rng.gauss(skill[p], 8))
            completed = rng.random() > 0.08
            rows.append(
                {
                    "player": p,
                    "net_wpm": round(wpm if completed else wpm * 0.6, 2),
                    "accuracy": round(min(100.0, rng.gauss(95, 3)), 2),
                    "completed": completed,
                    "flagged": rng.random() < 0.02,
                    "duration_ms": rng.randint(15_000, 90_000),
                }
            )
        rows.sort(key=lambda r: (r["flagged"], not r["completed"], -r["net_wpm"]))
        made += len(rows)
        yield race, rows


def seed(engine: Engine, n_results: int, n_players: int, days: int, rng_seed: int) -> None:
    """Fill the database."""
    now = datetime.now(UTC)
    corpus = list(builtin())
    with Session(engine) as session, session.begin():
        snippet_ids = [snippet_version(session, {**vars_of(s), "id": s.id}, now) for s in corpus]
    rng = random.Random(rng_seed + 1)
    players = {i: (f"p{i + 1:016x}", guest_name(i, i * 7, i)) for i in range(n_players)}
    rules = json.dumps(Rules().to_dict())
    series = json.dumps([[round(60 + i * 0.5, 1), 62.0, i % 2] for i in range(12)])
    missed = json.dumps([["(", 2], ["_", 1]])
    flagged, clean = json.dumps(["too_fast"]), json.dumps([])
    kept: dict[tuple[str, str, str], tuple[int, float, datetime]] = {}
    races_buf: list[list[Any]] = []
    results_buf: list[list[Any]] = []
    result_id = 0
    began = time.perf_counter()
    with Session(engine) as session:
        table = Base.metadata.tables["players"]
        session.execute(
            table.insert(),
            [
                {"id": pid, "name": name, "created_at": now - timedelta(days=days)}
                for pid, name in players.values()
            ],
        )
        session.commit()
    for race, rows in history(n_results, n_players, days, now, rng_seed):
        pick = rng.randrange(len(corpus))
        snippet, snippet_id = corpus[pick], snippet_ids[pick]
        race_id = f"{race['no']:022x}"  # shaped like a random race id
        finished = race["finished_at"]
        public = race["mode"] != "private"  # no host opted in
        races_buf.append(
            [race_id, f"{race['no']:016x}", 1, race["mode"], snippet.language, snippet_id,
             rules, 120_000, finished - timedelta(seconds=60), finished, public]
        )  # fmt: skip
        for place, row in enumerate(rows, start=1):
            result_id += 1
            pid, name = players[row["player"]]
            wpm = row["net_wpm"]
            results_buf.append(
                [result_id, race_id, pid, name, place, wpm, round(wpm * 1.08, 2),
                 row["accuracy"], 75.0, 1.0 if row["completed"] else 0.6, row["duration_ms"],
                 row["completed"], row["flagged"], flagged if row["flagged"] else clean,
                 series, missed, snippet.language, snippet_id, finished, public]
            )  # fmt: skip
            if bests.eligible(row["completed"], row["flagged"], snippet.id, public):
                for board, period in bests.keys_for(snippet.language, snippet_id, finished):
                    if not bests.kept(period, now):
                        continue
                    held = kept.get((board, period, pid))
                    if held is None or bests.better((wpm, finished), held[1:]):
                        kept[(board, period, pid)] = (result_id, wpm, finished)
        if len(results_buf) >= 100_000:
            load(engine, races_buf, results_buf)
            print(f"  {result_id:,} results ({time.perf_counter() - began:.0f} s)", flush=True)
    load(engine, races_buf, results_buf)
    best_rows = [
        [board, period, pid, rid, wpm, at] for (board, period, pid), (rid, wpm, at) in kept.items()
    ]
    columns = ["board", "period", "player_id", "result_id", "net_wpm", "finished_at"]
    copy(engine, "bests", columns, best_rows)  # last, in one transaction: seeded iff present
    print(f"  {len(best_rows):,} bests ({time.perf_counter() - began:.0f} s)", flush=True)


def vars_of(snippet: Any) -> dict[str, Any]:
    """Return a corpus snippet as the record's snippet dict."""
    return {k: getattr(snippet, k) for k in ("title", "language", "difficulty", "indent", "text")}


def load(engine: Engine, races: list[list[Any]], results: list[list[Any]]) -> None:
    """Write buffered races and results, then empty the buffers."""
    copy(engine, "races", RACE_COLUMNS, races)
    copy(engine, "results", RESULT_COLUMNS, results)
    races.clear()
    results.clear()


def copy(engine: Engine, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Bulk-load rows: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SET statement_timeout = 0")  # bulk loads take longer than a query
            for start in range(0, len(rows), 100_000):
                buf = io.StringIO()
                writer = csv.writer(buf)
                for row in rows[start : start + 100_000]:
                    writer.writerow([v.isoformat() if isinstance(v, datetime) else v for v in row])
                buf.seek(0)
                cursor.copy_expert(  # type: ignore[attr-defined]
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buf
                )
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [
                    [v.replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v
                     for v in row]
                    for row in rows
                ],
            )  # fmt: skip
        raw.commit()
    finally:
        raw.close()


def main() -> None:
    """Parse the arguments and seed (or say it is already seeded)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="bench", help="Postgres schema (default: bench)")
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--players", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reset", action="store_true", help="empty the tables first")
    args = parser.parse_args()
    engine = connect(args.url, args.schema)
    with Session(engine) as session:
        have = session.scalar(select(func.count()).select_from(Result)) or 0
        ranked = session.scalar(select(func.count()).select_from(Best)) or 0
    where = engine.url.render_as_string(hide_password=True)
    if have == args.results and ranked and not args.reset:
        print(f"{where} (schema {args.schema}): already {have:,} results; --reset to reseed")
        return
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            c.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                c.execute(table.delete())
    print(f"seeding {args.results:,} results for {args.players:,} players into {where}")
    began = time.perf_counter()
    seed(engine, args.results, args.players, args.days, args.seed)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    print(f"done in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
