"""The keys path without sockets: bounded rounds, store faults at the append, the seal."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
import redis

from race.core.bounds import MAX_LOG_BYTES
from race.core.bounds import key_budget
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keys import BACKSPACE
from race.core.keys import Key
from race.core.room import Refused
from race.core.room import Room
from race.core.snippet import Snippet
from race.core.snippet import custom_snippet
from race.corpus import builtin
from race.identity import Player
from race.realtime.engine import Engine
from race.realtime.heartbeat import Heartbeat
from race.realtime.racing import Racing
from race.sink import MemorySink
from race.store.base import wall_ms
from race.store.memory import MemoryStore

HOST = Player("p" + "a" * 16, "Ada")


class Worker:
    """One worker's race services over a store, on a clock the test moves."""

    def __init__(self, store: MemoryStore, clock: list[int]) -> None:
        self.clock = clock
        self.store = store
        self.engine = Engine(store, builtin(), lambda: clock[0], lambda *_: None)
        self.racing = Racing(self.engine)
        self.heartbeat = Heartbeat(self.engine, self.racing, MemorySink(), "w")

    def race(self, snippet: Snippet, limit_ms: int = 600_000) -> Room:
        """Open a private room with Ada alone, start it and let its countdown end."""
        room = self.engine.create_private(HOST, snippet, limit_ms)
        self.engine.start(room.code, HOST)
        started = self.store.get_room(room.code)
        assert started is not None and started.starts_at is not None
        self.clock[0] = started.starts_at
        self.heartbeat.beat()
        racing = self.store.get_room(room.code)
        assert racing is not None and racing.phase == "racing"
        return racing

    def send(self, room: Room, seq: int, keys: tuple[Key, ...]) -> dict[str, Any]:
        """Send one batch as Ada, the clock just past its last key."""
        assert room.starts_at is not None
        if keys:
            self.clock[0] = max(self.clock[0], room.starts_at + keys[-1][0] + 30)
        return self.racing.keys(room.code, room.round, HOST, seq, keys)


def snippet(name: str = "bash-count-lines") -> Snippet:
    found = builtin().get(name)
    assert found is not None
    return found


def typing(s: Snippet, every_ms: int = 120) -> list[Key]:
    """Return the ideal keys of a snippet, one every ``every_ms``."""
    keys = ideal_keys(Course(s.text, indent_unit=s.indent_unit))
    return [(300 + i * every_ms, k) for i, k in enumerate(keys)]


def batches(keys: list[Key], size: int = 6) -> list[tuple[Key, ...]]:
    return [tuple(keys[i : i + size]) for i in range(0, len(keys), size)]


class FailingAppend(MemoryStore):
    """The in-process store, failing chosen appends: before they land, or after (the
    batch is stored and the reply is lost)."""

    def __init__(self, clock: Any) -> None:
        super().__init__(clock)
        self.fail: dict[int, str] = {}

    def append_batch(self, code: str, round_: int, player_id: str, seq: int, line: str, **kw: Any) -> int:  # fmt: skip  # noqa: E501
        when = self.fail.pop(seq, None)
        if when == "before":
            raise redis.exceptions.TimeoutError("Timeout reading from socket")
        before = super().append_batch(code, round_, player_id, seq, line, **kw)
        if when == "after":
            raise redis.exceptions.ConnectionError("Connection reset by peer")
        return before


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_failed_append_folds_the_resent_batch_once(when: str) -> None:
    clock = [wall_ms()]
    store = FailingAppend(lambda: clock[0])
    w = Worker(store, clock)
    s = snippet()
    room = w.race(s)
    chunks = batches(typing(s))
    store.fail = {3: when, 7: when}
    acks = []
    for seq, chunk in enumerate(chunks):
        try:
            w.send(room, seq, chunk)
        except redis.exceptions.RedisError:
            acks.append(w.send(room, seq, chunk))  # the client resends the same batch
    assert not store.fail, "both failures were injected"
    assert not [a for a in acks if a["error_run"]], "a resend was folded twice"
    ended = store.get_room(room.code)
    assert ended is not None and ended.phase == "finished"
    (standing,) = ended.standings
    assert standing.completed and standing.accuracy == 100.0
    record = json.loads(dict(store.outbox_pending())[room.race_id])
    stored = [json.loads(line) for line in record["logs"][HOST.id]]
    assert [b["seq"] for b in stored if "seq" in b] == list(range(len(chunks)))  # each once


