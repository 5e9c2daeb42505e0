"""A finished race and its keystroke logs, read back."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db import races
from race.db.analyses import Analyses
from race.db.models import KeyLog as KeyLogRow
from race.db.write import save_race
from tests.db.history import GO
from tests.db.history import seed
from tests.db.records import NOW
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def test_race_page_and_keylog(session: Session) -> None:
    seed(session)
    race = races.race(session, "BBBBBBBBBBBBBBBBBBBBB1")
    assert race is not None and race["language"] == "go" and race["mode"] == "quick"
    assert [(s["place"], s["player_id"]) for s in race["standings"]] == [(1, pid(2)), (2, pid(3))]
    assert race["standings"][0]["series"][0] == {"wpm": 50.0, "raw": 55.0, "errors": 0}
    assert race["snippet"]["text"] == GO["text"] and race["snippet"]["indent"] == "tab"
    log = races.keylog(session, "BBBBBBBBBBBBBBBBBBBBB1", pid(2))
    assert log is not None and log[0].startswith('{"v":')
    assert races.keylog(session, "BBBBBBBBBBBBBBBBBBBBB1", pid(1)) is None
    assert races.race(session, "CCCCCCCCCCCCCCCCCCCCC1") is None


def test_a_race_read_with_its_analysis_from_the_stored_logs(session: Session) -> None:
    made = record("DDDDDDDDDDDDDDDDDDDDD1", [standing(pid(1), "Ada"), standing(pid(2), "Bo")])
    header = made["logs"][pid(1)][0]
    # "def add": d, then x where e is expected (a mistake at 1), fixed, e, f.
    keys = [[100, "d"], [200, "x"], [300, "Backspace"], [400, "e"], [500, "f"]]
    made["logs"][pid(1)] = [header, json.dumps({"recv_ms": 600, "keys": keys})]
    del made["logs"][pid(2)]  # a player without a stored log has no analysis
    save_race(session, made, NOW)
    session.commit()
    race = races.race(session, "DDDDDDDDDDDDDDDDDDDDD1")
    assert race is not None and "analysis" not in race["standings"][0]
    cache = Analyses(size=1)
    cache.add(session, race)
    assert race["snippet"]["classes"].startswith("kkkwi")  # def add
    assert len(race["snippet"]["classes"]) == len(race["snippet"]["text"])
    ada, bo = race["standings"]
    assert bo["analysis"] is None
    found = ada["analysis"]
    assert found["classes"] == [
        {
            "class": "keyword",
            "chars": 3,
            "errors": 1,
            "error_rate": 0.25,
            "ms_per_char": 200.0,  # e 300 ms after d (the mistake included), f 100 ms
            "vs_baseline": None,
        }
    ]
    assert found["mistakes"] == [[1, "x", 200]] and found["mistake_count"] == 1
    # read again, the race's analysis comes from the cache (bounded to its size)
    session.delete(session.get_one(KeyLogRow, session.scalars(select(KeyLogRow.result_id)).one()))
    session.commit()
    again = races.race(session, "DDDDDDDDDDDDDDDDDDDDD1")
    assert again is not None
    cache.add(session, again)
    assert again["standings"][0]["analysis"] == found and len(cache) == 1
    fresh = Analyses()
    fresh.add(session, again)
    assert again["standings"][0]["analysis"] is None  # its log is gone
