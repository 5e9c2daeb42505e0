"""What only the Redis store needs: TTLs on every room key, and the room codec."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis

from race.core import ghosts
from race.core import hosting
from race.core import members
from race.core import phases
from race.core import room as rooms
from race.core.figures import Figures
from race.core.record import RACE_ID
from race.core.record import legacy_race_id
from race.core.review import Review
from race.core.room import Ghost
from race.core.standings import standings
from race.core.verdict import Verdict
from race.store.base import ROOM_TTL_MS
from race.store.codec import decode_room
from race.store.codec import encode_room
from race.store.redis import RedisStore
from tests.store.conftest import redis_store
from tests.store.test_contract import new

pytestmark = pytest.mark.integration


@pytest.fixture
def rstore(redis_client: redis.Redis) -> Iterator[RedisStore]:
    """Return a Redis store on a fresh prefix."""
    yield from redis_store(redis_client)


def test_room_keys_expire(rstore: RedisStore) -> None:
    room = new()
    rstore.create_room(room)
    rstore.append_batch(room.code, 1, "p1", 0, "line")
    rstore.put_progress(room.code, 1, "p1", "{}")
    rstore.put_conn(room.code, "p1", "sid")
    for key in [
        rstore.k.room(room.code),
        rstore.k.log(room.code, 1, "p1"),
        rstore.k.progress(room.code, 1),
        rstore.k.conn(room.code, "p1"),
    ]:
        ttl = rstore.r.pttl(key)
        assert 0 < ttl <= ROOM_TTL_MS, key


def test_a_round_s_log_and_progress_get_their_ttl_from_the_batches(rstore: RedisStore) -> None:
    room = new()
    rstore.create_room(room)
    for seq in range(3):  # later batches keep the TTL the first one set
        rstore.append_batch(room.code, 1, "p1", seq, "line", progress=f'{{"n": {seq}}}')
    rstore.append_batch(room.code, 1, "p2", 0, "line", progress='{"n": 0}')
    for key in [rstore.k.log(room.code, 1, "p1"), rstore.k.log(room.code, 1, "p2"),
                rstore.k.progress(room.code, 1)]:  # fmt: skip
        ttl = rstore.r.pttl(key)
        assert 0 < ttl <= ROOM_TTL_MS, key


def test_expired_rooms_leave_the_indexes(rstore: RedisStore) -> None:
    room = new()
    rstore.create_room(room)
    rstore.r.delete(rstore.k.room(room.code))  # as if its TTL ran out
    rstore.r.zadd(rstore.k.expiry(rstore.k.shard(room.code)), {room.code: 1})
    rstore.claim_due(10**13)
    assert sum(rstore.room_count().values()) == 0


def test_a_room_expired_mid_race_leaves_the_live_index(rstore: RedisStore) -> None:
    room = new()
    rstore.create_room(room)
    rstore.update_room(room.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
    rstore.update_room(room.code, lambda r: hosting.start(r, "p1", 2_000))
    other = new("O" * 16)
    rstore.create_room(other)
    rstore.update_room(other.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
    rstore.update_room(other.code, lambda r: hosting.start(r, "p1", 2_000))
    assert len(rstore.live_rooms(10**13)) == 2
    rstore.r.delete(rstore.k.room(room.code))  # its race never concluded; TTL ran out
    rstore.r.zadd(rstore.k.expiry(rstore.k.shard(room.code)), {room.code: 1})
    assert [live.code for live in rstore.beat(10**13, []).live] == [other.code]
    assert [live.code for live in rstore.live_rooms(10**13)] == [other.code]


def test_a_beat_reads_live_rooms_over_either_protocol(redis_client: redis.Redis) -> None:
    kwargs = redis_client.connection_pool.connection_kwargs
    for protocol in (2, 3):
        client = redis.Redis(
            host=kwargs["host"],
            port=kwargs["port"],
            db=kwargs.get("db", 0),
            protocol=protocol,
            decode_responses=True,
        )
        for store in redis_store(client):
            room = new()
            store.create_room(room)
            store.update_room(room.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
            _, counting = store.update_room(room.code, lambda r: hosting.start(r, "p1", 2_000))
            assert counting.starts_at is not None
            view = store.beat(10**13, [(room.code, 1)])
            assert [(live.code, live.starts_at) for live in view.live] == [
                (room.code, counting.starts_at)
            ], protocol
        client.close()


def test_a_beat_claims_after_redis_forgets_its_scripts(rstore: RedisStore) -> None:
    rstore.schedule("a|1", 100)
    rstore.r.script_flush()  # as after a restart
    assert rstore.beat(100, [("N" * 16, 1)]) == (["a|1"], [], [{}])
    assert rstore.claim_due(100) == []  # held: the claim really happened, once


def test_codec_round_trips_a_finished_room() -> None:
    room = new()
    room = members.join(room, "p1", "Ann <b>", "racer", 1_100)
    room = members.join(room, "p2", "Zoë", "spectator", 1_200)
    room = hosting.start(room, "p1", 1_300)
    room = phases.finish(room, "p1", 9_000)
    fig = Figures(61.5, 70.0, 97.1, 80.0, 9000, True, 1.0, 30, 1, 1, (), (("a", 1),))
    reviews = {"p1": Review(fig, Verdict(False, ()))}
    room = phases.end(room, standings(room, reviews), 20_000)
    assert decode_room(encode_room(room)) == room


def test_a_room_stored_before_random_race_ids_gets_the_same_opaque_one_everywhere() -> None:
    stored = json.loads(encode_room(new()))
    del stored["race_id"]  # as a worker from before race ids were random wrote it
    del stored["public_results"]
    stored["_v"] = 1
    assert decode_room(json.dumps(stored)).public_results is False  # a private room
    decoded = [decode_room(json.dumps(stored)).race_id for _ in range(2)]
    assert decoded[0] == decoded[1] == legacy_race_id(stored["code"], stored["round"])
    assert RACE_ID.match(decoded[0]) and stored["code"] not in decoded[0]


def test_a_room_from_a_newer_worker_is_read_without_the_fields_it_added() -> None:
    room = members.join(new(), "p1", "Ann", "racer", 1_100)
    stored = json.loads(encode_room(room))
    stored["a_later_setting"] = True
    stored["seats"][0]["a_later_mark"] = 1
    assert decode_room(json.dumps(stored)) == room
    stored["_v"] = 99
    with pytest.raises(ValueError, match="incompatible version"):
        decode_room(json.dumps(stored))


def test_a_seat_s_connection_is_kept_and_a_seat_stored_without_one_reads_as_unknown() -> None:
    room = members.join(new(), "p1", "Ann", "racer", 1_100, conn="sid-1")
    assert decode_room(encode_room(room)) == room
    stored = json.loads(encode_room(room))
    del stored["seats"][0]["conn"]  # as a worker from before seats named it wrote it
    old = decode_room(json.dumps(stored))
    seat = old.seat("p1")
    assert seat is not None and seat.conn == ""  # any close disconnects it, as before
    seat = members.disconnect(old, "p1", "sid-9").seat("p1")
    assert seat is not None and not seat.connected


def test_a_room_s_ghosts_and_newer_timings_round_trip_and_older_rooms_have_none() -> None:
    lobby = rooms.new_room("G" * 16, "quick", new().snippet, 1_000, race_id="g" * 22, lobby="any")
    lone = members.join(lobby, "p1", "Ann", "racer", 1_100)
    run = Ghost("r" * 22, "p" + "0" * 16, "Bo <i>", 71.5, 9_250)
    room = ghosts.race_ghosts(lone, "p1", [run], 2_000)
    assert decode_room(encode_room(room)) == room and room.ghosts == (run,)
    stored = json.loads(encode_room(room))
    del stored["ghosts"]  # as a worker from before ghosts wrote it
    del stored["timing"]["ghost_offer_ms"]
    stored["timing"]["a_later_timing_ms"] = 5  # and one from after them
    old = decode_room(json.dumps(stored))
    assert old.ghosts == () and old.timing == room.timing


def test_scripts_reload_after_redis_forgets_them(rstore: RedisStore) -> None:
    room = new()
    rstore.create_room(room)
    rstore.r.script_flush()  # as after a restart
    assert rstore.append_batch(room.code, 1, "p1", 0, "line") == 0
    assert rstore.read_log(room.code, 1, "p1") == ["line"]


def test_a_room_stored_before_limits_followed_the_snippet_keeps_its_limit() -> None:
    room = new()
    assert decode_room(encode_room(room)).limit_set is room.limit_set
    stored = json.loads(encode_room(room))
    del stored["limit_set"]  # as a worker from before wrote it: the limit stayed put
    old = decode_room(json.dumps(stored))
    assert old.limit_set and old.limit_ms == room.limit_ms
