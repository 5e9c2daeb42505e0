"""GET /api/presence: racers waiting and racing per language, from the store, cached."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from race.core.presence import Counts
from race.identity import new_guest
from race.realtime import services
from race.web.presence import CACHE_MS
from race.web.presence import Presence


def test_the_landing_api_counts_a_racer_waiting_in_a_quick_lobby(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/presence").get_json() == {
        "waiting": {},
        "racing": {},
        "total": {"waiting": 0, "racing": 0},
        "max_age_ms": CACHE_MS,
    }
    services(app).engine.quick(new_guest(), "go")
    app.extensions["coderace_presence"] = Presence(services(app).store.presence)  # uncached
    answer = client.get("/api/presence")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache"
    body = answer.get_json()
    assert body["waiting"] == {"go": 1} and body["total"] == {"waiting": 1, "racing": 0}


def test_counts_are_read_at_most_once_per_period() -> None:
    reads: list[int] = []
    now = [100.0]

    def read() -> Counts:
        reads.append(1)
        return Counts({"python": len(reads)}, {})

    cached = Presence(read, clock=lambda: now[0])
    assert cached.view()["waiting"] == {"python": 1}
    now[0] += CACHE_MS / 1000 - 0.01
    assert cached.view()["waiting"] == {"python": 1} and len(reads) == 1
    now[0] += 0.02
    assert cached.view()["waiting"] == {"python": 2}


def test_a_store_that_is_away_gets_a_clear_503(client: FlaskClient) -> None:
    def down() -> Counts:
        raise ConnectionError("no route")

    client.application.extensions["coderace_presence"] = Presence(down)
    answer = client.get("/api/presence")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "unavailable"
