"""Accounts: binding a username and password hash to a player id, and finding them again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from race.db.models import Player


class AccountError(ValueError):
    """Registration refused; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def username_key(username: str) -> str:
    """Return the case-insensitive key of a username."""
    return username.casefold()


def find(session: Session, username: str) -> Player | None:
    """Return the registered player with this username (any case), or None."""
    query = select(Player).where(Player.username_key == username_key(username))
    return session.scalars(query).first()


def is_registered(session: Session, player_id: str) -> bool:
    """Tell whether a player id belongs to an account."""
    query = select(Player.username).where(Player.id == player_id)
    return session.scalar(query) is not None


def registered_among(session: Session, player_ids: set[str]) -> set[str]:
    """Return which of some player ids belong to accounts (one query)."""
    if not player_ids:
        return set()
    query = select(Player.id).where(Player.id.in_(player_ids), Player.username.is_not(None))
    return set(session.scalars(query))


def register(
    session: Session, player_id: str, username: str, password_hash: str, now: datetime
) -> Player:
    """Bind a username and password hash to a player id (a guest keeps their history).

    Raises ``AccountError`` if the name is taken or the player already has an account;
    the caller commits (and must still expect the unique key to refuse a race).
    """
    if find(session, username) is not None:
        raise AccountError("taken", "that username is taken")
    player = session.get(Player, player_id, with_for_update=True)
    if player is None:
        player = Player(id=player_id, name=username, created_at=now)
        session.add(player)
    elif player.username is not None:
        raise AccountError("registered", "this player already has an account: log in")
    player.name = username
    player.username = username
    player.username_key = username_key(username)
    player.password_hash = password_hash
    player.registered_at = now
    session.flush()
    return player


def set_password_hash(session: Session, player: Player, password_hash: str) -> None:
    """Replace a password hash (after a rehash with newer parameters)."""
    player.password_hash = password_hash
    session.flush()


def session_version(session: Session, player_id: str) -> int | None:
    """Return an account's session version, or None if the player has no account."""
    query = select(Player.session_version).where(
        Player.id == player_id, Player.username.is_not(None)
    )
    return session.scalar(query)


def session_versions(session: Session, player_ids: set[str]) -> dict[str, int]:
    """Return the session version of each of some players that has an account (one query;
    a player without one is left out)."""
    if not player_ids:
        return {}
    query = select(Player.id, Player.session_version).where(
        Player.id.in_(player_ids), Player.username.is_not(None)
    )
    return {pid: version for pid, version in session.execute(query)}


def end_sessions(session: Session, player_id: str) -> int | None:
    """Bump an account's session version, so every session cookie issued before is
    refused; return the new version (None if there is no such account)."""
    player = session.get(Player, player_id, with_for_update=True)
    if player is None or player.username is None:
        return None
    player.session_version += 1
    session.flush()
    return player.session_version


def change_password(session: Session, player: Player, password_hash: str) -> int:
    """Set a new password hash and end every session; return the new session version."""
    player.password_hash = password_hash
    player.session_version += 1
    session.flush()
    return player.session_version
