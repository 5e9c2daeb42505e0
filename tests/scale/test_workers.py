"""Several workers share every race through Redis; a killed worker's players carry on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from race.core.course import Course
from race.core.course import ideal_keys
from tests.realtime.harness import Client
from tests.realtime.harness import human_gaps
from tests.realtime.harness import server_ms
from tests.realtime.harness import type_keys
from tests.scale.cluster import Cluster
from tests.store.conftest import redis_cluster_nodes

__all__ = ["redis_cluster_nodes"]

pytestmark = pytest.mark.integration


def race_all(clients: list[Client], room: dict) -> None:
    """Type the room's snippet with every client at once, at different speeds."""
    keys = ideal_keys(Course(room["snippet"]["text"]))
    threads = [
        threading.Thread(
            target=type_keys,
            args=(c, keys, room["starts_at"], human_gaps(len(keys), 100.0 + 30 * i, seed=i)),
        )
        for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def same_standings(clients: list[Client]) -> list[dict]:
    """Wait for every client's standings; assert they are identical and came once."""
    seen = [c.wait("standings", timeout=15)["standings"] for c in clients]
    assert all(s == seen[0] for s in seen)
    time.sleep(0.5)
    assert all(len(c.all("standings")) == 1 for c in clients), "the race ended more than once"
    return seen[0]


def quick_race_across(cluster: Cluster) -> list[dict]:
    """Race a quick race with one player on each worker; return the standings, checked to
    be the same on every worker, told once, with ticks heard everywhere."""
    players = [Client(url, name=f"Q{i}") for i, url in enumerate(cluster.urls)]
    try:
        answers = [p.ok("quick", {"language": "python"}) for p in players]
        assert len({p.code for p in players}) == 1
        room = answers[-1]["room"]
        assert room["phase"] == "countdown" and len(room["racers"]) == len(players)
        race_all(players, room)
        standings = same_standings(players)
        assert [s["place"] for s in standings] == list(range(1, len(players) + 1))
        assert all(p.all("tick") for p in players), "ticks reach clients on every worker"
        return standings
    finally:
        for p in players:
            p.close()


@pytest.mark.parametrize("worker_type", ["eventlet", "gevent"])
def test_quick_race_and_private_room_across_three_workers(
    cluster_factory: Callable[..., Cluster], worker_type: str
) -> None:
    cluster = cluster_factory(3, worker_type)
    standings = quick_race_across(cluster)
    assert all(s["completed"] and not s["flagged"] for s in standings), standings

    host, guest, gone = (
        Client(url, name=n) for url, n in zip(cluster.urls, ["H", "G", "K"], strict=True)
    )
    try:
        code = host.ok("create", {"snippet_id": "go-short"})["room"]["code"]
        guest.ok("join", {"code": code})
        gone.ok("join", {"code": code})
        host.ok("kick", {"code": code, "player_id": gone.id})
        assert gone.wait("kicked")["code"] == code
        host.ok("start", {"code": code})
        room = guest.wait("room", lambda r: r["phase"] == "countdown")
        assert [r["id"] for r in room["racers"]] == [host.id, guest.id]
        race_all([host, guest], room)
        standings = same_standings([host, guest])
        assert {s["player_id"] for s in standings} == {host.id, guest.id}
    finally:
        for c in (host, guest, gone):
            c.close()


def test_a_quick_race_across_three_workers_on_a_redis_cluster(
    cluster_factory: Callable[..., Cluster], redis_cluster_nodes: list[tuple[str, int]]
) -> None:
    seeds = ",".join(f"{host}:{port}" for host, port in redis_cluster_nodes)
    cluster = cluster_factory(3, env={"REDIS_URL": "", "REDIS_CLUSTER_NODES": seeds})
    quick_race_across(cluster)


def test_killed_worker_players_resume_elsewhere_and_race_ends_once(
    cluster_factory: Callable[..., Cluster],
) -> None:
    cluster = cluster_factory(3, "eventlet")
    a, b = Client(cluster.urls[0], name="Ann"), Client(cluster.urls[1], name="Ben")
    back: Client | None = None
    try:
        code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
        b.ok("join", {"code": code})
        a.ok("start", {"code": code})
        room = b.wait("room", lambda r: r["phase"] == "countdown")
        keys = ideal_keys(Course(room["snippet"]["text"]))
        half = len(keys) // 2
        type_keys(a, keys[:half], room["starts_at"])
        acked = a.seq
        cluster.kill(0)  # SIGKILL: Ann's worker dies mid-race
        back = Client(cluster.urls[2], token=a.token)
        resumed = back.ok("join", {"code": code})
        assert resumed["you"]["seq"] == acked, "no acknowledged batch was lost"
        assert resumed["you"]["pos"] > 0
        t0 = server_ms() - room["starts_at"] + 50
        rest = [(t0 + 110 * (i + 1) + (i * 53) % 70, k) for i, k in enumerate(keys[half:])]
        for i in range(0, len(rest), 4):
            chunk = rest[i : i + 4]
            delay = room["starts_at"] + chunk[-1][0] - server_ms()
            if delay > 0:
                time.sleep(delay / 1000)
            assert back.send_keys(chunk)["ok"]
        type_keys(b, keys, room["starts_at"])
        standings = same_standings([back, b])
        assert all(s["completed"] for s in standings), standings
        assert {s["player_id"] for s in standings} == {a.id, b.id}
    finally:
        for c in (a, b, back):
            if c is not None and c.sio.connected:
                c.close()


def test_an_ip_event_budget_holds_across_workers(cluster_factory: Callable[..., Cluster]) -> None:
    cluster = cluster_factory(2, env={"RATE_LIMITS": "events_per_ip=10/minute"})
    one, two = Client(cluster.urls[0]), Client(cluster.urls[1])
    try:
        answers = [c.call("sync", {"c": 1.0}) for _ in range(8) for c in (one, two)]
        # Each worker alone would let all 16 through; the shared bucket holds 10.
        assert sum(a["ok"] for a in answers) == 10
        refused = [a for a in answers if not a["ok"]]
        assert {a["code"] for a in refused} == {"rate_limited"}
        assert "from your address" in refused[0]["message"]
    finally:
        one.close()
        two.close()
