"""A deadline on every wait of the green Postgres driver (eventlet and gevent workers).

Under an async worker psycopg2 runs libpq in non-blocking mode and hands every wait to a
*wait callback* that yields to the hub until the socket is ready. The callback eventlet
installs waits without a limit, and libpq's ``connect_timeout`` applies only to its own
blocking connect, so a server that accepts TCP and never answers holds the calling
green thread for ever (measured: still waiting after 12 s with ``connect_timeout=2``;
``tests/faults/test_hangs.py``). The callback here gives up at a deadline: ``CONNECT_S`` while
the connection is being set up, ``REPLY_S`` for a statement's reply, or less inside
``bounded(seconds)``. psycopg2 closes a connection whose wait raised, so the pool
discards it; the caller gets ``NoReply``, an ``OperationalError``.

Without an async worker (the CLI, the threaded dev server) the driver blocks: libpq's
``connect_timeout``, TCP keepalives, ``tcp_user_timeout`` and the server's
``statement_timeout`` bound it instead (``race.db.engine``).
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import psycopg2
from psycopg2 import extensions

#: Longest a new connection may take to be ready (TCP, authentication, start-up).
CONNECT_S = 5.0
#: Longest the driver waits for any one reply once connected: the server's own
#: ``statement_timeout`` (15 s, ``race.db.engine``) plus 5 s for it to report; a server
#: that says nothing for this long has stopped answering.
REPLY_S = 20.0

#: A tighter limit for the waits of the current green thread (``bounded``).
_cap: contextvars.ContextVar[float | None] = contextvars.ContextVar("pg_wait_cap", default=None)

#: Waits until ``fd`` is readable (or writable) for at most ``timeout`` s; raises
#: ``_Late`` when the time is up.
Wait = Callable[[int, bool, float], None]


class NoReply(psycopg2.OperationalError):  # type: ignore[misc]  # untyped base
    """The database did not answer within the deadline; the connection is closed."""


class _Late(Exception):
    """A hub wait ran out of time."""


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Limit every database wait of this green thread to ``seconds`` (health checks)."""
    token = _cap.set(seconds)
    try:
        yield
    finally:
        _cap.reset(token)


def _eventlet_wait(fd: int, read: bool, timeout: float) -> None:
    from eventlet.hubs import trampoline

    trampoline(fd, read=read, write=not read, timeout=timeout, timeout_exc=_Late)


def _gevent_wait(fd: int, read: bool, timeout: float) -> None:
    from gevent.socket import wait_read
    from gevent.socket import wait_write

    (wait_read if read else wait_write)(fd, timeout, _Late)


def hub_wait() -> Wait | None:
    """Return how to wait on this process's hub, or None if the driver is not green."""
    if "eventlet" in sys.modules:
        from eventlet import patcher

        if patcher.is_monkey_patched("psycopg"):
            return _eventlet_wait
    if "gevent" in sys.modules:
        from gevent import monkey

        if monkey.is_module_patched("socket"):
            return _gevent_wait
    return None


def make_callback(wait: Wait) -> Callable[[Any], None]:
    """Return a psycopg2 wait callback that waits through ``wait`` up to a deadline."""

    def wait_for(conn: Any) -> None:
        limit = CONNECT_S if conn.status == extensions.STATUS_SETUP else REPLY_S
        cap = _cap.get()
        if cap is not None:
            limit = min(limit, cap)
        deadline = time.monotonic() + limit
        while True:
            state = conn.poll()
            if state == extensions.POLL_OK:
                return
            if state not in (extensions.POLL_READ, extensions.POLL_WRITE):
                raise psycopg2.OperationalError(f"bad state from poll: {state!r}")
            try:
                left = max(0.001, deadline - time.monotonic())
                wait(conn.fileno(), state == extensions.POLL_READ, left)
            except _Late:
                raise NoReply(f"no reply from the database within {limit:g} s") from None

    return wait_for


def install() -> bool:
    """Put the deadline callback in place if the driver is green; True if it did."""
    wait = hub_wait()
    if wait is None:
        return False
    current = extensions.get_wait_callback()
    if getattr(current, "coderace", False):
        return True
    callback = make_callback(wait)
    callback.coderace = True  # type: ignore[attr-defined]
    extensions.set_wait_callback(callback)
    return True
