"""Leaderboard, profile and race pages and their JSON API, on the app's own database."""

from __future__ import annotations

import json
import time
import zlib
from datetime import UTC
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from race import create_app
from race.config import Config
from race.core.course import Course
from race.core.keylog import parse_log
from race.core.rules import Rules
from race.core.snippet import indent_unit
from race.db.app import database
from race.db.models import KeyLog
from race.db.models import Result
from race.db.write import save_race
from race.db.write import unpack_frames
from race.identity import Player
from race.identity.tokens import issue_token
from tests.db.play import Track
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def save(app: Flask, *records: dict[str, object]) -> None:
    """Save records as the results sink would."""
    with database(app).sessions() as session:
        for rec in records:
            save_race(session, rec)
        session.commit()


def history(app: Flask) -> None:
    """Three players, two races today."""
    today = datetime.now(UTC)
    save(
        app,
        record(
            "AAAAAAAAAAAAAAAAAAAAA1",
            [
                standing(pid(1), "Ada", 81.5),
                standing(pid(2), "Bo", 62.0, place=2),
                standing(pid(3), "Cy", 44.0, place=3),
            ],
            when=today,
        ),
        record(
            "AAAAAAAAAAAAAAAAAAAAA2", [standing(pid(3), "Cy", 48.0)], when=today, kind="practice"
        ),
    )


def test_leaderboard_api(app: Flask, client: FlaskClient) -> None:
    history(app)
    body = client.get("/api/leaderboard?language=python&period=today").get_json()
    assert [(r["rank"], r["name"], r["net_wpm"]) for r in body["top"]] == [
        (1, "Ada", 81.5),
        (2, "Bo", 62.0),
        (3, "Cy", 48.0),
    ]
    assert body["players"] == 3 and body["you"] is None
    mine = client.get(f"/api/leaderboard?limit=1&player={pid(3)}").get_json()
    assert len(mine["top"]) == 1 and mine["you"]["rank"] == 3 and mine["you"]["name"] == "Cy"
    snippet = client.get("/api/leaderboard?snippet=py-short&period=week").get_json()
    assert snippet["snippet"]["title"] == "Short Python" and snippet["players"] == 3
    assert client.get("/api/leaderboard?snippet=no-such-one").status_code == 404
    assert client.get("/api/snippets/boards").get_json()[0]["id"] == "py-short"


def test_leaderboard_api_refuses_bad_parameters(client: FlaskClient) -> None:
    for query, word in [
        ("language=cobol", "language"),
        ("period=year", "period"),
        ("player=bob", "player"),
        ("limit=0", "limit"),
        ("snippet=../x", "snippet"),
    ]:
        answer = client.get(f"/api/leaderboard?{query}")
        assert answer.status_code == 400, query
        assert word in answer.get_json()["error"]["message"]


def test_leaderboard_page_shows_your_rank_outside_the_top(app: Flask, client: FlaskClient) -> None:
    history(app)
    html = client.get(f"/leaderboard?limit=2&player={pid(3)}").get_data(as_text=True)
    assert "Ada" in html and "Bo" in html
    assert '<tbody id="you">' in html and "<bdi>Cy</bdi></a> (you)" in html
    # Bad filters fall back to the defaults on the page (the API refuses them).
    assert client.get("/leaderboard?language=cobol&period=x").status_code == 200


def test_profile_page_and_api(app: Flask, client: FlaskClient) -> None:
    history(app)
    html = client.get(f"/players/{pid(3)}").get_data(as_text=True)
    assert "Cy" in html and "Personal bests" in html and "<polyline" in html
    body = client.get(f"/api/players/{pid(3)}").get_json()
    assert body["averages"]["all"] == {"races": 2, "net_wpm": 46.0, "accuracy": 97.5}
    assert client.get(f"/players/{pid(9)}").status_code == 404
    assert client.get(f"/api/players/{pid(9)}").status_code == 404
    assert client.get("/api/players/nobody").status_code == 400
    assert client.get("/players/me").status_code == 200  # a guest: the page finds the tab's id


def test_race_page_api_and_log(app: Flask, client: FlaskClient) -> None:
    history(app)
    html = client.get("/races/AAAAAAAAAAAAAAAAAAAAA1").get_data(as_text=True)
    assert html.index("Ada") < html.index("Bo") < html.index("Cy")
    assert 'value="http://localhost/races/AAAAAAAAAAAAAAAAAAAAA1"' in html
    body = client.get("/api/races/AAAAAAAAAAAAAAAAAAAAA1").get_json()
    assert [s["name"] for s in body["standings"]] == ["Ada", "Bo", "Cy"]
    assert body["standings"][0]["series"][0]["wpm"] == 50.0
    log = client.get(f"/api/races/AAAAAAAAAAAAAAAAAAAAA1/log/{pid(2)}")
    assert log.status_code == 200 and log.mimetype == "application/x-ndjson"
    parsed = parse_log(log.get_data(as_text=True).splitlines(), "log")
    assert parsed.batches[0].keys[0] == (100, "d")
    assert client.get("/races/AAAAAAAAAAAAAAAAAAAAA9").status_code == 404
    assert client.get("/races/not-a-race").status_code == 404
    assert client.get("/api/races/not-a-race").status_code == 400
    assert client.get(f"/api/races/AAAAAAAAAAAAAAAAAAAAA1/log/{pid(9)}").status_code == 404


