"""Sessions ended elsewhere (logout, password change): a socket that logged in with a
cookie whose session version the account has left behind is told so and closed.

The handshake reads no database (``race.identity.session.who_connects``); the check runs
right after the ``welcome``, in a background task, so a database that hangs delays only
the check. At most ``MAX_CHECKS`` run at once per worker; past that, or while the
database cannot answer, the socket is let be (logged): a player must not be thrown out
because the database is away.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from race.identity.session import Account
from race.identity.session import still_current

log = logging.getLogger(__name__)

#: Session checks in flight at most on one worker (each holds a database connection).
MAX_CHECKS = 16
#: A revoked socket is closed no sooner than this after its check began: the handshake that
#: started the check must have been answered first, or the client, told of its connection
#: after the close, would never hear of the close.
SETTLE_S = 1
_slots = threading.BoundedSemaphore(MAX_CHECKS)


def check_session(app: Flask, sio: SocketIO, sid: str, account: Account) -> None:
    """Check a logged-in socket's session version in the background."""
    if not _slots.acquire(blocking=False):
        log.warning("session of %s not checked: %d checks running", account.player.id, MAX_CHECKS)
        return
    sio.start_background_task(_check, app, sio, sid, account)


def _check(app: Flask, sio: SocketIO, sid: str, account: Account) -> None:
    try:
        current = still_current(app, account)
    except Exception as exc:
        log.warning("session of %s not checked: %s: %s", account.player.id, type(exc).__name__, exc)
        current = True
    finally:
        _slots.release()
    if current:
        return
    sio.sleep(SETTLE_S)
    server: Any = sio.server  # type: ignore[attr-defined]  # python-socketio's
    message = "this session has ended (logged out or the password changed): log in again"
    server.emit(
        "error", {"code": "session_revoked", "message": message, "event": "connect"}, to=sid
    )
    server.disconnect(sid)
