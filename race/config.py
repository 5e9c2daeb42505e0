"""Configuration: one class that reads the environment, with embedded-default fallbacks."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from race.core.room import Timing
from race.core.seats import DEFAULT_CAPACITY

DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "instance"


class Config:
    """Settings for ``create_app``; every field can be set from the environment."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.INSTANCE_PATH = Path(env.get("CODERACE_INSTANCE", str(DEFAULT_INSTANCE)))
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.DATABASE_URL = env.get(
            "DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'coderace.db'}"
        )
        #: The signed session cookie (Flask): holds the logged-in account and CSRF secrets.
        self.SESSION_COOKIE_SAMESITE = "Lax"
        #: Send the session cookie over HTTPS only: set COOKIE_SECURE=1 behind TLS.
        self.SESSION_COOKIE_SECURE = env.get("COOKIE_SECURE") == "1"
        self.REDIS_URL = env.get("REDIS_URL") or None
        #: Key prefix in Redis, so several deployments (or test runs) can share one server.
        self.REDIS_PREFIX = env.get("REDIS_PREFIX", "cr:")
        self.TESTING = env.get("CODERACE_TESTING") == "1"
        #: eventlet (default), gevent, or threading (tests run the server in a thread).
        self.ASYNC_MODE = env.get("CODERACE_WORKER", "eventlet")
        #: Phase durations as JSON, e.g. '{"quick_countdown_ms": 8000}' (see core.room.Timing).
        self.TIMING = _timing(env.get("CODERACE_TIMING"))
        #: A folder of *.snip files to use instead of the built-in corpus.
        self.CORPUS_DIR = env.get("CODERACE_CORPUS") or None
        #: A worker's capacity in seats (each room costs half a seat more: race.core.seats)
        #: before it refuses new ones as "busy" (measured: bench/load.py).
        self.MAX_RACERS = float(env.get("CODERACE_MAX_RACERS", DEFAULT_CAPACITY))
        #: Rate limits, e.g. "joins_per_ip=40/minute;events_per_connection=30/second".
        self.RATE_LIMITS = env.get("RATE_LIMITS") or None
        #: Proxies in front whose X-Forwarded-For/-Proto to trust (1 behind the nginx of
        #: docker-compose.yml); 0 trusts none, so clients cannot spoof their address.
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0"))
        #: Origins allowed to open a socket, comma-separated; default: the page's own origin.
        self.ALLOWED_ORIGINS = [o for o in env.get("ALLOWED_ORIGINS", "").split(",") if o]

    def as_mapping(self) -> dict[str, object]:
        """Return the upper-case settings, as Flask's ``app.config`` wants them."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


def _timing(raw: str | None) -> Timing | None:
    """Parse ``CODERACE_TIMING``; unknown fields fail loudly at start-up."""
    if not raw:
        return None
    values = json.loads(raw)
    if not isinstance(values, dict):
        raise ValueError("CODERACE_TIMING must be a JSON object")
    return Timing(**values)
