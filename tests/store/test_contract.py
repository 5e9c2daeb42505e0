"""The store contract: one suite, run against the in-process store and the real Redis."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from race.core import hosting
from race.core import members
from race.core import phases
from race.core import room as rooms
from race.core.room import Refused
from race.core.room import Room
from race.core.snippet import make_snippet
from race.store.base import Effects
from race.store.base import Live
from race.store.base import NoSuchRoom
from race.store.base import NotHolder
from race.store.base import Sealed
from race.store.base import Store
from race.store.policy import DEADLINE_HOLD_MS

SNIPPET = make_snippet(
    id="abc", title="T", language="python", difficulty="easy", indent="spaces:4", code="a\nb\nc"
)


def new(code: str = "R" * 16, kind: rooms.Kind = "private") -> Room:
    """Return a fresh room."""
    return rooms.new_room(code, kind, SNIPPET, 1_000, race_id="r" * 22)


def test_create_get_and_refuse_a_taken_code(store: Store) -> None:
    room = new()
    assert store.get_room(room.code) is None
    assert store.create_room(room)
    assert store.get_room(room.code) == room
    assert not store.create_room(replace(room, locked=True))
    assert store.get_room(room.code) == room


def test_update_applies_a_move_with_its_effects(store: Store) -> None:
    store.create_room(new())
    before, after = store.update_room(
        "R" * 16,
        lambda r: members.join(r, "p1", "Ann", "racer", 2_000),
        lambda b, a: Effects(schedule={"x|1": 5_000}, outbox={"rec1": '{"a": 1}'}),
    )
    assert before.seats == () and [s.player_id for s in after.seats] == ["p1"]
    assert store.get_room("R" * 16) == after
    assert store.claim_due(5_000) == ["x|1"]
    assert store.outbox_pending() == [("rec1", '{"a": 1}')]


def test_refused_or_unchanged_moves_write_nothing(store: Store) -> None:
    room = new()
    store.create_room(room)

    def refuse(_: Room) -> Room:
        raise Refused("nope", "no")

    with pytest.raises(Refused):
        store.update_room(room.code, refuse, lambda b, a: Effects(schedule={"y|1": 1}))
    before, after = store.update_room(
        room.code, lambda r: r, lambda b, a: Effects(schedule={"z|1": 1})
    )
    assert before == after == room
    assert store.claim_due(10**12) == []
    with pytest.raises(NoSuchRoom):
        store.update_room("N" * 16, lambda r: r)


def test_concurrent_moves_all_land(store: Store) -> None:
    store.create_room(new())
    errors: list[BaseException] = []

    def join(i: int) -> None:
        try:
            store.update_room("R" * 16, lambda r: members.join(r, f"p{i}", f"N{i}", "racer", 2_000))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    room = store.get_room("R" * 16)
    assert room is not None and sorted(s.player_id for s in room.seats) == sorted(
        f"p{i}" for i in range(10)
    )


def test_live_rooms_and_counts_follow_the_phase(store: Store) -> None:
    room = new()
    store.create_room(room)
    store.update_room(room.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
    assert store.live_rooms(10**13) == []
    _, counting = store.update_room(room.code, lambda r: hosting.start(r, "p1", 2_000))
    assert counting.starts_at is not None
    assert store.live_rooms(counting.starts_at - 1) == []
    assert store.live_rooms(counting.starts_at) == [Live(room.code, 1, counting.starts_at)]
    assert store.room_count()["countdown"] == 1
    store.update_room(room.code, lambda r: phases.end(r, (), counting.starts_at + 5))
    assert store.live_rooms(10**13) == []
    assert store.room_count() == {"lobby": 0, "countdown": 0, "racing": 0, "finished": 1}
    store.delete_room(room.code)
    assert store.get_room(room.code) is None and sum(store.room_count().values()) == 0


def test_swap_lobby_is_compare_and_set(store: Store) -> None:
    assert store.get_lobby("go") is None
    assert store.swap_lobby("go", None, "A" * 16)
    assert not store.swap_lobby("go", None, "B" * 16)
    assert not store.swap_lobby("go", "B" * 16, None)
    assert store.get_lobby("go") == "A" * 16
    assert store.swap_lobby("go", "A" * 16, None)
    assert store.get_lobby("go") is None


def test_append_batch_by_sequence_number(store: Store) -> None:
    store.create_room(new())
    code = "R" * 16
    assert store.append_batch(code, 1, "p1", 0, "zero") == 0
    assert store.append_batch(code, 1, "p1", 1, "one") == 1
    assert store.append_batch(code, 1, "p1", 1, "one again") == 2  # duplicate: ignored
    assert store.append_batch(code, 1, "p1", 5, "gap") == 2  # gap: ignored
    assert store.read_log(code, 1, "p1") == ["zero", "one"]
    assert store.read_log(code, 2, "p1") == [] and store.read_log(code, 1, "p2") == []
    with pytest.raises(NoSuchRoom):
        store.append_batch("N" * 16, 1, "p1", 0, "x")


def test_a_sealed_round_takes_no_more_batches(store: Store) -> None:
    store.create_room(new())
    code = "R" * 16
    assert store.append_batch(code, 1, "p1", 0, "zero", progress='{"pos": 1}') == 0
    store.seal_round(code, 1)
    store.seal_round(code, 1)  # idempotent
    with pytest.raises(Sealed):
        store.append_batch(code, 1, "p1", 1, "one", progress='{"pos": 2}')
    with pytest.raises(Sealed):
        store.append_batch(code, 1, "p2", 0, "first")
    assert store.read_log(code, 1, "p1") == ["zero"] and store.read_log(code, 1, "p2") == []
    assert store.get_progress(code, 1) == {"p1": '{"pos": 1}'}
    assert store.append_batch(code, 2, "p1", 0, "next round") == 0  # other rounds go on


def test_only_the_connection_holding_the_seat_appends(store: Store) -> None:
    store.create_room(new())
    code = "R" * 16
    assert store.append_batch(code, 1, "p1", 0, "no holder yet", holder="sid-a") == 0
    store.put_conn(code, "p1", "sid-a")
    assert store.append_batch(code, 1, "p1", 1, "a's", progress='{"pos": 1}', holder="sid-a") == 1
    store.put_conn(code, "p1", "sid-b")  # another tab took the seat over
    with pytest.raises(NotHolder):
        store.append_batch(code, 1, "p1", 2, "a's late", progress='{"pos": 9}', holder="sid-a")
    assert store.append_batch(code, 1, "p1", 2, "b's", holder="sid-b") == 2
    assert store.append_batch(code, 1, "p1", 3, "unchecked") == 3  # no holder named
    assert store.read_log(code, 1, "p1") == ["no holder yet", "a's", "b's", "unchecked"]
    assert store.get_progress(code, 1) == {"p1": '{"pos": 1}'}
    assert store.append_batch(code, 1, "p2", 0, "another player", holder="sid-a") == 0


def test_a_room_write_records_the_seats_holders_with_it(store: Store) -> None:
    store.create_room(new())
    code = "R" * 16
    join = members.join
    store.update_room(code, lambda r: join(r, "p1", "Ann", "racer", 2_000, conn="a", tab="tab-a"))
    assert store.get_conn(code, "p1") == "a"
    with pytest.raises(NotHolder):
        store.append_batch(code, 1, "p1", 0, "from another tab", holder="b")
    store.update_room(
        code,
        lambda r: join(r, "p1", "Ann", "racer", 2_500, conn="b", tab="tab-b", take_over=True),
    )
    assert store.get_conn(code, "p1") == "b"  # in the same write as the room
    with pytest.raises(NotHolder):
        store.append_batch(code, 1, "p1", 0, "from the tab that lost it", holder="a")
    assert store.append_batch(code, 1, "p1", 0, "from the holder", holder="b") == 0


def test_concurrent_appends_with_the_same_seq_land_once(store: Store) -> None:
    store.create_room(new())
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(store.append_batch("R" * 16, 1, "p", 0, "x"))
        )
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0] + [1] * 7
    assert store.read_log("R" * 16, 1, "p") == ["x"]


def test_progress_per_round(store: Store) -> None:
    store.create_room(new())
    store.put_progress("R" * 16, 1, "p1", '{"pos": 3}')
    store.put_progress("R" * 16, 1, "p1", '{"pos": 4}')
    store.put_progress("R" * 16, 1, "p2", '{"pos": 1}')
    assert store.get_progress("R" * 16, 1) == {"p1": '{"pos": 4}', "p2": '{"pos": 1}'}
    assert store.get_progress("R" * 16, 2) == {}
    assert store.get_progress_many([("R" * 16, 2), ("R" * 16, 1), ("N" * 16, 1)]) == [
        {},
        {"p1": '{"pos": 4}', "p2": '{"pos": 1}'},
        {},
    ]
    assert store.get_progress_many([]) == []


def test_a_beat_claims_lists_live_rooms_and_reads_progress(store: Store) -> None:
    room = new()
    store.create_room(room)
    store.update_room(room.code, lambda r: members.join(r, "p1", "A", "racer", 1_000))
    _, counting = store.update_room(room.code, lambda r: hosting.start(r, "p1", 2_000))
    assert counting.starts_at is not None
    start = counting.starts_at
    store.put_progress(room.code, 1, "p1", '{"pos": 4}')
    store.schedule("a|1", start)
    store.schedule("b|1", start + 1)
    view = store.beat(start, [("N" * 16, 1), (room.code, 1)])
    assert view.claimed == ["a|1"]
    assert view.live == [Live(room.code, 1, start)]
    assert view.progress == [{}, {"p1": '{"pos": 4}'}]
    # The claim is a claim: held until reported done, like claim_due's.
    assert store.beat(start + 1, []) == (["b|1"], [Live(room.code, 1, start)], [])
    assert store.claim_due(start + DEADLINE_HOLD_MS) == []
    assert store.beat(start - 1, []).live == []


def test_connections_are_compare_and_delete(store: Store) -> None:
    store.put_conn("R" * 16, "p1", "sid-a")
    store.put_conn("R" * 16, "p1", "sid-b")
    assert not store.drop_conn("R" * 16, "p1", "sid-a")
    assert store.drop_conn("R" * 16, "p1", "sid-b")
    assert not store.drop_conn("R" * 16, "p1", "sid-b")


def test_deadlines_are_claimed_once_in_order(store: Store) -> None:
    store.schedule("b|1", 200)
    store.schedule("a|1", 100)
    store.schedule("c|1", 300)
    store.schedule("c|1", 900)  # moved
    store.schedule("d|1", 250)
    store.cancel("d|1")
    assert store.claim_due(50) == []
    assert store.claim_due(300) == ["a|1", "b|1"]
    assert store.claim_due(300) == []
    store.deadlines_done(["a|1", "b|1"], 300)
    assert store.claim_due(10_000) == ["c|1"]


def test_a_claimed_deadline_never_reported_done_comes_due_again(store: Store) -> None:
    """The claimer died before applying it (or never heard the store's reply)."""
    store.schedule("limit|R|1", 1_000)
    assert store.claim_due(1_000) == ["limit|R|1"]
    assert store.claim_due(1_000 + DEADLINE_HOLD_MS) == []
    assert store.claim_due(1_000 + DEADLINE_HOLD_MS + 1) == ["limit|R|1"]
    store.deadlines_done(["limit|R|1"], 1_000 + DEADLINE_HOLD_MS + 1)
    assert store.claim_due(10**12) == []


def test_done_keeps_a_deadline_scheduled_again_after_the_claim(store: Store) -> None:
    store.schedule("drop|R|p1", 1_000)
    store.schedule("drop|R|p2", 1_000)
    assert store.claim_due(1_000) == ["drop|R|p1", "drop|R|p2"]
    store.schedule("drop|R|p1", 2_500)  # p1 came back and dropped again meanwhile
    store.deadlines_done(["drop|R|p1", "drop|R|p2"], 1_000)
    assert store.claim_due(10**12) == ["drop|R|p1"]
    store.cancel("drop|R|p1")
    store.deadlines_done(["drop|R|p1"], 10**12)  # reporting a cancelled one is harmless
    assert store.claim_due(10**13) == []


def test_done_keeps_a_deadline_scheduled_again_for_the_end_of_the_hold(store: Store) -> None:
    """Even at the very millisecond the hold would end (a countdown as long as the hold,
    restarted at the claim's time), a deadline scheduled again is not the held one."""
    now = 1_767_225_600_123  # real millisecond timestamps, as the server uses
    store.schedule("begin|R|1", now)
    assert store.claim_due(now) == ["begin|R|1"]
    store.schedule("begin|R|1", now + DEADLINE_HOLD_MS)
    store.deadlines_done(["begin|R|1"], now)
    assert store.claim_due(now + DEADLINE_HOLD_MS) == ["begin|R|1"]


def test_a_claim_takes_at_most_its_limit_earliest_first(store: Store) -> None:
    for i in range(5):
        store.schedule(f"k|{i}", 100 + i)
    assert store.claim_due(1_000, limit=2) == ["k|0", "k|1"]
    assert store.claim_due(1_000, limit=2) == ["k|2", "k|3"]
    assert store.claim_due(1_000) == ["k|4"]


def test_concurrent_claimers_never_share_a_deadline(store: Store) -> None:
    for i in range(200):
        store.schedule(f"k|{i}", i)
    claimed: list[list[str]] = []

    def claim() -> None:
        mine: list[str] = []
        for _ in range(20):
            mine += store.claim_due(10_000, limit=7)
        claimed.append(mine)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [item for mine in claimed for item in mine]
    assert sorted(everything) == sorted(f"k|{i}" for i in range(200))


def test_leases(store: Store) -> None:
    assert store.acquire_lease("tick|R", "w1", 150)
    assert store.acquire_lease("tick|R", "w1", 150)  # renewal
    assert not store.acquire_lease("tick|R", "w2", 150)
    time.sleep(0.25)
    assert store.acquire_lease("tick|R", "w2", 150)
    assert not store.acquire_lease("tick|R", "w1", 150)


def test_token_buckets_give_at_most_the_burst_then_refill(store: Store) -> None:
    assert store.take_tokens("ev|1.2.3.4", 10, 5, 3) == 3
    assert store.take_tokens("ev|1.2.3.4", 10, 5, 3) == 2  # what is left of the burst
    assert store.take_tokens("ev|1.2.3.4", 10, 5, 1) == 0
    assert store.take_tokens("ev|5.6.7.8", 10, 5, 5) == 5  # buckets are per key
    time.sleep(0.25)  # ten a second: two or so back, far from the whole burst
    assert 2 <= store.take_tokens("ev|1.2.3.4", 10, 5, 5) < 5


def test_concurrent_takers_never_share_a_token(store: Store) -> None:
    given: list[int] = []

    def take() -> None:
        for _ in range(10):
            given.append(store.take_tokens("ev|9.9.9.9", 0.01, 25, 1))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(given) == 25 and len(given) == 80


def test_outbox_keeps_the_first_record_of_an_id(store: Store) -> None:
    store.create_room(new("A" * 16))
    store.create_room(new("B" * 16))
    store.update_room(
        "A" * 16, lambda r: replace(r, locked=True), lambda b, a: Effects(outbox={"r1": "first"})
    )
    store.update_room(
        "B" * 16, lambda r: replace(r, locked=True), lambda b, a: Effects(outbox={"r2": "second"})
    )
    store.update_room(
        "A" * 16, lambda r: replace(r, locked=False), lambda b, a: Effects(outbox={"r1": "again"})
    )
    assert store.outbox_pending() == [("r1", "first"), ("r2", "second")]
    assert store.outbox_size() == 2
    store.outbox_done("r1")
    assert store.outbox_pending() == [("r2", "second")] and store.outbox_size() == 1
    store.ping()


def test_leases_are_taken_together(store: Store) -> None:
    assert store.acquire_leases([], "w1", 1000) == []
    assert store.acquire_leases(["tick|A", "tick|B"], "w1", 1000) == [True, True]
    assert store.acquire_lease("tick|C", "w2", 1000)
    # w2 gets only what nobody else holds; w1 keeps renewing its own.
    assert store.acquire_leases(["tick|A", "tick|C", "tick|D"], "w2", 1000) == [
        False,
        True,
        True,
    ]
    assert store.acquire_leases(["tick|B", "tick|D"], "w1", 1000) == [True, False]


def test_a_dropped_round_keeps_nothing_and_takes_no_more_batches(store: Store) -> None:
    store.create_room(new())
    code = "R" * 16
    store.append_batch(code, 1, "p1", 0, "zero", progress='{"pos": 1}')
    store.append_batch(code, 2, "p1", 0, "next", progress='{"pos": 9}')
    store.drop_round(code, 1, ["p1", "p2"])
    store.drop_round(code, 1, ["p1"])  # idempotent
    assert store.read_log(code, 1, "p1") == [] and store.get_progress(code, 1) == {}
    with pytest.raises(Sealed):
        store.append_batch(code, 1, "p1", 0, "late")
    assert store.read_log(code, 2, "p1") == ["next"]  # other rounds are untouched
    assert store.get_progress(code, 2) == {"p1": '{"pos": 9}'}
