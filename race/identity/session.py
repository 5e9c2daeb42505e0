"""What a browser's signed session cookie (Flask's) carries: the logged-in account (its
player and the account's session version when it logged in) and a browser id.

Reading the cookie needs no database, so the socket handshake can do it. The session
version is checked against the database where that is cheap: at every HTTP request that
needs the account (``verified_account``), on the socket right after the handshake
(``race.realtime.revoke``), and on open sockets every few seconds
(``race.realtime.recheck``). Logout and password change bump it, so a copied cookie dies.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from flask import Flask
from flask.sessions import SessionMixin

from race.core.names import clean_name
from race.db import accounts
from race.db import green
from race.db.app import database
from race.db.app import db_session
from race.identity import Player
from race.identity import new_guest
from race.identity.tokens import read_token


@dataclass(frozen=True, slots=True)
class Account:
    """A logged-in account as its cookie states it (not yet checked)."""

    player: Player
    version: int


def account_in(cookie: SessionMixin) -> Account | None:
    """Return the account a session cookie states, if any (no database read)."""
    account = cookie.get("account")
    if not isinstance(account, list | tuple) or len(account) != 3:
        return None  # also a cookie from before session versions: logged out
    pid, name, version = account
    if not isinstance(pid, str) or not isinstance(name, str) or not isinstance(version, int):
        return None
    return Account(Player(pid, name), version)


def account_player(cookie: SessionMixin) -> Player | None:
    """Return the player of the account a session cookie states (no database read)."""
    account = account_in(cookie)
    return None if account is None else account.player


def verified_account(cookie: SessionMixin) -> Player | None:
    """Return the cookie's account if the database still holds it at the cookie's session
    version; otherwise take it out of the cookie (it was logged out or its password
    changed, perhaps elsewhere) and return None."""
    account = account_in(cookie)
    if account is None:
        if "account" in cookie:
            log_out(cookie)
        return None
    if accounts.session_version(db_session(), account.player.id) != account.version:
        log_out(cookie)
        return None
    return account.player


def who_connects(
    cookie: SessionMixin, secret: str, token: str | None, name: str | None
) -> tuple[Player, Account | None]:
    """Return who a socket speaks for, reading only the cookie and the token (no database):
    the cookie's account first; else the tab's token, unless it is an account's (its
    browser has logged out); else a new guest. A guest's ``name`` replaces theirs."""
    account = account_in(cookie)
    if account is not None:
        return account.player, account
    claim = read_token(secret, token) if token else None
    player = claim.player if claim is not None and claim.version is None else new_guest()
    if name:
        with contextlib.suppress(ValueError):
            player = Player(player.id, clean_name(name))
    return player, None


def still_current(app: Flask, account: Account) -> bool:
    """Tell whether the database still holds an account at a cookie's session version."""
    with database(app).sessions() as db:
        return accounts.session_version(db, account.player.id) == account.version


def current_versions(app: Flask, player_ids: set[str], wait_s: float) -> dict[str, int]:
    """Return the session version the database holds for each of some accounts (a player
    with no account is left out), waiting at most ``wait_s`` on each database wait under a
    green worker (``race.db.green.bounded``)."""
    with green.bounded(wait_s), database(app).sessions() as db:
        return accounts.session_versions(db, player_ids)


def registered(app: Flask, player_id: str) -> bool:
    """Tell whether a player id belongs to an account by now."""
    with database(app).sessions() as db:
        return accounts.is_registered(db, player_id)


def log_in(cookie: SessionMixin, player_id: str, username: str, version: int) -> None:
    """Put an account in a session (dropping whatever it held but its browser id)."""
    browser = cookie.get("browser")
    cookie.clear()
    cookie["account"] = [player_id, username, version]
    if browser:
        cookie["browser"] = browser
    cookie.permanent = True


def log_out(cookie: SessionMixin) -> None:
    """Take the account out of a session."""
    cookie.pop("account", None)


def browser_id(cookie: SessionMixin) -> str | None:
    """Return the browser id a session cookie carries, if any."""
    found = cookie.get("browser")
    return found if isinstance(found, str) else None


def ensure_browser_id(cookie: SessionMixin) -> str:
    """Return the cookie's browser id, giving it a new random one if it has none."""
    found = browser_id(cookie)
    if found is None:
        found = cookie["browser"] = "b" + secrets.token_hex(12)
        cookie.permanent = True
    return found