def test_whether_a_race_is_stored_is_answered_without_a_404(
    app: Flask, client: FlaskClient
) -> None:
    history(app)
    stored = client.get("/api/races/AAAAAAAAAAAAAAAAAAAAA1/stored")
    assert stored.status_code == 200 and stored.get_json() == {"stored": True}
    assert stored.headers["Cache-Control"] == "no-store"
    waiting = client.get("/api/races/AAAAAAAAAAAAAAAAAAAAA9/stored")
    assert waiting.status_code == 200 and waiting.get_json() == {"stored": False}
    assert client.get("/api/races/not-a-race/stored").status_code == 400


def test_an_unreadable_log_leaves_the_others_replayable(app: Flask, client: FlaskClient) -> None:
    history(app)
    with database(app).sessions() as session:
        broken = session.scalars(
            select(KeyLog).join(Result).where(Result.player_id == pid(2))
        ).one()
        broken.codec = "lz4"
        session.commit()
    body = client.get("/api/races/AAAAAAAAAAAAAAAAAAAAA1/trace").get_json()
    frames = {p["name"]: p["frames"] for p in body["players"]}
    assert frames["Bo"] == [] and frames["Ada"][0] == [0, 0] and len(frames["Ada"]) > 1
    one = client.get(f"/api/races/AAAAAAAAAAAAAAAAAAAAA1/trace?player={pid(1)}").get_json()
    assert [p["name"] for p in one["players"]] == ["Ada"]


def test_finished_runs_link_to_a_ghost_race(app: Flask, client: FlaskClient) -> None:
    save(
        app,
        record(
            "BBBBBBBBBBBBBBBBBBBBB1",
            [
                standing(pid(1), "Ada", 81.5),
                standing(pid(2), "Bo", 99.0, place=2, flagged=True),
                standing(pid(3), "Cy", 20.0, place=3, completed=False),
            ],
        ),
    )
    ghost = "/play/practice?ghost=BBBBBBBBBBBBBBBBBBBBB1:{}"
    html = client.get("/races/BBBBBBBBBBBBBBBBBBBBB1").get_data(as_text=True)
    # Only a finished, unflagged run can be raced: a ghost must reach the end honestly.
    assert ghost.format(pid(1)) in html
    assert ghost.format(pid(2)) not in html and ghost.format(pid(3)) not in html
    assert ghost.format(pid(1)) in client.get("/leaderboard?snippet=py-short").get_data(
        as_text=True
    )
    assert ghost.format(pid(1)) in client.get(f"/players/{pid(1)}").get_data(as_text=True)


def test_a_finished_race_reaches_its_page(app: Flask, client: FlaskClient) -> None:
    services = app.extensions["coderace"]
    track = Track(services.store, services.sink)
    race_id = track.practice("Dee", seed=4)
    deadline = time.monotonic() + 10
    while services.store.outbox_size():
        assert time.monotonic() < deadline
        track.heartbeat.drain_outbox()
        time.sleep(0.02)
    assert client.get(f"/api/races/{race_id}/stored").get_json() == {"stored": True}
    body = client.get(f"/api/races/{race_id}").get_json()
    assert body["mode"] == "practice" and body["standings"][0]["name"] == "Dee"
    assert body["standings"][0]["completed"] is True
    player = body["standings"][0]["player_id"]
    assert client.get(f"/api/players/{player}").get_json()["recent"][0]["race_id"] == race_id


def test_a_finished_race_replays_frame_by_frame(app: Flask, client: FlaskClient) -> None:
    services = app.extensions["coderace"]
    track = Track(services.store, services.sink)
    race_id = track.practice("Dee", seed=4)
    while services.store.outbox_size():
        track.heartbeat.drain_outbox()
    race = client.get(f"/api/races/{race_id}").get_json()
    answer = client.get(f"/api/races/{race_id}/trace")
    assert answer.status_code == 200 and "public" in answer.headers["Cache-Control"]
    body = answer.get_json()
    # the race's snippet also carries its token classes, for the analysis
    assert body["snippet"] == {k: v for k, v in race["snippet"].items() if k != "classes"}
    assert body["limit_ms"] == race["limit_ms"]
    (dee,) = body["players"]
    (stored,) = race["standings"]
    assert dee["name"] == "Dee" and dee["net_wpm"] == stored["net_wpm"]
    assert dee["wpm"] == [point["wpm"] for point in stored["series"]]
    frames = dee["frames"]
    assert frames[0] == [0, 0] and frames[-1][1] == len(race["snippet"]["text"])
    assert frames[-1][0] == stored["duration_ms"]  # the finishing key ends the race
    assert all(a[0] <= b[0] for a, b in pairwise(frames))
    one = client.get(f"/api/races/{race_id}/trace?player={dee['player_id']}").get_json()
    assert one["players"] == [dee]
    assert client.get(f"/api/races/{race_id}/trace?player={pid(9)}").status_code == 404
    assert client.get(f"/api/races/{race_id}/trace?player=x").status_code == 400
    assert client.get("/api/races/AAAAAAAAAAAAAAAAAAAAA9/trace").status_code == 404
    assert client.get("/api/races/nope/trace").status_code == 400


