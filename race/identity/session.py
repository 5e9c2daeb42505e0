"""The account a browser's signed session cookie (Flask's) carries, and the account lookup
a guest token needs."""

from __future__ import annotations

import logging

from flask.sessions import SessionMixin

from race.db import accounts
from race.db.app import database
from race.identity import Player

log = logging.getLogger(__name__)


def account_player(cookie: SessionMixin) -> Player | None:
    """Return the logged-in account's player from a session, if any."""
    account = cookie.get("account")
    if not isinstance(account, list | tuple) or len(account) != 2:
        return None
    return Player(str(account[0]), str(account[1]))


def log_in(cookie: SessionMixin, player_id: str, username: str) -> None:
    """Put an account in a session (dropping whatever it held)."""
    cookie.clear()
    cookie["account"] = [player_id, username]
    cookie.permanent = True


def log_out(cookie: SessionMixin) -> None:
    """Take the account out of a session."""
    cookie.pop("account", None)


def token_usable(player_id: str) -> bool:
    """Tell whether a guest token may be used: not if it names an account (logged out).

    Fails open: while the database is away, tokens keep working so races can resume.
    """
    try:
        with database().sessions() as db:
            return not accounts.is_registered(db, player_id)
    except Exception as exc:
        log.warning("cannot check token %s against accounts: %s", player_id, exc)
        return True
