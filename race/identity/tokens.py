"""The signed token a tab presents on connect to resume its player (itsdangerous)."""

from __future__ import annotations

from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from race.core.names import clean_name
from race.identity import Player

_SALT = "coderace-player-v1"


def issue_token(secret: str, player: Player) -> str:
    """Return the signed token that proves this identity on a later connection."""
    return URLSafeSerializer(secret, salt=_SALT).dumps({"p": player.id, "n": player.name})


def read_token(secret: str, token: str) -> Player | None:
    """Return the player a token names, or None if it is forged, altered or malformed."""
    try:
        data = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    pid, name = data.get("p"), data.get("n")
    if not isinstance(pid, str) or not isinstance(name, str):
        return None
    try:
        return Player(pid, clean_name(name))
    except ValueError:
        return None
