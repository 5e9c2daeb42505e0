"""Who is online now: ``GET /api/presence``, racers waiting and racing per language, as
the store counts them (``Store.presence``), read at most once per ``CACHE_MS`` per worker
however often pages ask."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import jsonify
from flask.typing import ResponseReturnValue

from race.core.presence import Counts

log = logging.getLogger(__name__)
bp = Blueprint("presence", __name__)

#: The counts a worker serves are at most this old (ms): one store read per period.
CACHE_MS = 2_000


class Presence:
    """The store's counts, cached for ``CACHE_MS``."""

    def __init__(self, read: Callable[[], Counts], clock: Callable[[], float] = time.monotonic):
        self._read = read
        self._clock = clock
        self._lock = threading.Lock()
        self._at = -float("inf")
        self._view: dict[str, Any] = {}

    def view(self) -> dict[str, Any]:
        """Return the counts' JSON view, read afresh if the cached one is too old."""
        with self._lock:
            now = self._clock()
            if (now - self._at) * 1000 >= CACHE_MS:
                self._view = {**self._read().to_dict(), "max_age_ms": CACHE_MS}
                self._at = now
            return self._view


def init_app(app: Flask, read: Callable[[], Counts]) -> None:
    """Serve the counts that ``read`` returns (the store's)."""
    app.extensions["coderace_presence"] = Presence(read)
    app.register_blueprint(bp)


@bp.get("/api/presence")
def presence_api() -> ResponseReturnValue:
    """Return how many racers are waiting in quick lobbies and racing now, per language."""
    try:
        view = current_app.extensions["coderace_presence"].view()
    except Exception as exc:  # the store is away: say so, never a stale guess
        log.warning("presence unavailable: %s: %s", type(exc).__name__, exc)
        return jsonify({"error": {"code": "unavailable", "message": "try again soon"}}), 503
    response = jsonify(view)
    response.headers["Cache-Control"] = "no-cache"
    return response
