"""A stored result whose rhythm copies another's is flagged and kept off the boards."""

from __future__ import annotations

import base64
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from race.core.replay import pack
from race.db.models import Best
from race.db.models import Result
from race.db.write import REPLAYED
from race.db.write import save_race
from tests.db.records import NOW
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def signature(seed: int, n: int = 120) -> list[int]:
    """Return a human-like run of key intervals."""
    rng = random.Random(seed)
    return [max(15, round(rng.lognormvariate(4.7, 0.5))) for _ in range(n)]


def with_rhythms(rec: dict, rhythms: dict[str, list[int]]) -> dict:
    """Attach rhythm signatures to a record, as race.core.record.record does."""
    rec["rhythms"] = {p: base64.b64encode(pack(sig)).decode() for p, sig in rhythms.items()}
    return rec


def test_a_replayed_log_is_flagged_and_off_the_boards(session: Session) -> None:
    original = signature(1)
    save_race(
        session,
        with_rhythms(record("A" * 21 + "1", [standing(pid(1), "Ada", 90.0)]), {pid(1): original}),
        NOW,
    )
    replay = [v + random.Random(2).randint(-1, 1) for v in original[1:]]  # jittered, one key late
    later = record(
        "B" * 21 + "1", [standing(pid(2), "Copy", 91.0), standing(pid(3), "Own", 50.0, place=2)]
    )
    save_race(session, with_rhythms(later, {pid(2): replay, pid(3): signature(3)}), NOW)
    session.commit()
    copy = session.scalars(select(Result).where(Result.player_id == pid(2))).one()
    own = session.scalars(select(Result).where(Result.player_id == pid(3))).one()
    assert copy.flagged and REPLAYED in copy.reasons
    assert not own.flagged and own.reasons == []
    assert session.scalars(select(Best.player_id).where(Best.player_id == pid(2))).all() == []
    assert session.scalars(select(Best.player_id).where(Best.player_id == pid(3))).all() != []
    original_row = session.scalars(select(Result).where(Result.player_id == pid(1))).one()
    assert not original_row.flagged and original_row.rhythm == pack(original)


def test_two_racers_with_one_rhythm_in_a_race_are_both_flagged(session: Session) -> None:
    bot = signature(7)
    rec = record(
        "C" * 21 + "1",
        [standing(pid(4), "Bot A", 120.0), standing(pid(5), "Bot B", 119.0, place=2)],
    )
    save_race(session, with_rhythms(rec, {pid(4): bot, pid(5): bot}), NOW)
    session.commit()
    rows = session.scalars(select(Result).where(Result.race_id == "C" * 21 + "1")).all()
    assert all(r.flagged and REPLAYED in r.reasons for r in rows)
