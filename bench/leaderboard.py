"""Time the leaderboard, profile and race queries on a seeded database (no assertions).

    .venv/bin/python bench/seed_results.py      # once: 1,000,000 results
    .venv/bin/python bench/leaderboard.py [--url URL] [--schema bench] [--runs 300]

Each query runs ``--runs`` times on random boards, players and races, each in a fresh
session (as a request would), and the script prints p50, p99 and max in milliseconds.
Target: p99 under 50 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seed_results import DEFAULT_URL
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.core.snippet import LANGUAGES
from race.db import leaderboards
from race.db import profiles
from race.db import races
from race.db.bests import language_board
from race.db.bests import period_key
from race.db.bests import snippet_board
from race.db.engine import make_engine
from race.db.models import Best
from race.db.models import Race
from race.db.models import Result
from race.db.models import Snippet


def sample(session: Session, rng: random.Random) -> dict[str, Any]:
    """Pick the players, races, snippets and board holders the queries will ask about."""
    players = session.scalars(select(Result.player_id).distinct().limit(5000)).all()
    races = session.scalars(select(Race.id).order_by(func.random()).limit(500)).all()
    snippets = session.scalars(select(Snippet.id)).all()
    holders: dict[tuple[str, str], list[str]] = {}
    now = datetime.now(UTC)
    for period in ("today", "week", "all"):
        key = period_key(period, now)
        for language in LANGUAGES:
            board = language_board(language)
            found = session.scalars(
                select(Best.player_id)
                .where(Best.board == board, Best.period == key)
                .order_by(func.random())
                .limit(50)
            ).all()
            holders[(board, key)] = list(found)
    busiest = session.scalars(
        select(Result.player_id).group_by(Result.player_id).order_by(func.count().desc()).limit(10)
    ).all()
    return {
        "players": players,
        "busiest": busiest,
        "races": races,
        "snippets": snippets,
        "holders": holders,
    }


def timed(make: Callable[[], Session], runs: int, call: Callable[[Session], Any]) -> list[float]:
    """Run ``call`` in a fresh session ``runs`` times; return the times in ms."""
    out = []
    for _ in range(runs):
        with make() as session:
            began = time.perf_counter()
            call(session)
            out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> None:
    """Run every query and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--schema", default="bench")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    engine = make_engine(args.url, schema=args.schema if args.url.startswith("postgres") else None)
    rng = random.Random(1)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(Result)) or 0
        bests = session.scalar(select(func.count()).select_from(Best)) or 0
        picked = sample(session, rng)
    if not total:
        sys.exit("no results: run bench/seed_results.py first")
    now = datetime.now(UTC)

    def board(period: str, with_you: bool) -> Callable[[Session], Any]:
        def run(session: Session) -> Any:
            language = rng.choice(LANGUAGES)
            key = period_key(period, now)
            holders = picked["holders"].get((language_board(language), key)) or [None]
            you = rng.choice(holders) if with_you else None
            return leaderboards.leaderboard(session, language_board(language), key, 50, you)

        return run

    def snippet(period: str) -> Callable[[Session], Any]:
        def run(session: Session) -> Any:
            key = period_key(period, now)
            player = rng.choice(picked["players"])
            board_key = snippet_board(rng.choice(picked["snippets"]))
            return leaderboards.leaderboard(session, board_key, key, 50, player)

        return run

    cases: list[tuple[str, Callable[[Session], Any]]] = [
        ("leaderboard language, all time, top 50", board("all", False)),
        ("leaderboard language, all time, top 50 + your rank", board("all", True)),
        ("leaderboard language, this week + your rank", board("week", True)),
        ("leaderboard language, today + your rank", board("today", True)),
        ("leaderboard snippet, all time + your rank", snippet("all")),
        ("leaderboard snippet, this week + your rank", snippet("week")),
        ("snippet boards list", leaderboards.snippet_boards),
        ("player profile", lambda s: profiles.profile(s, rng.choice(picked["players"]), now)),
        (
            "player profile, 10 busiest (12,000-30,000 races)",
            lambda s: profiles.profile(s, rng.choice(picked["busiest"]), now),
        ),
        ("race page", lambda s: races.race(s, rng.choice(picked["races"]))),
    ]
    where = engine.url.render_as_string(hide_password=True)
    print(f"{where} (schema {args.schema}): {total:,} results, {bests:,} bests rows")
    print(f"{'query':<52} {'runs':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, call in cases:
        timed(engine_sessions(engine), 5, call)  # warm up
        times = sorted(timed(engine_sessions(engine), args.runs, call))
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        median = statistics.median(times)
        print(f"{name:<52} {len(times):>5} {median:>8.2f} {p99:>8.2f} {times[-1]:>8.2f}")


def engine_sessions(engine: Any) -> Callable[[], Session]:
    """Return a session factory on the engine."""
    return lambda: Session(engine)


if __name__ == "__main__":
    main()
