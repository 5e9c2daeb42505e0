"""The in-process store's results outbox: waiting records, their backoff, dead letters."""

from __future__ import annotations

import threading
from collections.abc import Callable

from race.store.base import DEAD_LETTER_MAX
from race.store.base import DeadLetter
from race.store.policy import backoff_ms


class MemoryOutbox:
    """The outbox half of ``MemoryStore`` (its lock and clock are the store's)."""

    _lock: threading.RLock
    _clock: Callable[[], int]

    def _init_outbox(self) -> None:
        #: Waiting records in arrival order: id -> payload.
        self._outbox: dict[str, str] = {}
        #: Records backing off after a failure: id -> when they are due again.
        self._outbox_due: dict[str, int] = {}
        self._outbox_tries: dict[str, int] = {}
        self._dead: list[DeadLetter] = []

    def _outbox_add(self, record_id: str, payload: str) -> None:
        self._outbox.setdefault(record_id, payload)

    def _outbox_forget(self, record_id: str) -> None:
        self._outbox.pop(record_id, None)
        self._outbox_due.pop(record_id, None)
        self._outbox_tries.pop(record_id, None)

    def outbox_pending(self, limit: int = 50) -> list[tuple[str, str]]:
        """Return the records due now, earliest due first (arrival order among equals)."""
        with self._lock:
            now = self._clock()
            order = sorted(
                ((self._outbox_due.get(i, 0), n, i) for n, i in enumerate(self._outbox)),
            )
            return [(i, self._outbox[i]) for due, _, i in order if due <= now][:limit]

    def outbox_failed(self, record_id: str, first_ms: int, longest_ms: int) -> int:
        """Count a failure and hide the record for its backoff."""
        with self._lock:
            if record_id not in self._outbox:
                return 0
            tries = self._outbox_tries[record_id] = self._outbox_tries.get(record_id, 0) + 1
            self._outbox_due[record_id] = self._clock() + backoff_ms(tries, first_ms, longest_ms)
            return tries

    def outbox_dead_letter(self, record_id: str, reason: str) -> bool:
        """Move a waiting record to the dead letters (unless they are full)."""
        with self._lock:
            if record_id not in self._outbox or len(self._dead) >= DEAD_LETTER_MAX:
                return False
            self._dead.append(DeadLetter(record_id, self._outbox[record_id], reason))
            self._outbox_forget(record_id)
            return True

    def dead_letters(self, limit: int = 50) -> list[DeadLetter]:
        """Return the oldest dead letters."""
        with self._lock:
            return self._dead[:limit]

    def dead_letter_count(self) -> int:
        """Count the dead letters."""
        with self._lock:
            return len(self._dead)

    def retry_dead_letters(self, limit: int = DEAD_LETTER_MAX) -> int:
        """Put the oldest dead letters back in the outbox."""
        with self._lock:
            moving, self._dead = self._dead[:limit], self._dead[limit:]
            for letter in moving:
                self._outbox_add(letter.record_id, letter.payload)
            return len(moving)

    def outbox_done(self, record_id: str) -> None:
        """Drop a persisted record."""
        with self._lock:
            self._outbox_forget(record_id)

    def outbox_size(self) -> int:
        """Count waiting records."""
        with self._lock:
            return len(self._outbox)
