"""Configuration: one class that reads the environment, with embedded-default fallbacks."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path

from race.core.seats import DEFAULT_CAPACITY
from race.core.timing import Timing
from race.limits import Budgets
from race.store.keys import CLUSTER_SHARDS

DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "instance"
WORKERS = ("eventlet", "gevent", "threading")
FANOUTS = ("rooms", "channel")


class SettingError(ValueError):
    """A setting from the environment is not one the server can run with."""


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
        #: A Redis Cluster instead of one server: comma-separated host:port seeds, e.g.
        #: "10.0.0.1:7000,10.0.0.2:7000" (the client learns the other nodes from them).
        self.REDIS_CLUSTER_NODES = _nodes(env.get("REDIS_CLUSTER_NODES"))
        if self.REDIS_URL and self.REDIS_CLUSTER_NODES:
            raise SettingError("set REDIS_URL (one server) or REDIS_CLUSTER_NODES, not both")
        #: Shards of the race state on a cluster (race.store.keys): each beat reads two
        #: keys per shard; more shards spread rooms over more primaries.
        self.REDIS_CLUSTER_SHARDS = int(_number(env, "REDIS_CLUSTER_SHARDS", CLUSTER_SHARDS, int))
        if self.REDIS_CLUSTER_SHARDS < 1:
            raise SettingError("REDIS_CLUSTER_SHARDS must be at least 1")
        #: Key prefix in Redis, so several deployments (or test runs) can share one server.
        self.REDIS_PREFIX = env.get("REDIS_PREFIX", "cr:")
        if "{" in self.REDIS_PREFIX or "}" in self.REDIS_PREFIX:
            raise SettingError("REDIS_PREFIX must not contain braces (they are hash tags)")
        #: How workers hear each other's emits: "rooms" (a channel per room, heard only
        #: where the room has members) or "channel" (one channel that every worker hears).
        self.FANOUT = env.get("CODERACE_FANOUT", "rooms")
        if self.FANOUT not in FANOUTS:
            raise SettingError(f"CODERACE_FANOUT must be one of {', '.join(FANOUTS)}")
        self.TESTING = env.get("CODERACE_TESTING") == "1"
        #: eventlet (default), gevent, or threading (tests run the server in a thread).
        self.ASYNC_MODE = env.get("CODERACE_WORKER", "eventlet")
        if self.ASYNC_MODE not in WORKERS:
            raise SettingError(f"CODERACE_WORKER must be one of {', '.join(WORKERS)}")
        #: Phase durations as JSON, e.g. '{"quick_countdown_ms": 8000}' (race.core.timing.Timing).
        self.TIMING = _timing(env.get("CODERACE_TIMING"))
        #: A folder of *.snip files to use instead of the built-in corpus.
        self.CORPUS_DIR = env.get("CODERACE_CORPUS") or None
        #: A worker's capacity in seats (each room costs half a seat more: race.core.seats)
        #: before it refuses new ones as "busy" (measured: bench/load.py).
        self.MAX_RACERS = _number(env, "CODERACE_MAX_RACERS", DEFAULT_CAPACITY, float)
        #: The tick and batch period: "adaptive" (200 ms, widening to 500 ms as the
        #: worker's load grows: race.core.pace) or a fixed period in ms (100-1000).
        self.PERIOD_MS = _period(env.get("CODERACE_PERIOD", "adaptive"))
        #: Rate limits, e.g. "joins_per_ip=40/minute;events_per_connection=30/second",
        #: parsed here, once: every limiter reads these ``Budgets`` (``race.limits``).
        self.RATE_LIMITS = _budgets(env.get("RATE_LIMITS"))
        #: Proxies in front whose X-Forwarded-For/-Proto to trust (1 behind the nginx of
        #: docker-compose.yml); 0 trusts none, so clients cannot spoof their address.
        self.TRUSTED_PROXIES = int(_number(env, "TRUSTED_PROXIES", 0, int))
        #: Origins allowed to open a socket, comma-separated; default: the page's own origin.
        self.ALLOWED_ORIGINS = [o for o in env.get("ALLOWED_ORIGINS", "").split(",") if o]

    def as_mapping(self) -> dict[str, object]:
        """Return the upper-case settings, as Flask's ``app.config`` wants them."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


def _number(env: Mapping[str, str], name: str, default: float, kind: type) -> float:
    """Read a non-negative number setting, or say clearly what is wrong with it."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingError(f"{name} must be a {kind.__name__} (got {raw[:40]!r})") from None
    if value < 0:
        raise SettingError(f"{name} must not be negative (got {raw[:40]!r})")
    return float(value)


def _period(raw: str) -> int | None:
    """Read ``CODERACE_PERIOD``: None for the adaptive period, else a fixed one in ms."""
    if raw == "adaptive":
        return None
    if not raw.isdigit() or not 100 <= int(raw) <= 1000:
        raise SettingError(f"CODERACE_PERIOD must be 'adaptive' or 100-1000 ms (got {raw[:40]!r})")
    return int(raw)


def _budgets(raw: str | None) -> Budgets:
    """Parse ``RATE_LIMITS``; a budget that is unknown or malformed stops start-up with a
    message naming it."""
    try:
        return Budgets.parse_setting(raw)
    except ValueError as exc:
        raise SettingError(str(exc)) from None


def parse_nodes(setting: str) -> list[tuple[str, int]]:
    """Parse comma-separated ``host:port`` seeds (``REDIS_CLUSTER_NODES``)."""
    nodes = []
    for part in (p.strip() for p in setting.split(",")):
        if not part:
            continue
        host, sep, port = part.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected host:port, got {part[:60]!r}")
        nodes.append((host.strip("[]"), int(port)))
    if not nodes:
        raise ValueError("no host:port given")
    return nodes


def _nodes(raw: str | None) -> list[tuple[str, int]] | None:
    """Read ``REDIS_CLUSTER_NODES``, or say clearly what is wrong with it."""
    if not raw:
        return None
    try:
        return parse_nodes(raw)
    except ValueError as exc:
        raise SettingError(f"REDIS_CLUSTER_NODES: {exc}") from None


def _timing(raw: str | None) -> Timing | None:
    """Parse ``CODERACE_TIMING``: a JSON object of ``Timing`` fields (ms, whole numbers,
    not negative). Anything else stops start-up with a message naming the problem."""
    if not raw:
        return None
    try:
        values = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingError(f"CODERACE_TIMING is not JSON: {exc}") from None
    if not isinstance(values, dict):
        raise SettingError("CODERACE_TIMING must be a JSON object")
    known = [f.name for f in dataclasses.fields(Timing)]
    for key, value in values.items():
        if key not in known:
            raise SettingError(
                f"CODERACE_TIMING: unknown key {key[:40]!r}; known keys: {', '.join(known)}"
            )
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SettingError(f"CODERACE_TIMING: {key} must be a whole number of ms, >= 0")
    return Timing(**values)
