"""Where finished races go once they leave the store's outbox: the results sink."""

from __future__ import annotations

import threading
from typing import Any
from typing import Protocol


class SinkDown(Exception):
    """The sink can take no record just now (its database is away, or still busy with
    another write): not the record's fault, so the outbox waits and counts no attempt."""


class SinkBusy(SinkDown):
    """The sink is still busy with an earlier write: routine, the outbox waits."""


def permanent(exc: BaseException) -> bool:
    """Tell whether saving a record failed for good (it is malformed): retrying would
    fail the same way, so the record goes straight to the dead letters."""
    return isinstance(exc, KeyError | TypeError | ValueError | AttributeError)


class ResultsSink(Protocol):
    """Persists finished race records; ``save`` must be idempotent by ``race_id``."""

    def save(self, record: dict[str, Any]) -> None:
        """Persist one finished race, or raise: ``SinkDown`` if no record can be stored
        now, anything else if this one could not (it is retried with backoff, then set
        aside as a dead letter; at once if the error is ``permanent``)."""


class MemorySink:
    """Keeps finished races in memory, once each (the tests read it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}

    def save(self, record: dict[str, Any]) -> None:
        """Keep the record unless a record of the same race is already kept."""
        with self._lock:
            self.records.setdefault(str(record["race_id"]), record)
