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
        call = _Call(args)
        with self._lock:
            self._queue.append(call)
            lead = not self._busy
            self._busy = True
        if not lead:
            call.done.wait()
            if not call.lead:
                return _outcome(call)
        self._lead()
        return _outcome(call)

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
            call.done.set()


def _outcome(call: _Call) -> Any:
    if call.error is not None:
        raise call.error
    return call.result