def test_keys_after_the_finish_are_refused_and_not_stored() -> None:
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    w = Worker(store, clock)
    s = snippet()
    guest = Player("p" + "b" * 16, "Bo")  # a second racer keeps the race open
    room = w.engine.create_private(HOST, s, 600_000)
    w.engine.join(room.code, guest, "racer")
    w.engine.start(room.code, HOST)
    started = store.get_room(room.code)
    assert started is not None and started.starts_at is not None
    clock[0] = started.starts_at
    w.heartbeat.beat()
    room = store.get_room(room.code)
    assert room is not None
    chunks = batches(typing(s))
    for seq, chunk in enumerate(chunks):
        ack = w.send(room, seq, chunk)
    assert ack["finished"]
    late = ((chunks[-1][-1][0] + 100, "x"),)
    with pytest.raises(Refused) as refused:
        w.send(room, len(chunks), late)
    assert refused.value.code == "finished"
    assert len(store.read_log(room.code, room.round, HOST.id)) == len(chunks)
    again = w.send(room, len(chunks) - 1, chunks[-1])  # a resend of the last is a duplicate
    assert again["duplicate"] and again["seq"] == len(chunks)


def flailing(start_ms: int) -> itertools.count[int]:
    return itertools.count(start_ms, 10)


def test_a_racer_cannot_send_more_keys_than_the_round_takes() -> None:
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    w = Worker(store, clock)
    s = snippet()
    room = w.race(s)
    budget = key_budget(Course(s.text, indent_unit=s.indent_unit).typeable)
    times = flailing(300)
    sent = seq = 0
    with pytest.raises(Refused) as refused:
        while sent < 10 * budget:
            chunk = tuple((next(times), k) for k in ("#", BACKSPACE) * 16)
            w.send(room, seq, chunk)
            sent += len(chunk)
            seq += 1
    assert refused.value.code == "key_limit"
    stored = [json.loads(line)["keys"] for line in store.read_log(room.code, 1, HOST.id)]
    assert budget - 32 < sum(map(len, stored)) <= budget
    with pytest.raises(Refused, match="at most"):  # an empty batch spends the budget too
        for _ in range(40):
            w.send(room, seq, ())
            seq += 1


def test_a_racer_cannot_store_more_log_bytes_than_the_round_takes() -> None:
    clock = [wall_ms()]
    store = MemoryStore(lambda: clock[0])
    w = Worker(store, clock)
    s = custom_snippet("x = 1\n" * 333)  # ~2,000 characters, the most a host may paste
    room = w.race(s)
    times = flailing(300)
    seq = 0
    with pytest.raises(Refused) as refused:
        while seq < 20_000:
            w.send(room, seq, ((next(times), "#"),))  # one key a batch: the most framing
            w.send(room, seq + 1, ((next(times), BACKSPACE),))
            seq += 2
    assert refused.value.code == "key_limit" and "bytes" in refused.value.message
    size = sum(len(line) for line in store.read_log(room.code, 1, HOST.id))
    assert MAX_LOG_BYTES - 100 < size <= MAX_LOG_BYTES


class ConcurrentBatch(MemoryStore):
    """The in-process store, where a batch already past every check lands the moment the
    end of the race first reads a log (the worst moment)."""

    landed: bool | None = None
    batch: tuple[str, str, int, str] | None = None

    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        if self.batch is not None:
            code_, pid, seq, line = self.batch
            self.batch = None
            try:
                self.landed = super().append_batch(code_, round_, pid, seq, line) == seq
            except Exception:
                self.landed = False
        return super().read_log(code, round_, player_id)


