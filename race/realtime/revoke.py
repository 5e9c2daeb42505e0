"""Sessions ended elsewhere (logout, password change): a socket that logged in with a
cookie whose session version the account has left behind is told so and closed.

The handshake reads no database (``race.identity.session.who_connects``); the check runs
right after the ``welcome``, in a background task, so a database that hangs delays only
the check. At most ``MAX_CHECKS`` run at once per worker; past that, or while the
database cannot answer, the socket is let be (logged): a player must not be thrown out
because the database is away. A logged-in socket let be is checked again by its worker's
periodic re-check (``race.realtime.recheck``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from race.identity import Player
from race.identity.session import Account
from race.identity.session import registered
from race.identity.session import still_current

log = logging.getLogger(__name__)

#: Session checks in flight at most on one worker (each holds a database connection).
MAX_CHECKS = 16
#: A revoked socket is closed no sooner than this after its check began: the handshake that
#: started the check must have been answered first, or the client, told of its connection
#: after the close, would never hear of the close.
SETTLE_S = 1
#: Sessions left unchecked (all slots busy) are logged at most this often, counted.
WARN_EVERY_S = 60.0
_slots = threading.BoundedSemaphore(MAX_CHECKS)
_unchecked = {"skipped": 0, "warned_at": -WARN_EVERY_S}


def check_session(
    app: Flask, sio: SocketIO, sid: str, account: Account | None, player: Player
) -> None:
    """Check in the background what a socket's handshake could not: that a logged-in
    cookie's session is current (``account``), or that a guest resumed by a tab token
    (``account`` None) is not an account's player by now (the token predates its
    registration, and whoever copied it must not play as the account)."""
    if not _slots.acquire(blocking=False):
        _unchecked["skipped"] += 1
        if time.monotonic() - _unchecked["warned_at"] >= WARN_EVERY_S:  # a burst: one line
            _unchecked["warned_at"] = time.monotonic()
            log.warning(
                "%d sessions not checked: %d checks running", _unchecked["skipped"], MAX_CHECKS
            )
            _unchecked["skipped"] = 0
        return
    sio.start_background_task(_check, app, sio, sid, account, player)


def _check(app: Flask, sio: SocketIO, sid: str, account: Account | None, player: Player) -> None:
    try:
        if account is not None:
            current = still_current(app, account)
        else:
            current = not registered(app, player.id)
    except Exception as exc:
        log.warning("session of %s not checked: %s: %s", player.id, type(exc).__name__, exc)
        current = True
    finally:
        _slots.release()
    if current:
        return
    sio.sleep(SETTLE_S)
    server: Any = sio.server  # type: ignore[attr-defined]  # python-socketio's
    if account is not None:
        code = "session_revoked"
        message = "this session has ended (logged out or the password changed): log in again"
    else:
        code = "token_revoked"
        message = "this tab's player now has an account: log in to play as it"
    server.emit("error", {"code": code, "message": message, "event": "connect"}, to=sid)
    server.disconnect(sid)
