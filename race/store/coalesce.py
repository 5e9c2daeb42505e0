"""Group commit for Redis: commands issued while a round trip is in flight go together.

On the keys path every batch is one Redis command. Sent one by one, each costs a pooled
connection, a write and a read system call and a trip through the event hub; under load
those, not Redis, were a worker's largest cost (see docs/architecture.md, "Load figures").
``Coalescer.run`` queues a command; the first caller to find no round trip in flight
leads: it sends everything queued as one pipeline, wakes the callers whose replies came
back, and hands the lead to the first caller that queued meanwhile. So a command waits at
most for the round trip in flight and then its own, and an idle worker pays nothing extra.

It blocks through ``threading`` primitives, which the async worker's monkey patching makes
cooperative (eventlet or gevent); without patching they are ordinary thread locks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any


class _Call:
    __slots__ = ("args", "done", "error", "lead", "result")

    def __init__(self, args: tuple[Any, ...]) -> None:
        self.args = args
        self.done = threading.Event()
        self.lead = False
        self.result: Any = None
        self.error: BaseException | None = None


class Coalescer:
    """Runs commands through one pipeline per round trip (see the module docstring)."""

    def __init__(self, pipeline: Callable[[], Any]) -> None:
        #: Returns a fresh non-transactional redis-py pipeline.
        self._pipeline = pipeline
        self._lock = threading.Lock()
        self._queue: list[_Call] = []
        self._busy = False
        #: Round trips made and commands sent (read by the tests and the benchmark).
        self.trips = 0
        self.commands = 0

    def run(self, *args: Any) -> Any:
        """Run one command (``execute_command`` arguments); return its reply or raise."""
        (call,) = self._join([args])
        return _outcome(call)

    def run_many(self, commands: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Run several commands in one round trip; return each one's reply, or the
        exception it failed with (the caller decides which failures matter)."""
        calls = self._join(commands)
        return [call.result if call.error is None else call.error for call in calls]

    def _join(self, commands: Sequence[tuple[Any, ...]]) -> list[_Call]:
        """Queue commands together (so they share a round trip) and wait for them."""
        calls = [_Call(args) for args in commands]
        if not calls:
            return calls
        with self._lock:
            self._queue.extend(calls)
            lead = not self._busy
            self._busy = True
        if not lead:
            # The lead is handed to the first queued call; a batch takes the whole queue,
            # so once the first call is done, so are the rest.
            calls[0].done.wait()
            if not calls[0].lead:
                return calls
        self._lead()
        return calls

    def _lead(self) -> None:
        """Send the queue (this caller's command included) and pass the lead on."""
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            pipe = self._pipeline()
            for call in batch:
                pipe.execute_command(*call.args)
            replies = pipe.execute(raise_on_error=False)
        except BaseException as exc:  # the connection failed: every caller hears why
            replies = [exc] * len(batch)
        finally:
            with self._lock:
                self.trips += 1
                self.commands += len(batch)
                if self._queue:
                    following = self._queue[0]
                    following.lead = True
                    following.done.set()
                else:
                    self._busy = False
        for call, reply in zip(batch, replies, strict=True):
            if isinstance(reply, BaseException):
                call.error = reply
            else:
                call.result = reply
        # Every reply is in place before anyone wakes: a caller of several commands waits
        # on its first one only, and with real threads could otherwise read the rest early.
        for call in batch:
            call.done.set()


def _outcome(call: _Call) -> Any:
    if call.error is not None:
        raise call.error
    return call.result
