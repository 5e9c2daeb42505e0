"""HTTP rate limits: token buckets per client address (and per username on the account
forms), shared by every worker through the store, answering 429 with ``Retry-After``.

The buckets are the store's (``Store.take_tokens``: Redis in scaled mode). While the store
cannot answer, each worker keeps the same budgets in its own memory instead, so an
outage neither lifts the limits nor refuses everyone.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import Flask
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue

from race.core.addresses import client_key
from race.core.names import clean_name
from race.db.accounts import username_key
from race.limits import Budgets
from race.limits import bucket
from race.limits import configured
from race.logonce import ONCE
from race.store.base import Store
from race.store.memory import MemoryStore

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


class TooMany(Exception):
    """A budget is spent: try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        """Return the headers a 429 carries."""
        return {"Retry-After": str(self.retry_after)}


class Limiter:
    """Spends tokens of named budgets (``race.limits.Budgets``)."""

    def __init__(self, budgets: Budgets, store: Store) -> None:
        self.budgets = budgets
        self._store = store
        self._local = MemoryStore()  # while the store is away

    def spend(self, budget: str, key: str, what: str) -> None:
        """Take one token of ``budget`` for ``key``; raise ``TooMany`` if none is left
        (its message: ``what``, and when to try again)."""
        per_second, burst = bucket(getattr(self.budgets, budget))
        name = f"http|{budget}|{key}"
        try:
            given = self._store.take_tokens(name, per_second, burst, 1)
        except Exception as exc:
            name_ = type(exc).__name__
            ONCE.error(log, "http limits", exc, "%s checked in this worker only: %s", budget, name_)
            given = self._local.take_tokens(name, per_second, burst, 1)
        if given < 1:
            wait = max(1, math.ceil(1 / per_second))  # by then one token is back
            raise TooMany(f"{what}: try again in {wait} seconds", wait)


def init_app(app: Flask, store: Store) -> None:
    """Give the app its HTTP limiter, on the race store."""
    app.extensions["coderace_limits"] = Limiter(configured(app.config.get("RATE_LIMITS")), store)
    app.register_error_handler(TooMany, too_many)


def client_ip() -> str:
    """Return the key of this request's client address (an IPv6 client's /64)."""
    return client_key(request.remote_addr)


#: The one bucket of every username that is not a valid name (it names no account).
INVALID_NAME = "invalid"


def name_key(username: str) -> str:
    """Return a bounded key for a username as the account lookup sees it (cleaned: NFKC,
    blanks collapsed; then case-folded), so every spelling that reaches one account spends
    one budget."""
    try:
        cleaned = clean_name(username)
    except ValueError:
        return INVALID_NAME
    return hashlib.sha256(username_key(cleaned).encode()).hexdigest()[:32]


def spend(budget: str, key: str, what: str) -> None:
    """Take one token of a budget for this app; raise ``TooMany`` if it is spent."""
    limiter: Limiter = current_app.extensions["coderace_limits"]
    limiter.spend(budget, key, what)


def per_ip(budget: str) -> Callable[[F], F]:
    """Make a view spend one token of an IP budget per request (refused: 429)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def limited(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            spend(budget, client_ip(), "too many requests from your address")
            return view(*args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate


def too_many(exc: TooMany) -> ResponseReturnValue:
    """Answer 429 with ``Retry-After``: JSON for the API (with ``retry_ms``), the site's page
    otherwise."""
    if request.path.startswith("/api/"):
        retry_ms = exc.retry_after * 1000  # as the socket's refusals say it
        body = {"error": {"code": "rate_limited", "message": exc.message, "retry_ms": retry_ms}}
        return jsonify(body), 429, exc.headers
    page = render_template("error.html", title="Too many requests", message=exc.message)
    return page, 429, exc.headers
