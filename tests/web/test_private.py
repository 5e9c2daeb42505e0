"""Private means private: no page or API gives a room's code away, a private room's
pasted code reaches only whoever holds its race link, and private races stay off public
boards and profiles unless the host opted in. Races run through the real engine."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient

from race.core.snippet import custom_snippet
from race.db import accounts
from race.db.app import database
from race.identity import Player
from race.identity.session import log_in
from race.identity.tokens import issue_token
from race.web.viewer import MAX_GUESTS
from tests.db.play import Track

PASTED = "def secret_sauce(x):\n    return x * 42"


def track(app: Flask) -> Track:
    """Return race services on the app's own store and results sink."""
    services = app.extensions["coderace"]
    return Track(services.store, services.sink)


def everything(client: FlaskClient, race_id: str, player: Player) -> dict[str, str]:
    """Fetch every page and API that can show a finished race or its player."""
    paths = [
        f"/races/{race_id}",
        f"/api/races/{race_id}",
        f"/api/races/{race_id}/trace",
        f"/api/races/{race_id}/trace?player={player.id}",
        f"/api/races/{race_id}/log/{player.id}",
        f"/players/{player.id}",
        f"/api/players/{player.id}",
        "/players/me",
        "/leaderboard",
        "/api/leaderboard?language=bash",
        "/api/leaderboard?language=python",
        "/leaderboard?snippet=bash-count-lines",
        "/api/snippets/boards",
        "/api/me",
        f"/play/practice?ghost={race_id}:{player.id}",
    ]
    bodies = {}
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        bodies[path] = answer.get_data(as_text=True)
    return bodies


def test_no_page_or_api_gives_a_rooms_code_away(app: Flask, client: FlaskClient) -> None:
    races = track(app)
    host = races.player("Hana")
    mine = races.private(host, custom_snippet(PASTED), seed=2)
    shared = races.private(host, races.engine.pick_snippet(snippet_id="bash-count-lines"))
    races.saved()
    for room in (mine, shared):
        for path, body in everything(client, room.race_id, host).items():
            assert room.code not in body, path
            assert mine.code not in body and shared.code not in body, path
    race = client.get(f"/api/races/{mine.race_id}").get_json()
    assert "code" not in race and race["race_id"] == mine.race_id


def prove(app: Flask, client: FlaskClient, player: Player) -> None:
    """Show the server this browser plays as the player (as their profile page does)."""
    token = issue_token(app.config["SECRET_KEY"], player)
    answer = client.post("/api/me/guest", json={"token": token})
    assert answer.status_code == 200 and answer.get_json() == {"player_id": player.id}


def test_pasted_code_reaches_only_whoever_holds_the_race_link(
    app: Flask, client: FlaskClient
) -> None:
    races = track(app)
    host = races.player("Hana")
    room = races.private(host, custom_snippet(PASTED), seed=3)
    solo = races.player("Solo")
    practised = races.play_out(races.engine.practice(solo, custom_snippet(PASTED)), solo, 4)
    races.saved()
    stranger = app.test_client()
    for race_id in (room.race_id, practised.race_id):  # the link is the capability
        assert stranger.get(f"/api/races/{race_id}").get_json()["snippet"]["text"] == PASTED
        assert "secret_sauce" in stranger.get(f"/races/{race_id}").get_data(as_text=True)
    # Nothing lists it: not the players' profiles, not a board.
    for player in (host, solo):
        body = stranger.get(f"/api/players/{player.id}").get_json()
        assert body["recent"] == [] and body["averages"]["all"]["races"] == 0
        assert body["accuracy_trend"] == [] and body["mine"] is False
        page = stranger.get(f"/players/{player.id}").get_data(as_text=True)
        assert room.race_id not in page and practised.race_id not in page
    for path in ("/leaderboard", "/api/leaderboard?language=python", "/api/snippets/boards"):
        body = stranger.get(path).get_data(as_text=True)
        assert "secret_sauce" not in body and room.race_id not in body, path
    # Its own players see it on their own profile, marked as not listed to others.
    prove(app, client, host)
    (mine,) = client.get(f"/api/players/{host.id}").get_json()["recent"]
    assert mine["race_id"] == room.race_id and mine["public"] is False
    page = client.get(f"/players/{host.id}").get_data(as_text=True)
    assert room.race_id in page and "listed here for you only" in page
    assert client.get(f"/api/players/{solo.id}").get_json()["recent"] == []  # not theirs


