"""A player profile read back from saved races."""

from __future__ import annotations

from sqlalchemy.orm import Session

from race.db import profiles
from tests.db.history import seed
from tests.db.records import NOW
from tests.db.records import pid


def test_profile(session: Session) -> None:
    seed(session)
    found = profiles.profile(session, pid(1), NOW)
    assert found is not None and found["name"] == "Player 1" and not found["registered"]
    assert [r["race_id"] for r in found["recent"]] == [
        "AAAAAAAAAAAAAAAAAAAAA3",
        "AAAAAAAAAAAAAAAAAAAAA2",
        "AAAAAAAAAAAAAAAAAAAAA1",
    ]
    assert found["recent"][0]["mode"] == "quick" and found["recent"][0]["title"] == "Short Python"
    assert [(b["language"], b["net_wpm"]) for b in found["bests"]["languages"]] == [
        ("python", 80.0)
    ]
    assert [b["snippet"] for b in found["bests"]["snippets"]] == ["py-short"]
    averages = found["averages"]
    assert averages["all"] == {"races": 3, "net_wpm": 61.67, "accuracy": 91.0}
    assert averages["today"]["races"] == 1 and averages["today"]["net_wpm"] == 55.0
    assert averages["last10"]["races"] == 3
    assert [p["net_wpm"] for p in found["accuracy_trend"]] == [50.0, 80.0, 55.0]
    assert profiles.profile(session, pid(99), NOW) is None
