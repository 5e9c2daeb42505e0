"""The signed token a tab presents on connect to resume its player (itsdangerous).

A token expires ``TOKEN_MAX_AGE_S`` after it was issued; every ``welcome`` (each connect)
and every ``set_name`` answer issues a fresh one, so a tab that keeps connecting keeps its
player. A token issued to a logged-in account also carries the account's session version
(``v``); the socket takes such a token only together with its browser's session cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

from race.core.names import clean_name
from race.identity import Player

#: How long a token resumes its player after it was issued (renewed on every connect).
TOKEN_MAX_AGE_S = 24 * 3600
_SALT = "coderace-player-v2"


@dataclass(frozen=True, slots=True)
class Claim:
    """What a valid token says: the player, and for an account its session version."""

    player: Player
    version: int | None = None


def issue_token(secret: str, player: Player, version: int | None = None) -> str:
    """Return the signed token that proves this identity on a later connection."""
    data: dict[str, object] = {"p": player.id, "n": player.name}
    if version is not None:
        data["v"] = version
    return URLSafeTimedSerializer(secret, salt=_SALT).dumps(data)


def read_token(secret: str, token: str, max_age_s: int = TOKEN_MAX_AGE_S) -> Claim | None:
    """Return what a token claims, or None if it is forged, altered, expired or malformed."""
    try:
        data = URLSafeTimedSerializer(secret, salt=_SALT).loads(token, max_age=max_age_s)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict):
        return None
    pid, name, version = data.get("p"), data.get("n"), data.get("v")
    if not isinstance(pid, str) or not isinstance(name, str):
        return None
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        return None
    try:
        return Claim(Player(pid, clean_name(name)), version)
    except ValueError:
        return None
