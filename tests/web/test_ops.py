"""/healthz and /metrics on a worker."""

from __future__ import annotations

import redis
from flask.testing import FlaskClient
from sqlalchemy import event

from race.db.app import HEALTH_CACHE_S
from race.db.app import database


def test_healthz_reports_the_store(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ok"] is True and body["store"] == "ok"


def test_healthz_fails_when_a_dependency_is_down(client: FlaskClient) -> None:
    def down() -> None:
        raise ConnectionError("no route")

    client.application.extensions.setdefault("coderace_health", {})["fake"] = down
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["fake"] == "error: ConnectionError"


def test_a_flood_of_health_checks_opens_one_database_connection_a_second(
    client: FlaskClient,
) -> None:
    db = database(client.application)
    opened: list[object] = []

    def count(*_: object) -> None:
        opened.append(1)

    event.listen(db.health, "connect", count)
    try:
        answers = [client.get("/healthz").status_code for _ in range(50)]
        assert answers == [200] * 50 and len(opened) == 1
        db._last = (db._last[0] - HEALTH_CACHE_S, None)  # as if a second had passed
        assert client.get("/healthz").status_code == 200 and len(opened) == 2
    finally:
        event.remove(db.health, "connect", count)


def test_metrics_are_prometheus_text(client: FlaskClient) -> None:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    for name in (
        "coderace_connected_sockets",
        "coderace_events_total",
        "coderace_tick_lag_seconds_bucket",
        "coderace_store_errors_total",
        "coderace_outbox_waiting",
        'coderace_rooms{phase="racing"}',
        "coderace_seat_capacity 330.0",
        "coderace_seat_load 0.0",
    ):
        assert name in text, name


def test_metrics_answer_while_the_store_is_away(client: FlaskClient) -> None:
    store = client.application.extensions["coderace"].store

    def down() -> int:
        raise redis.exceptions.ConnectionError("Redis went away")

    store.outbox_size = down
    store.room_count = down
    answer = client.get("/metrics")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "coderace_outbox_waiting NaN" in text
    assert 'coderace_rooms{phase="racing"} NaN' in text
    assert "coderace_connected_sockets 0.0" in text
