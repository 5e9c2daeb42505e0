"""Leaderboards read back from saved races: bests, periods, ranks, and which boards exist."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from race.corpus import builtin
from race.db import leaderboards
from race.db import profiles
from race.db.bests import language_board
from race.db.bests import period_key
from race.db.bests import snippet_board
from race.db.models import Snippet
from race.db.write import save_race
from race.db.write import sync_corpus
from tests.db.history import seed
from tests.db.records import NOW
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def ranks(board: dict[str, object]) -> list[tuple[int, str, float]]:
    return [(r["rank"], r["player_id"], r["net_wpm"]) for r in board["top"]]  # type: ignore[attr-defined]


def test_all_time_board_is_each_players_best(session: Session) -> None:
    seed(session)
    board = leaderboards.leaderboard(session, language_board("python"), "all")
    assert ranks(board) == [(1, pid(1), 80.0), (2, pid(3), 75.0), (3, pid(2), 70.0)]
    assert board["players"] == 3
    assert board["top"][0]["race_id"] == "AAAAAAAAAAAAAAAAAAAAA2"
    assert board["top"][0]["name"] == "Player 1" and board["top"][0]["accuracy"] == 91


def test_today_and_this_week(session: Session) -> None:
    seed(session)
    today = leaderboards.leaderboard(session, language_board("python"), period_key("today", NOW))
    assert ranks(today) == [(1, pid(3), 75.0), (2, pid(1), 55.0)]
    week = leaderboards.leaderboard(session, language_board("python"), period_key("week", NOW))
    # NOW is a Tuesday: yesterday is in this ISO week, eight days ago is not.
    assert ranks(week) == [(1, pid(1), 80.0), (2, pid(3), 75.0), (3, pid(2), 60.0)]


def test_a_snippet_board_and_a_language_board_differ(session: Session) -> None:
    seed(session)
    go = leaderboards.latest_snippet(session, "go-short")
    assert go is not None
    board = leaderboards.leaderboard(session, snippet_board(go.id), "all")
    assert ranks(board) == [(1, pid(2), 90.0), (2, pid(3), 40.0)]
    assert ranks(leaderboards.leaderboard(session, language_board("go"), "all")) == ranks(board)
    listed = {s["id"] for s in leaderboards.snippet_boards(session)}
    assert listed == {"py-short", "go-short"}


def test_only_snippets_with_a_result_have_a_board(session: Session) -> None:
    sync_corpus(session, builtin(), NOW)  # every corpus snippet stored, none raced yet
    session.commit()
    assert leaderboards.snippet_boards(session) == []
    seed(session)
    listed = {s["id"] for s in leaderboards.snippet_boards(session)}
    assert listed == {"py-short", "go-short"}


def test_your_rank_outside_the_top(session: Session) -> None:
    seed(session)
    board = leaderboards.leaderboard(
        session, language_board("python"), "all", limit=1, player_id=pid(2)
    )
    assert ranks(board) == [(1, pid(1), 80.0)]
    assert board["you"]["rank"] == 3 and board["you"]["net_wpm"] == 70.0
    assert (
        leaderboards.leaderboard(session, language_board("go"), "all", player_id=pid(1))["you"]
        is None
    )


def test_ties_go_to_who_got_there_first(session: Session) -> None:
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(5), wpm=60)]), NOW)
    earlier = NOW - timedelta(hours=1)
    save_race(
        session, record("AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(6), wpm=60)], when=earlier), NOW
    )
    session.commit()
    board = leaderboards.leaderboard(session, language_board("python"), "all", player_id=pid(5))
    assert ranks(board) == [(1, pid(6), 60.0), (2, pid(5), 60.0)]
    assert board["you"]["rank"] == 2


def test_flagged_and_unfinished_rank_nowhere_but_show_in_history(session: Session) -> None:
    rows = [
        standing(pid(1), wpm=200, flagged=True, place=2),
        standing(pid(2), wpm=30, completed=False, place=1),
    ]
    save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", rows), NOW)
    session.commit()
    assert leaderboards.leaderboard(session, language_board("python"), "all")["top"] == []
    found = profiles.profile(session, pid(1), NOW)
    assert found is not None and found["recent"][0]["flagged"]
    assert found["averages"]["all"]["races"] == 0 and found["bests"]["languages"] == []
    assert session.scalars(select(Snippet.slug)).all() == ["py-short"]
