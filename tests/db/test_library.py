"""The snippet library's best times (race.db.library) on SQLite and the real PostgreSQL."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from race.db.library import best_times
from race.db.models import Result
from race.db.write import content_hash
from race.db.write import save_race
from tests.db.records import NOW
from tests.db.records import SNIPPET
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def test_best_time_is_the_fastest_eligible_finish_of_the_version(session: Session) -> None:
    assert best_times(session) == {}
    runs = [
        standing(pid(1), "Ada", 70.0),
        standing(pid(2), "Bo", 95.0, flagged=True),
        standing(pid(3), "Cy", 80.0, completed=False),
    ]
    save_race(session, record("CCCCCCCCCCCCCCCCCCCCC1", runs), NOW)
    save_race(session, record("CCCCCCCCCCCCCCCCCCCCC2", [standing(pid(4), "Di", 64.0)]), NOW)
    times = {pid(1): 14_000, pid(2): 2_000, pid(3): 5_000, pid(4): 11_500}
    for player, ms in times.items():
        session.execute(update(Result).where(Result.player_id == player).values(duration_ms=ms))
    custom = {**SNIPPET, "id": "custom", "text": "x = 1\ny = 2\nz = 3"}
    fast = [standing(pid(5), "Ed", 150.0)]
    save_race(session, record("CCCCCCCCCCCCCCCCCCCCC3", fast, snippet=custom), NOW)
    session.flush()
    found = best_times(session)
    key = (SNIPPET["id"], content_hash(SNIPPET["indent"], SNIPPET["text"]))
    assert set(found) == {key}  # pasted code has no library entry
    assert found[key].duration_ms == 11_500 and found[key].net_wpm == 70.0
