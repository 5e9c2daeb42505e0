"""The results sink that writes finished races to the database, exactly once.

The heartbeat drains the store's outbox through ``save`` and keeps whatever raises. A
write runs in its own (green) thread and ``save`` waits for it at most ``WAIT_S``: a slow
or hung database then costs the heartbeat (ticks, deadlines) a few milliseconds, not the
whole query. A write still running raises ``WritePending``; the record stays in the outbox
and the next drain collects the outcome. Duplicates are harmless: ``save_race`` is
idempotent by race id (and by race and player).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import DataError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from race.db import bests
from race.db.write import reject
from race.db.write import save_race
from race.sink import SinkBusy
from race.sink import SinkDown
from race.sink import permanent as malformed

log = logging.getLogger(__name__)

#: Longest the heartbeat waits for one write before moving on.
WAIT_S = 0.1
#: A write still running after this long is given up on and tried afresh: a backstop, as
#: every wait of the driver already ends within ``race.db.green.CONNECT_S`` or
#: ``REPLY_S``. The old one may still finish; the write is idempotent, so that is harmless.
STALE_S = 60.0
#: Old day and week bests are pruned at most this often.
PRUNE_EVERY = timedelta(minutes=10)


class WritePending(SinkBusy):
    """The write is still running; the record stays in the outbox for now."""


def permanent(exc: BaseException) -> bool:
    """Tell whether an error would recur on every retry (a malformed record)."""
    if malformed(exc):
        return True
    if isinstance(exc, (DataError, IntegrityError)):
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


class _Job:
    """One write running in the background."""

    def __init__(self, race_id: str, record: dict[str, Any], sink: DatabaseSink) -> None:
        self.race_id = race_id
        self.started = time.monotonic()
        self.finished = threading.Event()
        self.error: BaseException | None = None
        #: Whether the database was unreachable when the write failed (not the record's fault).
        self.down = False
        self._thread = threading.Thread(
            target=self._run, args=(record, sink), name=f"db-write-{race_id}", daemon=True
        )
        self._thread.start()

    def _run(self, record: dict[str, Any], sink: DatabaseSink) -> None:
        try:
            sink.write(record)
        except BaseException as exc:
            self.error = exc
            self.down = not permanent(exc) and not sink.reachable()
        finally:
            self.finished.set()


class DatabaseSink:
    """Saves finished race records to the results database."""

    def __init__(self, engine: Engine, wait_s: float = WAIT_S, stale_s: float = STALE_S) -> None:
        self.sessions = sessionmaker(engine)
        self.wait_s = wait_s
        self.stale_s = stale_s
        self._lock = threading.Lock()
        self._job: _Job | None = None
        self._pruned = datetime.min.replace(tzinfo=UTC)

    def write(self, record: dict[str, Any]) -> bool:
        """Save a record now (blocking); True if it was new, False if already saved.

        A record that can never be saved (malformed) is kept in ``rejected`` instead of
        raising, so it does not block the outbox; database errors raise.
        """
        now = datetime.now(UTC)
        try:
            with self.sessions.begin() as session:
                added = save_race(session, record, now)
                self._maybe_prune(session, now)
                return added
        except Exception as exc:
            if not permanent(exc):
                raise
            log.error("race %s cannot be saved, kept in `rejected`: %s", record.get("race_id"), exc)
            with self.sessions.begin() as session:
                reject(session, record, f"{type(exc).__name__}: {exc}")
            return False

    def save(self, record: dict[str, Any]) -> None:
        """Persist one finished race, or raise so that it stays in the outbox."""
        race_id = str(record["race_id"])
        with self._lock:
            job = self._job
            if (
                job is None
                or (job.race_id != race_id and job.finished.is_set())
                or (not job.finished.is_set() and time.monotonic() - job.started > self.stale_s)
            ):
                job = self._job = _Job(race_id, record, self)
            elif job.race_id != race_id:
                raise WritePending(f"still writing race {job.race_id}")
        if not job.finished.wait(self.wait_s):
            raise WritePending(f"race {race_id} is still being written")
        with self._lock:
            if self._job is job:
                self._job = None
        if job.down:
            raise SinkDown(f"the database is unreachable: {job.error}") from job.error
        if job.error is not None:
            raise job.error
        self.saved(record)

    def reachable(self) -> bool:
        """Tell whether the database answers a trivial query (after a failed write)."""
        try:
            with self.sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def saved(self, record: dict[str, Any]) -> None:
        """Hook called once a record is safely stored."""

    def _maybe_prune(self, session: Session, now: datetime) -> None:
        if now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            bests.prune(session, now)


class RecordingSink(DatabaseSink):
    """A ``DatabaseSink`` that also keeps each stored record in memory (test apps)."""

    def __init__(self, engine: Engine, wait_s: float = WAIT_S, stale_s: float = STALE_S) -> None:
        super().__init__(engine, wait_s, stale_s)
        self.records: dict[str, dict[str, Any]] = {}

    def saved(self, record: dict[str, Any]) -> None:
        """Keep the record, as ``race.sink.MemorySink`` does."""
        self.records.setdefault(str(record["race_id"]), record)
