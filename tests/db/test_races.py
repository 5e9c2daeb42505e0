"""A finished race and its keystroke logs, read back."""

from __future__ import annotations

from sqlalchemy.orm import Session

from race.db import races
from tests.db.history import GO
from tests.db.history import seed
from tests.db.records import pid


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
