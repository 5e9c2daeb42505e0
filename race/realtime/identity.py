"""Player identity: stable ids and the signed token a client presents to resume."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

from race.core.names import clean_name
from race.core.names import guest_name

_SALT = "coderace-player-v1"


@dataclass(frozen=True, slots=True)
class Player:
    """Who a connection speaks for."""

    id: str
    name: str


def new_guest() -> Player:
    """Return a new guest with a random id and a generated name."""
    a, b, n = (secrets.randbelow(1 << 16) for _ in range(3))
    return Player("p" + secrets.token_hex(8), guest_name(a, b, n))


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