def test_frames_are_computed_once_when_the_race_is_saved(app: Flask, client: FlaskClient) -> None:
    services = app.extensions["coderace"]
    track = Track(services.store, services.sink)
    race_id = track.practice("Dee", seed=5)
    while services.store.outbox_size():
        track.heartbeat.drain_outbox()
    served = client.get(f"/api/races/{race_id}/trace").get_json()["players"][0]["frames"]
    with database(app).sessions() as session:
        (keylog,) = session.scalars(select(KeyLog)).all()
        assert unpack_frames(keylog) == served  # what the save computed is what is served
        keylog.frames = zlib.compress(json.dumps([[0, 0], [5, 1]]).encode())
        session.commit()
    again = client.get(f"/api/races/{race_id}/trace").get_json()["players"][0]["frames"]
    assert again == [[0, 0], [5, 1]]  # served from storage, not re-scored per request
    with database(app).sessions() as session:
        session.scalars(select(KeyLog)).one().frames = None  # a log saved before frames
        session.commit()
    assert client.get(f"/api/races/{race_id}/trace").get_json()["players"][0]["frames"] == served


def test_pages_answer_503_while_the_database_is_away(tmp_path: Path) -> None:
    config = Config(
        {
            "CODERACE_INSTANCE": str(tmp_path / "instance"),
            "CODERACE_WORKER": "threading",
            "DATABASE_URL": "postgresql+psycopg2://postgres@127.0.0.1:1/none",
        }
    )
    client = create_app(config).test_client()
    answer = client.get("/api/leaderboard")
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "unavailable"
    assert client.get("/leaderboard").status_code == 503
    assert client.get("/healthz").get_json()["database"].startswith("error")


def test_the_race_api_analyses_each_players_stored_log(app: Flask, client: FlaskClient) -> None:
    services = app.extensions["coderace"]
    track = Track(services.store, services.sink)
    race_id = track.practice("Dee", seed=4)
    deadline = time.monotonic() + 10
    while services.store.outbox_size():
        assert time.monotonic() < deadline
        track.heartbeat.drain_outbox()
        time.sleep(0.02)
    assert client.head(f"/api/races/{race_id}").status_code == 200
    body = client.get(f"/api/races/{race_id}").get_json()
    text, classes = body["snippet"]["text"], body["snippet"]["classes"]
    assert len(classes) == len(text) and set(classes) <= set("kisnopcwlx")
    (dee,) = body["standings"]
    found = dee["analysis"]
    rows = {row["class"]: row for row in found["classes"]}
    assert {"keyword", "identifier", "punctuation"} <= set(rows)
    # the analysis counts the mistakes the scorer counted, and every typed character once
    assert sum(row["errors"] for row in rows.values()) == found["mistake_count"]
    assert found["mistake_count"] == sum(count for _, count in dee["missed"])
    course = Course(text, Rules.from_mapping(body["rules"]), indent_unit(body["snippet"]["indent"]))
    assert sum(row["chars"] for row in rows.values()) == course.typeable
    assert found["slowest"]["percent"] > 0 and found["baseline"] == "identifier"
    assert all(0 <= pos < len(text) for pos, _, _ in found["mistakes"])
    assert len(found["keys"]) <= 10 and len(found["bigrams"]) <= 10


def test_the_race_page_opens_the_analysis_on_the_viewers_own_typing(
    app: Flask, client: FlaskClient
) -> None:
    history(app)
    page = client.get("/races/AAAAAAAAAAAAAAAAAAAAA1").get_data(as_text=True)
    assert 'id="analysis-section"' in page and "data-me" not in page  # a stranger
    bo = Player(pid(2), "Bo")
    client.post("/api/me/guest", json={"token": issue_token(app.config["SECRET_KEY"], bo)})
    page = client.get("/races/AAAAAAAAAAAAAAAAAAAAA1").get_data(as_text=True)
    assert f'<option value="{pid(2)}" data-me="1" selected>Bo</option>' in page
    assert page.count("data-me") == 1