def short_race(store_type: type[MemoryStore]) -> tuple[Worker, Room, list[tuple[Key, ...]]]:
    """Start a 15 s race for Ada on a fresh store; return it with her batches, slow ones."""
    clock = [wall_ms()]
    w = Worker(store_type(lambda: clock[0]), clock)
    s = snippet()
    return w, w.race(s, limit_ms=15_000), batches(typing(s, every_ms=800))


def test_a_batch_that_lands_as_the_race_ends_is_refused_or_in_the_result() -> None:
    w, room, chunks = short_race(ConcurrentBatch)
    store, clock = w.store, w.clock
    assert isinstance(store, ConcurrentBatch)
    seq = 0
    assert room.ends_at is not None and room.starts_at is not None
    while chunks[seq][-1][0] < 14_000:
        w.send(room, seq, chunks[seq])
        seq += 1
    late = json.dumps({"seq": seq, "recv_ms": 14_990, "keys": chunks[seq]})
    store.batch = (room.code, HOST.id, seq, late)
    clock[0] = room.ends_at
    assert w.racing.conclude(room.code, room.round)
    record = json.loads(dict(store.outbox_pending())[room.race_id])
    assert store.landed is not None, "the batch was tried"
    in_result = late in record["logs"][HOST.id]
    assert store.landed == in_result
    assert not store.landed  # the round was sealed before its logs were read


@pytest.mark.parametrize("sealed_only", [False, True])
def test_a_resend_after_the_end_is_a_duplicate_and_a_new_batch_is_too_late(
    sealed_only: bool,
) -> None:
    w, room, chunks = short_race(MemoryStore)
    store, clock = w.store, w.clock
    acks = [w.send(room, seq, chunks[seq]) for seq in range(3)]
    assert room.ends_at is not None
    if sealed_only:  # the round is sealed, the room not yet finished: the end is under way
        store.seal_round(room.code, room.round)
    else:
        clock[0] = room.ends_at
        assert w.racing.conclude(room.code, room.round)
    again = w.racing.keys(room.code, room.round, HOST, 2, chunks[2])
    assert again == {**acks[2], "duplicate": True}
    first = w.racing.keys(room.code, room.round, HOST, 0, chunks[0])
    assert first["duplicate"] and first["seq"] == 3  # the ack says what comes next
    with pytest.raises(Refused) as refused:
        w.racing.keys(room.code, room.round, HOST, 3, chunks[3])
    assert refused.value.code == "time_up"


class CountingReads(MemoryStore):
    """The in-process store, counting the logs read."""

    reads = 0

    def read_log(self, code: str, round_: int, player_id: str) -> list[str]:
        self.reads += 1
        return super().read_log(code, round_, player_id)


def test_ending_a_told_race_again_reads_no_log() -> None:
    w, room, chunks = short_race(CountingReads)
    store = w.store
    assert isinstance(store, CountingReads) and room.ends_at is not None
    w.send(room, 0, chunks[0])
    w.clock[0] = room.ends_at
    before = store.reads
    assert w.racing.conclude(room.code, room.round)
    read = store.reads
    assert read == before + 1  # one racer's log, once
    assert not w.racing.conclude(room.code, room.round)  # the host's end, a late deadline
    assert store.reads == read


def test_the_keys_answer_and_the_join_answer_tell_the_batch_period() -> None:
    clock = [wall_ms()]
    w = Worker(MemoryStore(lambda: clock[0]), clock)
    w.racing.period = lambda: 350  # the worker's pace now (race.realtime.ticker.Pacer)
    room = w.race(snippet())
    assert w.racing.you(room, HOST.id)["every"] == 350
    first = batches(typing(snippet()))[0]
    assert w.send(room, 0, first)["every"] == 350
    again = w.send(room, 0, first)  # a resend: answered as a duplicate, with the period
    assert again["duplicate"] and again["every"] == 350
