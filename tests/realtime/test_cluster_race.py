"""A quick race from lobby to standings with the race state on a real Redis Cluster
(one worker: the message queue between workers is not on the cluster yet)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest

from race.store.redis import RedisStore
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import human_gaps
from tests.realtime.harness import type_keys
from tests.realtime.test_quick_race import _wait_for_record
from tests.realtime.test_quick_race import keys_for
from tests.store.conftest import redis_cluster_nodes

__all__ = ["redis_cluster_nodes"]

pytestmark = pytest.mark.integration


@pytest.fixture
def server(
    server_factory: Callable[..., Server], redis_cluster_nodes: list[tuple[str, int]]
) -> Server:
    """Serve an app whose store is the local Redis Cluster, on a fresh key prefix."""
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    return server_factory(REDIS_CLUSTER_NODES=redis_cluster_nodes, REDIS_PREFIX=prefix)


def test_a_quick_race_runs_to_standings_on_the_cluster(
    server: Server, connect: Callable[..., Client]
) -> None:
    services = server.app.extensions["coderace"]
    store = services.store
    assert isinstance(store, RedisStore) and store.k.shards > 1
    a, b = connect("Ada"), connect("Bob")
    first = a.ok("quick", {"language": "python"})
    b.ok("quick", {"language": "python"})
    room = a.wait("room", lambda r: len(r["racers"]) == 2 and r["phase"] == "countdown")
    keys = keys_for(a, first)
    threads = [
        threading.Thread(
            target=type_keys, args=(p, keys, room["starts_at"], human_gaps(len(keys), mean, seed=i))
        )
        for i, (p, mean) in enumerate([(a, 100.0), (b, 150.0)])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    standings = [p.wait("standings")["standings"] for p in (a, b)]
    assert standings[0] == standings[1] and standings[0][0]["player_id"] == a.id
    assert b.all("tick"), "the heartbeat ticks the room from the cluster's live index"
    ended = b.wait("room", lambda r: r["phase"] == "finished")
    record = _wait_for_record(services.sink, ended["race_id"])  # drained from the outbox
    assert set(record["logs"]) == {a.id, b.id}
    assert store.outbox_size() == 0 and store.room_count()["finished"] == 1
