"""What only a Redis Cluster needs: a room in one slot, rooms over every node, bounded
clients (the contract itself runs on the cluster through ``tests/store/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from race.config import Config
from race.config import SettingError
from race.config import parse_nodes
from race.core import hosting
from race.core import members
from race.core.room import Refused
from race.limits import Budgets
from race.realtime.throttle import Throttle
from race.store.client import CONNECT_TIMEOUT_S
from race.store.client import POOL_TIMEOUT_S
from race.store.client import REPLY_TIMEOUT_S
from race.store.client import limits_url
from race.store.keys import CLUSTER_SHARDS
from race.store.redis import RedisStore
from tests.store.conftest import redis_store
from tests.store.test_contract import new

pytestmark = pytest.mark.integration


@pytest.fixture
def cstore(cluster_client: redis.RedisCluster) -> Iterator[RedisStore]:
    """Return a store on the local cluster, on a fresh prefix."""
    yield from redis_store(cluster_client, shards=CLUSTER_SHARDS)


def test_a_room_s_keys_share_one_slot_and_rooms_spread_over_the_nodes(cstore: RedisStore) -> None:
    client, k = cstore.r, cstore.k
    owners = set()
    for i in range(40):
        room = new(f"C{i:015d}")
        cstore.create_room(room)
        cstore.update_room(room.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
        cstore.update_room(room.code, lambda r: hosting.start(r, "p1", 2_000))
        cstore.append_batch(room.code, 1, "p1", 0, "line", progress="{}")
        s = k.shard(room.code)
        keys = [
            k.room(room.code),
            k.log(room.code, 1, "p1"),
            k.progress(room.code, 1),
            k.seal(room.code, 1),
            k.conn(room.code, "p1"),
            k.lease(f"tick|{room.code}"),
            k.lease(f"told|{room.code}|1"),
            k.live(s),
            k.deadlines(s),
            *k.outbox(s),
        ]
        assert len({client.keyslot(key) for key in keys}) == 1, room.code
        owners.add(client.get_node_from_key(k.room(room.code)).name)
    assert len(owners) >= 2  # three masters: the shards' slots are not all on one
    assert len(cstore.live_rooms(10**13)) == 40
    assert cstore.room_count()["countdown"] == 40


def test_cluster_clients_are_bounded_like_the_single_server_s(
    cluster_client: redis.RedisCluster,
) -> None:
    nodes = cluster_client.get_primaries()
    assert len(nodes) == 3
    for node in nodes:
        pool = cluster_client.get_redis_connection(node).connection_pool
        assert isinstance(pool, redis.BlockingConnectionPool) and pool.timeout == POOL_TIMEOUT_S
        assert pool.connection_kwargs["socket_timeout"] == REPLY_TIMEOUT_S
        assert pool.connection_kwargs["socket_connect_timeout"] == CONNECT_TIMEOUT_S


def test_cluster_seeds_are_host_port_pairs() -> None:
    assert parse_nodes(" a:1, 10.0.0.2:7001 ,[::1]:7002,") == [
        ("a", 1),
        ("10.0.0.2", 7001),
        ("::1", 7002),
    ]
    for bad in ("", "a", "a:", ":1", "a:x", "a:70000"):
        with pytest.raises(ValueError):
            parse_nodes(bad)


def test_the_cluster_is_chosen_by_its_own_setting_never_with_redis_url() -> None:
    config = Config({"REDIS_CLUSTER_NODES": "10.0.0.1:7000,10.0.0.2:7000"})
    assert config.REDIS_CLUSTER_NODES == [("10.0.0.1", 7000), ("10.0.0.2", 7000)]
    assert config.REDIS_CLUSTER_SHARDS == CLUSTER_SHARDS and config.REDIS_URL is None
    assert limits_url(None, config.REDIS_CLUSTER_NODES) == (
        "redis+cluster://10.0.0.1:7000,10.0.0.2:7000"
    )
    with pytest.raises(SettingError, match="not both"):
        Config({"REDIS_CLUSTER_NODES": "a:1", "REDIS_URL": "redis://b"})
    with pytest.raises(SettingError, match="REDIS_CLUSTER_NODES"):
        Config({"REDIS_CLUSTER_NODES": "a"})
    with pytest.raises(SettingError, match="braces"):
        Config({"REDIS_PREFIX": "cr{x}:"})
    with pytest.raises(SettingError, match="at least 1"):
        Config({"REDIS_CLUSTER_NODES": "a:1", "REDIS_CLUSTER_SHARDS": "0"})


def test_per_ip_budgets_hold_on_the_cluster(
    redis_cluster_nodes: list[tuple[str, int]], cstore: RedisStore
) -> None:
    budgets = Budgets.parse_setting("joins_per_ip=2/minute")
    throttle = Throttle(budgets, cstore, limits_url(None, redis_cluster_nodes), cstore.p)
    throttle.join("10.1.2.3")
    throttle.join("10.1.2.3")
    with pytest.raises(Refused):
        throttle.join("10.1.2.3")
    throttle.join("10.1.2.4")  # per address
