"""Logged-in sockets already open when their session ends (logout or password change, in
any browser): told at once, and closed by their own worker within a bound.

Telling: every logged-in socket joins its account's room (``account_room``). Logout and
password change call the hook ``init_app`` registers on the app
(``app.extensions["coderace_sessions_ended"]``: ``race.web`` imports nothing from here),
which emits ``session_revoked`` to that room; the message queue carries it to every
worker, so every open tab of the account hears of it and reconnects as whoever its
cookie now says.

Enforcing, against a client that ignores the event: each worker re-checks the session
versions of its own logged-in sockets every ``RECHECK_EVERY_S``, in a background task of
its own (the heartbeat never waits on the database). A pass asks one query for at most
``MAX_PER_PASS`` sockets, those checked longest ago first, and each of its database waits
is bounded by ``RECHECK_WAIT_S`` under a green worker. A socket whose version the account
has left behind gets ``session_revoked`` and is disconnected, its seat handled as any
disconnect. While the database cannot answer, the pass lets every socket be (failing
open: an outage must not log everyone out), counted in ``coderace_session_rechecks_total``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from race.identity.session import Account
from race.identity.session import current_versions
from race.logonce import ONCE
from race.realtime.metrics import Metrics

log = logging.getLogger(__name__)

#: How often each worker re-checks its logged-in sockets (s): the longest a socket plays
#: on after its session ended, when its client ignores ``session_revoked``.
RECHECK_EVERY_S = 10.0
#: Sockets re-checked at most per pass (one query). Above a worker's default connection
#: cap (412), so by default a pass covers every socket; past it, each socket is re-checked
#: every ``ceil(sockets / MAX_PER_PASS)`` passes.
MAX_PER_PASS = 500
#: Longest a pass waits on any one database wait (connecting, the reply) under a green
#: worker; without one, libpq's own timeouts bound it, and a connection from the pool is
#: waited for at most ``race.db.engine.POOL_TIMEOUT_S``.
RECHECK_WAIT_S = 3.0
#: What an ended session's sockets are told (``session_revoked``).
ENDED = "this session has ended (logged out, or the password changed): log in again"

#: Asks the database for the current session versions of some players (those with an
#: account; a player left out has none).
Lookup = Callable[[set[str]], dict[str, int]]


def account_room(player_id: str) -> str:
    """Return the Socket.IO room every logged-in socket of an account joins."""
    return f"account:{player_id}"


class Recheck:
    """The logged-in sockets of one worker, and the passes that close those whose session
    has ended."""

    def __init__(self, sio: SocketIO, lookup: Lookup, metrics: Metrics) -> None:
        self.sio = sio
        self.lookup = lookup
        self.metrics = metrics
        self.every_s = RECHECK_EVERY_S
        self.per_pass = MAX_PER_PASS
        self._lock = threading.Lock()
        #: sid -> the account its cookie stated, checked longest ago first. Bounded by the
        #: worker's connection cap: an entry lives as long as its connection.
        self._open: dict[str, Account] = {}

    def opened(self, sid: str, account: Account) -> None:
        """Remember a logged-in socket."""
        with self._lock:
            self._open[sid] = account

    def closed(self, sid: str) -> None:
        """Forget a socket (it disconnected)."""
        with self._lock:
            self._open.pop(sid, None)

    def ended(self, player_id: str) -> None:
        """Tell every open socket of an account, on every worker, that its session ended."""
        self.sio.emit("session_revoked", {"message": ENDED}, to=account_room(player_id))

    def _batch(self) -> list[tuple[str, Account]]:
        """Take the sockets checked longest ago, moving them to the back of the line."""
        with self._lock:
            batch = []
            for sid in list(self._open)[: self.per_pass]:
                account = self._open.pop(sid)
                self._open[sid] = account
                batch.append((sid, account))
            return batch

    def recheck(self) -> list[str]:
        """Run one pass; return the sockets it closed. Never raises: a database that does
        not answer leaves every socket be."""
        batch = self._batch()
        if not batch:
            return []
        try:
            current = self.lookup({account.player.id for _, account in batch})
        except Exception as exc:
            self.metrics.session_rechecks.labels("failed").inc()
            ONCE.error(
                log, "session recheck", exc, "%d sessions not re-checked: %s: %s",
                len(batch), type(exc).__name__, exc,
            )  # fmt: skip
            return []
        self.metrics.session_rechecks.labels("ok").inc()
        stale = [sid for sid, account in batch if current.get(account.player.id) != account.version]
        server: Any = self.sio.server  # type: ignore[attr-defined]  # python-socketio's
        for sid in stale:
            with self._lock:
                if self._open.pop(sid, None) is None:  # it closed during the query
                    continue
            self.metrics.sessions_revoked.inc()
            try:
                server.emit("session_revoked", {"message": ENDED}, to=sid, ignore_queue=True)
                server.disconnect(sid)
            except Exception as exc:  # its disconnect handler failed: the others still go
                log.error(
                    "revoked socket %s not closed cleanly: %s: %s", sid, type(exc).__name__, exc
                )
        return stale


def run_forever(recheck: Recheck, sleep: Callable[[float], None]) -> None:
    """Re-check every ``recheck.every_s`` until the process ends."""
    while True:
        sleep(recheck.every_s)
        recheck.recheck()


def init_app(app: Flask, sio: SocketIO, metrics: Metrics) -> Recheck:
    """Build the app's re-checker and register the hook logout and password change call."""

    def lookup(player_ids: set[str]) -> dict[str, int]:
        return current_versions(app, player_ids, RECHECK_WAIT_S)

    recheck = Recheck(sio, lookup, metrics)
    app.extensions["coderace_sessions_ended"] = recheck.ended
    return recheck
