"""A quick racer alone races ghosts of stored runs, over real websockets: the offer comes
after ``ghost_offer_ms``, a human arriving before the start races too, and the standings
count the humans only. Counts of who is waiting and racing follow on /api/presence."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import redis
import requests

from race.core.course import Course
from race.core.course import ideal_keys
from race.limits import Budgets
from race.realtime import services
from race.web.presence import Presence
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import human_gaps
from tests.realtime.harness import poll_json
from tests.realtime.harness import type_keys
from tests.services import REDIS_URL
from tests.services import unavailable


def keys_of(answer: dict) -> list[str]:
    """Return the keys that type the room's snippet exactly."""
    snippet = answer["room"]["snippet"]
    indent = "\t" if snippet["indent"] == "tab" else " " * int(snippet["indent"].split(":")[1])
    return ideal_keys(Course(snippet["text"], indent_unit=indent))


def stored_run(server: Server, who: Client) -> str:
    """Practise py-short to the end and wait until the run is in the results database."""
    answer = who.ok("practice", {"snippet_id": "py-short"})
    room = answer["room"]
    type_keys(who, keys_of(answer), room["starts_at"], human_gaps(99, 120.0, seed=3))
    race_id = who.wait("room", lambda r: r["phase"] == "finished")["race_id"]
    poll_json(f"{server.url}/api/races/{race_id}")
    return str(race_id)


def counts(server: Server) -> dict:
    """Return /api/presence, uncached."""
    read = services(server.app).store.presence
    server.app.extensions["coderace_presence"] = Presence(read)
    return dict(requests.get(f"{server.url}/api/presence", timeout=5).json())


def test_a_lone_racer_races_ghosts_and_a_newcomer_races_them_too(
    server: Server, connect: Callable[..., Client]
) -> None:
    ada, ben, cy = connect("Ada"), connect("Ben"), connect("Cy")
    ghost_race = stored_run(server, ada)
    first = ben.ok("quick", {"language": "python"})
    assert counts(server)["waiting"] == {"python": 1}
    offer = ben.wait("lonely", timeout=5)
    assert offer["code"] == ben.code and offer["waited_ms"] >= 1500
    answer = ben.ok("race_ghosts", {"code": ben.code})
    view = answer["room"]
    assert view["phase"] == "countdown" and [r["id"] for r in view["racers"]] == [ben.id]
    assert [(g["race_id"], g["player_id"], g["name"]) for g in view["ghosts"]] == [
        (ghost_race, ada.id, "Ada (ghost)")
    ]
    assert ben.ok("race_ghosts", {"code": ben.code})["room"]["starts_at"] == view["starts_at"]
    joined = cy.ok("quick", {"language": "python"})  # before the start: races with them
    assert cy.code == ben.code and joined["room"]["ghosts"] == view["ghosts"]
    assert [r["id"] for r in joined["room"]["racers"]] == [ben.id, cy.id]
    assert counts(server)["waiting"] == {"python": 2}

    keys = keys_of(first)
    typists = [
        threading.Thread(target=type_keys, args=(p, keys, view["starts_at"], human_gaps(99, m)))
        for p, m in ((ben, 110.0), (cy, 150.0))
    ]
    for t in typists:
        t.start()
    ben.wait("tick", timeout=5)
    assert counts(server)["racing"] == {"python": 2}
    for t in typists:
        t.join()
    standings = ben.wait("standings")["standings"]
    assert [s["player_id"] for s in standings] == [ben.id, cy.id]  # no ghost among them
    assert [s["place"] for s in standings] == [1, 2]
    ticks = cy.all("tick")
    assert all(p["id"] in (ben.id, cy.id) for t in ticks for p in t["players"])
    assert counts(server)["total"] == {"waiting": 0, "racing": 0}


def test_no_ghosts_without_a_stored_run_and_none_once_someone_is_here(
    connect: Callable[..., Client],
) -> None:
    ann, bo = connect("Ann"), connect("Bo")
    ann.ok("quick", {"language": "go"})
    refused = ann.call("race_ghosts", {"code": ann.code})
    assert not refused["ok"] and refused["code"] == "no_ghosts"
    bo.ok("quick", {"language": "go"})
    refused = ann.call("race_ghosts", {"code": ann.code})
    assert not refused["ok"] and refused["code"] == "not_alone"
    assert not bo.call("race_ghosts", {"code": "A" * 16})["ok"]


def test_on_redis_every_worker_counts_and_races_the_same_ghosts(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    prefix = f"crtest-{uuid.uuid4().hex[:8]}:"
    # One results database, as in a deployment: either worker may drain the run into it.
    shared = {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix}
    shared["DATABASE_URL"] = f"sqlite:///{tmp_path / 'results.db'}"
    first, second = server_factory(**shared), server_factory(**shared)
    ada, ben = Client(first.url, name="Ada"), Client(first.url, name="Ben")
    cy = Client(second.url, name="Cy")
    try:
        ghost_race = stored_run(first, ada)  # in the first worker's results database
        ben.ok("quick", {"language": "python"})
        assert counts(second)["waiting"] == {"python": 1}  # seen from the other worker
        ben.wait("lonely", timeout=5)
        view = ben.ok("race_ghosts", {"code": ben.code})["room"]
        assert [g["race_id"] for g in view["ghosts"]] == [ghost_race]
        joined = cy.ok("quick", {"language": "python"})["room"]  # through the other worker
        assert joined["code"] == ben.code and joined["ghosts"] == view["ghosts"]
        assert counts(first)["waiting"] == counts(second)["waiting"] == {"python": 2}
    finally:
        for c in (ada, ben, cy):
            c.close()
        for key in client.scan_iter(match=prefix + "*", count=1000):
            client.delete(key)


def test_asking_for_ghosts_spends_a_join(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(RATE_LIMITS=Budgets(joins_per_ip="3/minute"))
    lone = Client(srv.url)
    try:
        lone.ok("quick", {"language": "go"})
        assert lone.call("race_ghosts", {"code": lone.code})["code"] == "no_ghosts"
        assert lone.call("race_ghosts", {"code": lone.code})["code"] == "no_ghosts"
        assert lone.call("race_ghosts", {"code": lone.code})["code"] == "rate_limited"
    finally:
        lone.close()
