"""Every rate limit by name: the socket's (``race.realtime.throttle``) and the HTTP
endpoints' (``race.web.limits``), read from ``RATE_LIMITS``.

A budget is written in the ``limits`` notation ("30/second", "10/15 minutes"). The token
buckets read it as a burst of that many, refilled evenly over the period.
"""

from __future__ import annotations

from dataclasses import dataclass

from limits import parse


@dataclass(frozen=True)
class Budgets:
    """Every limit, in the ``limits`` notation ("25/second", "30/minute")."""

    #: Any event on one connection (an honest client sends at most ~10 a second).
    events_per_connection: str = "30/second"
    #: Any event from one IP, over all its connections on every worker (a classroom
    #: behind one address: ~40 racers typing).
    events_per_ip: str = "600/second"
    #: New connections from one IP.
    connects_per_ip: str = "60/minute"
    #: quick / join / practice / create from one IP (also slows room-code guessing).
    joins_per_ip: str = "40/minute"
    #: Rooms created (private and practice) from one IP.
    rooms_per_ip: str = "20/minute"
    #: Practice restarts (a new round in the same room) from one IP: a racer restarting
    #: on every first mistake makes ~20 a minute.
    restarts_per_ip: str = "60/minute"
    #: Log-in attempts naming one username from one IP (each costs an Argon2 hash). Keyed
    #: on the pair, so a stranger failing logins for a username cannot lock its owner out.
    logins_per_username_ip: str = "10/15 minutes"
    #: Log-in attempts naming one username from anywhere: a ceiling against guessing
    #: spread over many addresses, well above what one address may try.
    logins_per_username: str = "100/15 minutes"
    #: Log-in attempts from one IP (a classroom logging in at once fits).
    logins_per_ip: str = "30/15 minutes"
    #: Registrations asking for one username.
    registers_per_username: str = "5/15 minutes"
    #: Registrations from one IP.
    registers_per_ip: str = "10/hour"
    #: Replays and keystroke logs (/api/races/<id>/trace, /log/<player>) from one IP.
    traces_per_ip: str = "60/minute"
    #: Leaderboards (page and API) and the snippet boards list from one IP.
    boards_per_ip: str = "60/minute"
    #: Guest proofs (POST /api/me/guest: a tab shows its token to see its own profile).
    proofs_per_ip: str = "20/minute"

    @classmethod
    def parse_setting(cls, raw: str | None) -> Budgets:
        """Read ``RATE_LIMITS`` ("events_per_connection=30/second;joins_per_ip=...");
        raise ``ValueError`` naming the first budget that is unknown or malformed.

        ``race.config.Config`` calls this once at start-up; everything else reads the
        ``Budgets`` it leaves in the app's config (``configured``)."""
        if not raw:
            return cls()
        values: dict[str, str] = {}
        for part in raw.split(";"):
            if not part.strip():
                continue  # a trailing or doubled ";"
            name, _, value = (piece.strip() for piece in part.partition("="))
            if name not in cls.__dataclass_fields__:
                known = ", ".join(cls.__dataclass_fields__)
                raise ValueError(f"RATE_LIMITS: unknown budget {name[:40]!r}; known: {known}")
            try:
                parse(value)
            except ValueError:
                raise ValueError(
                    f"RATE_LIMITS: {name}={value[:40]!r} is not a limit like '30/minute'"
                ) from None
            values[name] = value
        return cls(**values)


def configured(setting: object) -> Budgets:
    """Return the budgets an app's ``RATE_LIMITS`` holds: the ``Budgets`` that ``Config``
    parsed at start-up, or the defaults if it is unset."""
    if setting is None:
        return Budgets()
    if not isinstance(setting, Budgets):
        raise TypeError(
            f"RATE_LIMITS must be Budgets (race.config.Config parses the text), not "
            f"{type(setting).__name__}"
        )
    return setting


def bucket(spec: str) -> tuple[float, int]:
    """Return a budget as a token bucket: tokens a second, and the burst."""
    item = parse(spec)
    return item.amount / item.get_expiry(), item.amount
