"""Draining the results outbox into the sink: backoff per record, dead letters, no blocking.

A record whose save fails waits its own backoff (counted in the store, so every worker
draining the outbox shares the count) while the records behind it go on draining. One that
fails ``MAX_ATTEMPTS`` times, or fails for good (``race.sink.permanent``: a malformed
payload), is set aside as a dead letter (``race outbox retry`` puts it back). A sink that
can take no record at all (``SinkDown``: its database is away) ends the drain without
charging any record an attempt: an outage never turns good records into dead letters.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

from race.logonce import ONCE
from race.sink import ResultsSink
from race.sink import SinkBusy
from race.sink import SinkDown
from race.sink import permanent
from race.store.base import Store

log = logging.getLogger(__name__)

#: A record that failed waits this long before its next try, doubling each time ...
RETRY_FIRST_MS = 1_000
#: ... up to this.
RETRY_LONGEST_MS = 5 * 60_000
#: A record that failed this many times (outages of the sink not counted) becomes a dead
#: letter: about two minutes of retries at the backoff above.
MAX_ATTEMPTS = 8
#: Records handed to the sink per drain.
DRAIN_BATCH = 50


class Counts(Protocol):
    """Where a drain counts what it did (``heartbeat.Stats``)."""

    persisted: int
    sink_errors: int
    dead_letters: int


def drain(store: Store, sink: ResultsSink, counts: Counts) -> None:
    """Hand the outbox's due records to the sink; back off or set aside those that fail."""
    for record_id, payload in store.outbox_pending(DRAIN_BATCH):
        try:
            record = json.loads(payload)
            if not isinstance(record, dict):
                raise TypeError("an outbox record must be a JSON object")
            sink.save(record)
        except SinkDown as exc:
            counts.sink_errors += 1
            if isinstance(exc, SinkBusy):  # routine
                log.debug("results sink: %s stays in the outbox: %s", record_id, exc)
            else:
                ONCE.error(log, "outbox", exc, "results sink is down: %s waits: %s", record_id, exc)
            return  # no record can be saved now; they all wait for the next drain
        except Exception as exc:
            counts.sink_errors += 1
            failed(store, record_id, exc, counts)
            continue
        store.outbox_done(record_id)
        counts.persisted += 1


def failed(store: Store, record_id: str, exc: Exception, counts: Counts) -> None:
    """Back a failed record off, or set it aside once it failed for good or too often."""
    reason = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
    attempts = store.outbox_failed(record_id, RETRY_FIRST_MS, RETRY_LONGEST_MS)
    if attempts == 0:  # another worker saved or set it aside meanwhile
        return
    if not permanent(exc) and attempts < MAX_ATTEMPTS:
        ONCE.error(
            log, "outbox", exc, "results sink: %s failed (attempt %d of %d), retried later: %s",
            record_id, attempts, MAX_ATTEMPTS, reason,
        )  # fmt: skip
        return
    if store.outbox_dead_letter(record_id, reason):
        counts.dead_letters += 1
        log.error("results sink: %s set aside as a dead letter: %s", record_id, reason)
    else:  # the dead letters are full: it stays, retried at the longest backoff
        store.outbox_failed(record_id, RETRY_LONGEST_MS, RETRY_LONGEST_MS)
        log.error("results sink: %s cannot be set aside (dead letters full): %s", record_id, reason)
