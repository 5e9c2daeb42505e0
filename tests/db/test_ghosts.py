"""Picking ghosts (race.db.ghosts) on SQLite and the real PostgreSQL: the best recent
completed, unflagged, listed runs of one snippet version, one per player."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from race.core.snippet import make_snippet
from race.db.engine import make_engine
from race.db.ghosts import RECENT
from race.db.ghosts import DatabaseGhosts
from race.db.ghosts import pick_ghosts
from race.db.write import content_hash
from race.db.write import save_race
from race.ghosts import GhostsUnavailable
from tests.db.records import NOW
from tests.db.records import SNIPPET
from tests.db.records import ms
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing

DIGEST = content_hash(SNIPPET["indent"], SNIPPET["text"])
#: The same snippet as the corpus loads it.
CORPUS_SNIPPET = make_snippet(
    id=SNIPPET["id"],
    title=SNIPPET["title"],
    language=SNIPPET["language"],
    difficulty=SNIPPET["difficulty"],
    indent=SNIPPET["indent"],
    code=SNIPPET["text"],
)


def rid(n: int) -> str:
    return f"GHOSTRACE{n:013d}"


def pick(session: Session, limit: int = 3, exclude: str = "") -> list[tuple[str, str, float]]:
    found = pick_ghosts(
        session, SNIPPET["id"], DIGEST, limit=limit, exclude=exclude, since=NOW - RECENT
    )
    return [(g.race_id, g.name, g.net_wpm) for g in found]


def test_the_fastest_recent_eligible_runs_one_per_player(session: Session) -> None:
    assert pick(session) == []
    save_race(session, record(rid(1), [standing(pid(1), "Ada", 70.0)]), NOW)
    save_race(session, record(rid(2), [standing(pid(1), "Ada", 90.0)]), NOW)  # her best
    save_race(
        session,
        record(
            rid(3),
            [
                standing(pid(2), "Bo", 120.0, flagged=True),
                standing(pid(3), "Cy", 110.0, completed=False, place=2),
                standing(pid(4), "Di", 60.0, place=3),
            ],
        ),
        NOW,
    )
    private = record(rid(4), [standing(pid(5), "Ed", 100.0)], kind="private")
    save_race(session, private, NOW)  # not listed
    old = NOW - RECENT - timedelta(days=1)
    save_race(session, record(rid(5), [standing(pid(6), "Fy", 95.0)], when=old), old)
    edited = {**SNIPPET, "text": SNIPPET["text"] + "\nprint(3)"}
    save_race(session, record(rid(6), [standing(pid(7), "Gil", 99.0)], snippet=edited), NOW)
    session.flush()
    assert pick(session) == [(rid(2), "Ada", 90.0), (rid(3), "Di", 60.0)]
    assert pick(session, limit=1) == [(rid(2), "Ada", 90.0)]
    assert pick(session, exclude=pid(1)) == [(rid(3), "Di", 60.0)]  # never your own run
    custom = pick_ghosts(session, "custom", DIGEST, limit=3, exclude="", since=NOW - RECENT)
    assert custom == []


def test_at_most_the_limit_however_many_players(session: Session) -> None:
    for n in range(8):
        save_race(session, record(rid(10 + n), [standing(pid(10 + n), f"P{n}", 50.0 + n)]), NOW)
    session.flush()
    assert [wpm for _, _, wpm in pick(session)] == [57.0, 56.0, 55.0]


def test_the_source_reads_in_its_own_session(db: Engine) -> None:
    with Session(db) as session:
        save_race(session, record(rid(30), [standing(pid(30), "Ada", 70.0)]), NOW)
        session.commit()
    found = DatabaseGhosts(db).pick(CORPUS_SNIPPET, 3, "", ms(NOW))
    assert [(g.race_id, g.player_id, g.duration_ms) for g in found] == [(rid(30), pid(30), 12_000)]


def test_a_database_that_is_away_is_unavailable() -> None:
    broken = make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(GhostsUnavailable):
        DatabaseGhosts(broken).pick(CORPUS_SNIPPET, 3, "", ms(NOW))
    broken.dispose()
