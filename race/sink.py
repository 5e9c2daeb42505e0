"""Where finished races go once they leave the store's outbox: the results sink."""

from __future__ import annotations

import threading
from typing import Any
from typing import Protocol


class ResultsSink(Protocol):
    """Persists finished race records; ``save`` must be idempotent by ``race_id``."""

    def save(self, record: dict[str, Any]) -> None:
        """Persist one finished race (raise if it could not be stored; it will be retried)."""


class MemorySink:
    """Keeps finished races in memory, once each (the tests read it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}

    def save(self, record: dict[str, Any]) -> None:
        """Keep the record unless a record of the same race is already kept."""
        with self._lock:
            self.records.setdefault(str(record["race_id"]), record)
