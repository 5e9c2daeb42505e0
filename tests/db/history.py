"""A small saved history the read tests share: three players over three days, Python and Go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from race.db.write import save_race
from tests.db.records import NOW
from tests.db.records import SNIPPET
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing

GO = {**SNIPPET, "id": "go-short", "title": "Short Go", "language": "go", "indent": "tab"}


def seed(session: Session) -> None:
    """Save a small history: three players over three days, python and go."""
    saved = [
        (
            "AAAAAAAAAAAAAAAAAAAAA1",
            NOW - timedelta(days=8),
            [(1, 50.0), (2, 70.0), (3, 65.0)],
            None,
        ),
        ("AAAAAAAAAAAAAAAAAAAAA2", NOW - timedelta(days=1), [(1, 80.0), (2, 60.0)], None),
        ("AAAAAAAAAAAAAAAAAAAAA3", NOW, [(1, 55.0), (3, 75.0)], None),
        ("BBBBBBBBBBBBBBBBBBBBB1", NOW, [(2, 90.0), (3, 40.0)], GO),
    ]
    for race_id, when, players, snippet in saved:
        ordered = sorted(players, key=lambda p: -p[1])
        rows = [
            standing(pid(n), f"Player {n}", wpm, place=i, accuracy=90 + n)
            for i, (n, wpm) in enumerate(ordered, start=1)
        ]
        save_race(session, record(race_id, rows, when=when, snippet=snippet), NOW)
    session.commit()
