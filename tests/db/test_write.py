"""Saving finished races: every field lands once, and a repeated record adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.core.record import legacy_race_id
from race.db import bests
from race.db.models import Best
from race.db.models import KeyLog
from race.db.models import Player
from race.db.models import Race
from race.db.models import Rejected
from race.db.models import Result
from race.db.models import Snippet
from race.db.sink import DatabaseSink
from race.db.write import save_race
from race.db.write import unpack_log
from tests.db.records import NOW
from tests.db.records import SNIPPET
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_race_is_saved_with_every_figure(session: Session) -> None:
    rec = record(
        "AAAAAAAAAAAAAAAAAAAAA1",
        [standing(pid(1), "Ada", 71.5), standing(pid(2), "Bo", 40.0, place=2)],
    )
    assert save_race(session, rec, NOW) is True
    session.commit()
    race = session.get_one(Race, "AAAAAAAAAAAAAAAAAAAAA1")
    assert (race.mode, race.language, race.round, race.limit_ms) == ("quick", "python", 1, 120_000)
    assert race.finished_at == NOW and race.started_at == NOW - timedelta(seconds=15)
    snippet = session.get_one(Snippet, race.snippet_id)
    assert snippet.text == SNIPPET["text"] and snippet.slug == "py-short"
    first = session.scalars(select(Result).where(Result.player_id == pid(1))).one()
    assert (first.name, first.place, first.net_wpm, first.raw_wpm) == ("Ada", 1, 71.5, 76.5)
    assert (first.accuracy, first.consistency, first.duration_ms) == (97.5, 80.0, 12_000)
    assert first.completed and not first.flagged and first.reasons == []
    assert first.series == [[50.0, 55.0, 0]] * 3 and first.missed == [["(", 2], ["b", 1]]
    log = session.get_one(KeyLog, first.id)
    assert unpack_log(log) == rec["logs"][pid(1)] and log.size > len(log.data) / 2
    assert session.get_one(Player, pid(2)).name == "Bo"


def test_a_record_an_older_worker_left_is_saved_under_an_opaque_id_once(session: Session) -> None:
    code = "b-_9b-_9b-_9b-_9"
    old = record(f"{code}.3", [standing(pid(1))], code=code, round_=3)  # from before 0004
    assert save_race(session, old, NOW) is True
    assert save_race(session, old, NOW) is False  # a retry, after the id was derived
    (race,) = session.scalars(select(Race)).all()
    assert race.id == legacy_race_id(code, 3) and code not in race.id
    # Saved before the upgrade (which gave it a random id), then retried from the outbox:
    assert save_race(session, record("Z" * 22, [standing(pid(1))], code=code, round_=4), NOW)
    assert save_race(session, record(f"{code}.4", [standing(pid(1))], code=code, round_=4)) is False
    assert count(session, Race) == 2 and count(session, Result) == 2


def test_saving_the_same_race_again_adds_nothing(session: Session) -> None:
    rec = record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1)), standing(pid(2), place=2)])
    assert save_race(session, rec, NOW) is True
    assert save_race(session, rec, NOW) is False
    session.commit()
    assert save_race(session, rec, NOW) is False
    session.commit()
    assert (count(session, Race), count(session, Result), count(session, KeyLog)) == (1, 2, 2)
    assert count(session, Snippet) == 1 and count(session, Player) == 2


def test_snippets_are_versioned_by_their_text(session: Session) -> None:
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1))]), NOW)
    changed = {**SNIPPET, "text": SNIPPET["text"] + "\nprint(3)"}
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(1))], snippet=changed), NOW)
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA3", [standing(pid(1))]), NOW)
    session.commit()
    versions = session.scalars(select(Snippet).order_by(Snippet.id)).all()
    assert [v.slug for v in versions] == ["py-short", "py-short"]
    races = {r.id: r.snippet_id for r in session.scalars(select(Race))}
    assert (
        races["AAAAAAAAAAAAAAAAAAAAA1"]
        == races["AAAAAAAAAAAAAAAAAAAAA3"]
        != races["AAAAAAAAAAAAAAAAAAAAA2"]
    )


def test_only_eligible_results_count_for_bests(session: Session) -> None:
    custom = {**SNIPPET, "id": "custom", "title": "Custom code"}
    save_race(
        session,
        record(
            "AAAAAAAAAAAAAAAAAAAAA1",
            [
                standing(pid(1), wpm=50),
                standing(pid(2), wpm=90, flagged=True, place=3),
                standing(pid(3), wpm=30, completed=False, place=2),
            ],
        ),
        NOW,
    )
    save_race(
        session, record("BBBBBBBBBBBBBBBBBBBBB1", [standing(pid(4), wpm=120)], snippet=custom), NOW
    )
    session.commit()
    holders = set(session.scalars(select(Best.player_id)))
    assert holders == {pid(1)}
    rows = {(b.board, b.period) for b in session.scalars(select(Best))}
    snippet_id = session.scalars(select(Snippet.id).where(Snippet.slug == "py-short")).one()
    assert rows == {
        (board, period)
        for board in ("l:python", f"s:{snippet_id}")
        for period in ("all", "d2026-11-24", "w2026-W48")
    }


def test_a_best_keeps_the_faster_result_then_the_earlier(session: Session) -> None:
    later = NOW + timedelta(hours=1)
    save_race(
        session, record("AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(1), wpm=60)], when=later), NOW
    )
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1), wpm=60)]), NOW)
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA3", [standing(pid(1), wpm=55)]), NOW)
    session.commit()
    best = session.get_one(Best, ("l:python", "all", pid(1)))
    result = session.get_one(Result, best.result_id)
    assert result.race_id == "AAAAAAAAAAAAAAAAAAAAA1" and best.net_wpm == 60


def test_rebuild_gives_the_same_bests_as_the_writes(session: Session) -> None:
    for i in range(12):
        players = [standing(pid(p), wpm=40 + (i * 7 + p * 13) % 50, place=p) for p in range(1, 4)]
        when = NOW - timedelta(days=i % 4, hours=i)
        save_race(session, record(f"AAAAAAAAAAAAAAAAAAAA{i:x}1", players, when=when), NOW)
    session.commit()

    def snapshot() -> set[tuple[object, ...]]:
        return {
            (b.board, b.period, b.player_id, b.result_id, b.net_wpm)
            for b in session.scalars(select(Best))
        }

    before = snapshot()
    assert bests.rebuild(session, NOW, batch=2) == len(before)
    session.commit()
    assert snapshot() == before


def test_old_day_and_week_bests_are_pruned(session: Session) -> None:
    old = NOW - timedelta(days=40)
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1))], when=old), old)
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(2))]), NOW)
    session.commit()
    assert bests.prune(session, NOW) == 4  # pid(1)'s day and week rows on both boards
    session.commit()
    periods = {(b.player_id, b.period) for b in session.scalars(select(Best))}
    assert (pid(1), "all") in periods and all(p == "all" for who, p in periods if who == pid(1))


def test_a_malformed_record_is_set_aside_not_retried(db: Engine) -> None:
    sink = DatabaseSink(db)
    bad = record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1))])
    del bad["standings"][0]["net_wpm"]
    sink.save(bad)  # does not raise: the outbox may drop it
    with Session(db) as session:
        kept = session.get_one(Rejected, "AAAAAAAAAAAAAAAAAAAAA1")
        assert "KeyError" in kept.error and count(session, Race) == 0
