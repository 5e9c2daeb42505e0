"""Migration 0004 on a database at 0003 holding old ``<room code>.<round>`` race ids:
every id becomes random, every reference follows, nothing else changes. Runs against
SQLite and the real PostgreSQL (``blank``)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from race.core.record import RACE_ID
from race.db import migrate

WHEN = datetime(2026, 11, 24, 12, 0)
CODES = ["AAAAAAAAAAAAAAAA", "b-_9b-_9b-_9b-_9", "CcCcCcCcCcCcCcCc"]
#: Each result with its race and its keylog.
LINKS = (
    "SELECT r.id, r.race_id, k.lines FROM results r"
    " JOIN keylogs k ON k.result_id = r.id ORDER BY r.id"
)
MODES = ["quick", "practice", "private", "private"]
#: (board, period, player, result) rows; results 21, 23 and 31 are in private races.
BESTS = [
    ("l:python", "all", 1, 12),
    ("l:python", "all", 0, 31),
    ("l:python", "d2026-11-24", 0, 31),
    ("s:1", "w2026-W48", 2, 23),
]
OLD = [f"{CODES[0]}.1", f"{CODES[0]}.2", f"{CODES[1]}.1", f"{CODES[2]}.7"]


def _tables(engine: Engine) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    meta.reflect(engine)
    return dict(meta.tables)


def _seed(engine: Engine) -> None:
    """Write races with old ids as 0003's code did: results, keylogs, bests, rejected."""
    t = _tables(engine)
    with engine.begin() as c:
        c.execute(
            t["players"].insert(),
            [{"id": f"p{n:016x}", "name": f"P{n}", "created_at": WHEN} for n in range(3)],
        )
        c.execute(
            t["snippets"].insert(),
            {
                "id": 1,
                "slug": "py",
                "content_hash": "h" * 64,
                "title": "T",
                "language": "python",
                "difficulty": "easy",
                "indent": "spaces:4",
                "text": "x = 1",
                "created_at": WHEN,
            },
        )
        for i, race_id in enumerate(OLD):
            code, _, rnd = race_id.partition(".")
            c.execute(
                t["races"].insert(),
                {
                    "id": race_id,
                    "code": code,
                    "round": int(rnd),
                    "mode": MODES[i],
                    "language": "python",
                    "snippet_id": 1,
                    "rules": {},
                    "limit_ms": 60_000,
                    "started_at": WHEN,
                    "finished_at": WHEN,
                },
            )
            for n in range(i % 3 + 1):  # 1, 2, 3, 1 results
                rid = 10 * i + n + 1
                c.execute(
                    t["results"].insert(),
                    {
                        "id": rid,
                        "race_id": race_id,
                        "player_id": f"p{n:016x}",
                        "name": f"P{n}",
                        "place": n + 1,
                        "net_wpm": 50.0 + rid,
                        "raw_wpm": 60.0,
                        "accuracy": 99.0,
                        "consistency": 80.0,
                        "progress": 1.0,
                        "duration_ms": 9_000,
                        "completed": True,
                        "flagged": False,
                        "reasons": [],
                        "series": [],
                        "missed": [],
                        "language": "python",
                        "snippet_id": 1,
                        "finished_at": WHEN,
                    },
                )
                c.execute(
                    t["keylogs"].insert(),
                    {
                        "result_id": rid,
                        "codec": "zlib",
                        "data": bytes([rid]),
                        "lines": rid,
                        "size": 1,
                    },
                )
        c.execute(
            t["bests"].insert(),
            [
                {"board": b, "period": at, "player_id": f"p{n:016x}", "result_id": rid,
                 "net_wpm": 50.0 + rid, "finished_at": WHEN}
                for b, at, n, rid in BESTS
            ],
        )  # fmt: skip
        c.execute(
            t["rejected"].insert(),
            [
                {
                    "race_id": OLD[1],
                    "payload": json.dumps({"race_id": OLD[1]}),
                    "error": "x",
                    "created_at": WHEN,
                },
                {"race_id": f"{CODES[1]}.9", "payload": "{}", "error": "y", "created_at": WHEN},
                {"race_id": "?", "payload": "{}", "error": "z", "created_at": WHEN},
            ],
        )


def _rows(engine: Engine, query: str) -> list[Any]:
    with engine.connect() as c:
        return list(c.execute(sa.text(query)))


def test_upgrade_gives_every_race_a_random_id_and_keeps_references(
    blank: Callable[[], Engine],
) -> None:
    engine = blank()
    migrate.upgrade(engine, "0003")
    _seed(engine)
    before = _rows(engine, LINKS)
    migrate.upgrade(engine, "0004")

    races = _rows(engine, "SELECT id, code, round FROM races")
    assert sorted(f"{code}.{rnd}" for _, code, rnd in races) == sorted(OLD)
    new = {f"{code}.{rnd}": rid for rid, code, rnd in races}
    assert all(RACE_ID.match(rid) for rid in new.values())
    assert len(set(new.values())) == len(OLD)
    assert not any(code in rid or rid in OLD for rid in new.values() for code in CODES)
    after = _rows(engine, LINKS)
    # Each result (same key, same keylog) now points at its race's new id.
    assert [(rid, new[old], lines) for rid, old, lines in before] == [tuple(row) for row in after]
    # Private races no longer hold bests: each place goes to the best public result there.
    bests = _rows(engine, "SELECT board, period, player_id, result_id, net_wpm FROM bests")
    assert sorted(tuple(b) for b in bests) == [
        ("l:python", "all", "p" + "0" * 16, 11, 61.0),
        ("l:python", "all", "p" + "1".zfill(16), 12, 62.0),
        ("l:python", "d2026-11-24", "p" + "0" * 16, 11, 61.0),
    ]
    public = _rows(
        engine, "SELECT r.mode, r.public, s.public FROM races r JOIN results s ON s.race_id = r.id"
    )
    assert {(mode, bool(a), bool(b)) for mode, a, b in public} == {
        ("quick", True, True),
        ("practice", True, True),
        ("private", False, False),
    }
    rejected = {rid for (rid,) in _rows(engine, "SELECT race_id FROM rejected")}
    assert new[OLD[1]] in rejected and "?" in rejected and len(rejected) == 3
    assert not any(code in rid for rid in rejected for code in CODES)
    assert {t for (t,) in _rows(engine, "SELECT race_id FROM results")} <= set(new.values())
    migrate.upgrade(engine)  # and on to the head, and back: the random ids stay
    migrate.downgrade(engine, "0003")
    assert {rid for (rid,) in _rows(engine, "SELECT id FROM races")} == set(new.values())
    assert len(_rows(engine, LINKS)) == len(before)


def _migration() -> ModuleType:
    path = Path(migrate.MIGRATIONS) / "versions" / "r0004_opaque_ids.py"
    spec = importlib.util.spec_from_file_location("r0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ids_are_read_page_by_page(blank: Callable[[], Engine]) -> None:
    engine = blank()
    migrate.upgrade(engine, "0003")
    _seed(engine)
    query = "SELECT id FROM races WHERE id > :after ORDER BY id LIMIT :page"
    with engine.connect() as c:
        got = list(_migration().pages(c, query, page=3))
    assert [len(page) for page in got] == [3, 1]
    assert sorted(i for page in got for i in page) == sorted(OLD)