def guest_raced_privately(app: Flask) -> Player:
    """Return a guest whose one race, on pasted code in a private room, is saved."""
    races = track(app)
    guest = races.player("Gus")
    races.private(guest, custom_snippet(PASTED))
    races.saved()
    return guest


def test_a_guest_proves_itself_only_with_its_own_valid_token(
    app: Flask, client: FlaskClient
) -> None:
    guest = guest_raced_privately(app)
    forged = issue_token("not the secret", guest)
    for body in ({"token": forged}, {"token": ""}, {"token": "x" * 600}, {"no": 1}, "text"):
        answer = client.post("/api/me/guest", json=body)
        assert answer.status_code == 400, body
    assert client.get(f"/api/players/{guest.id}").get_json()["recent"] == []
    with database(app).sessions() as session:  # the guest registers: log in instead
        accounts.register(session, guest.id, "Gustavo", "hash", datetime.now(UTC))
        session.commit()
    token = issue_token(app.config["SECRET_KEY"], guest)
    refused = client.post("/api/me/guest", json={"token": token})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "log_in"
    assert client.get(f"/api/players/{guest.id}").get_json()["recent"] == []
    with client.session_transaction() as cookie:  # logged in as the account
        log_in(cookie, guest.id, "Gustavo", 0)
    assert len(client.get(f"/api/players/{guest.id}").get_json()["recent"]) == 1


def test_a_browser_remembers_a_bounded_number_of_guests(app: Flask, client: FlaskClient) -> None:
    players = [track(app).player(f"Tab {i}") for i in range(MAX_GUESTS + 2)]
    for player in players:
        prove(app, client, player)
    with client.session_transaction() as cookie:
        assert cookie["guests"] == [p.id for p in reversed(players)][:MAX_GUESTS]


def test_a_private_race_is_listed_only_once_its_host_opts_in(
    app: Flask, client: FlaskClient
) -> None:
    races = track(app)
    shut, opened = races.player("Shut"), races.player("Open")
    snippet = races.engine.pick_snippet(snippet_id="bash-count-lines")
    hidden = races.private(shut, snippet, seed=5)
    shown = races.private(opened, snippet, seed=6, public_results=True)
    assert not hidden.public_results and shown.public_results
    races.saved()
    stranger = app.test_client()
    for path in ("/api/leaderboard?language=bash", "/api/leaderboard?snippet=bash-count-lines"):
        for period in ("all", "week", "today"):
            board = stranger.get(f"{path}&period={period}&player={shut.id}").get_json()
            assert [r["race_id"] for r in board["top"]] == [shown.race_id], path
            assert board["you"] is None and board["players"] == 1
    page = stranger.get("/leaderboard?language=bash").get_data(as_text=True)
    assert shown.race_id in page and hidden.race_id not in page
    seen = stranger.get(f"/api/players/{shut.id}").get_json()
    assert seen["recent"] == [] and seen["bests"] == {"languages": [], "snippets": []}
    assert hidden.race_id not in stranger.get(f"/players/{shut.id}").get_data(as_text=True)
    public = stranger.get(f"/api/players/{opened.id}").get_json()
    assert [r["race_id"] for r in public["recent"]] == [shown.race_id]
    assert public["recent"][0]["public"] is True
    assert public["bests"]["languages"][0]["race_id"] == shown.race_id
    assert public["averages"]["all"]["races"] == 1
    # The race's own player still sees it on their own profile.
    prove(app, client, shut)
    mine = client.get(f"/api/players/{shut.id}").get_json()
    assert mine["mine"] and [r["race_id"] for r in mine["recent"]] == [hidden.race_id]
    assert mine["averages"]["all"]["races"] == 1
    assert hidden.race_id in client.get(f"/players/{shut.id}").get_data(as_text=True)


def test_a_proven_guest_that_registers_is_shown_only_to_its_login(
    app: Flask, client: FlaskClient
) -> None:
    guest = guest_raced_privately(app)
    prove(app, client, guest)
    assert len(client.get(f"/api/players/{guest.id}").get_json()["recent"]) == 1
    with database(app).sessions() as session:  # the guest registers, in another browser
        accounts.register(session, guest.id, "Gustavo", "hash", datetime.now(UTC))
        session.commit()
    assert client.get(f"/api/players/{guest.id}").get_json()["recent"] == []
