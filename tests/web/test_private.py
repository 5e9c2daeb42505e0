"""Private means private: no page or API gives a room's code away, a private room's
pasted code reaches only whoever holds its race link, and private races stay off public
boards and profiles unless the host opted in. Races run through the real engine."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from race.core.snippet import custom_snippet
from race.realtime.identity import Player
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
