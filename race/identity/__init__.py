"""Player identity, shared by the socket (``race.realtime``) and the pages (``race.web``).

This package owns who a connection or a request speaks for: ``Player`` and new guests
(here), the signed token a tab presents to resume (``tokens``), and the account a
browser's session cookie carries (``session``). Neither ``race.realtime`` nor ``race.web``
imports the other; both import this.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from race.core.names import guest_name


@dataclass(frozen=True, slots=True)
class Player:
    """Who a connection speaks for."""

    id: str
    name: str


def new_guest() -> Player:
    """Return a new guest with a random id and a generated name."""
    a, b, n = (secrets.randbelow(1 << 16) for _ in range(3))
    return Player("p" + secrets.token_hex(8), guest_name(a, b, n))
