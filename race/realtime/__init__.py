"""Socket.IO: binding it to an app, and wiring the race services behind it."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO
from redis.backoff import NoBackoff
from redis.retry import Retry

from race.core.seats import DEFAULT_CAPACITY
from race.core.seats import Seats
from race.corpus import builtin
from race.corpus import load_dir
from race.ghosts import GhostSource
from race.ghosts import NoGhosts
from race.limits import configured
from race.realtime.engine import Engine
from race.realtime.fanout import QueuedRedisManager
from race.realtime.heartbeat import Heartbeat
from race.realtime.heartbeat import run_forever
from race.realtime.metrics import Metrics
from race.realtime.racing import Racing
from race.realtime.recheck import Recheck
from race.realtime.recheck import init_app as init_recheck
from race.realtime.recheck import run_forever as recheck_forever
from race.realtime.roomcast import RoomRedisManager
from race.realtime.shardcast import ShardedRoomManager
from race.realtime.throttle import Throttle
from race.realtime.ticker import Pacer
from race.realtime.views import room_view
from race.sink import MemorySink
from race.sink import ResultsSink
from race.store.base import Store
from race.store.base import wall_ms
from race.store.memory import MemoryStore

#: The message queue's Redis connections: every connect and reply bounded (the listener
#: polls rather than block on a read, see ``race.realtime.fanout``), no retries inside
#: redis-py (a failure reaches the listener or the writer at once, which reconnect on
#: their own terms); TCP keepalive probes notice a dead peer within about 25 s.
REDIS_OPTIONS: dict[str, Any] = {
    "retry": Retry(NoBackoff(), 0),
    "socket_connect_timeout": 5,
    "socket_timeout": 5,
    "socket_keepalive": True,
    "socket_keepalive_options": {
        socket.TCP_KEEPIDLE: 10,
        socket.TCP_KEEPINTVL: 5,
        socket.TCP_KEEPCNT: 3,
    },
    "health_check_interval": 10,
}

#: Largest Socket.IO message accepted (a batch of 256 keys is ~4 KB; custom code, at most
#: ``MAX_CUSTOM_CHARS`` characters, at most ~12 KB as JSON).
MAX_MESSAGE_BYTES = 64 * 1024


@dataclass
class Services:
    """The race services of one app (one worker)."""

    socketio: SocketIO
    store: Store
    engine: Engine
    racing: Racing
    heartbeat: Heartbeat
    sink: ResultsSink
    metrics: Metrics
    throttle: Throttle
    #: Connections of this worker that hold a seat (racing or watching), and their rooms;
    #: joins past its capacity are refused as "busy" (``race.core.seats``).
    seats: Seats
    #: This worker's logged-in sockets, re-checked for sessions ended since they opened.
    recheck: Recheck
    #: Sockets connected to this worker.
    connected: int = 0
    _started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Connections open on this worker: a join finishing after its connection closed
    #: must not seat it (nothing would give the seat back).
    _live: set[str] = field(default_factory=set)

    def connect(self, sid: str) -> None:
        """Count a new connection."""
        with self._lock:
            self.connected += 1
            self._live.add(sid)
            self.metrics.sockets.set(self.connected)

    def disconnect(self, sid: str) -> None:
        """Count a closed connection."""
        with self._lock:
            self.connected -= 1
            self._live.discard(sid)
            self.seats.release(sid)
            self.metrics.sockets.set(self.connected)

    @property
    def connection_cap(self) -> int:
        """Connections accepted at most: the capacity plus headroom for pages not yet
        seated."""
        capacity = int(self.seats.capacity)
        return capacity + max(capacity // 4, 10)

    def take_seat(self, sid: str, room: str = "", returning: bool = False) -> bool | None:
        """Reserve a seat for ``sid``'s join into ``room`` ("" if the join makes one): True
        if newly taken, False if it already held one, None if this worker is full (a
        ``returning`` player, already seated in the room, is never refused). Check and
        reservation are one step, so joins racing for the last seat cannot both win it."""
        with self._lock:
            if sid not in self._live:  # it closed while its join waited on the store
                return None
            return self.seats.take(sid, room, returning)

    def place(self, sid: str, room: str) -> None:
        """Record the room a connection's join put it in (not if it has closed since)."""
        with self._lock:
            if sid in self._live:
                self.seats.place(sid, room)

    def live(self, sid: str) -> bool:
        """Tell whether a connection of this worker is still open."""
        with self._lock:
            return sid in self._live

    def release(self, sid: str) -> None:
        """Give a connection's seat back."""
        with self._lock:
            self.seats.release(sid)

    def start_background(self) -> None:
        """Start the heartbeat and the session re-checks once per worker."""
        with self._lock:
            if self._started:
                return
            self._started = True
        sio = self.socketio
        # The stub says int; the async libraries sleep fractions of a second.
        sio.start_background_task(run_forever, self.heartbeat, sio.sleep)  # type: ignore[arg-type]
        sio.start_background_task(recheck_forever, self.recheck, sio.sleep)  # type: ignore[arg-type]


def services(app: Flask) -> Services:
    """Return the app's race services."""
    found: Services = app.extensions["coderace"]
    return found


def _store(app: Flask) -> Store:
    """Return the store the configuration asks for: Redis if ``REDIS_URL`` is set, a Redis
    Cluster if ``REDIS_CLUSTER_NODES`` is, else the in-process one."""
    if not (app.config.get("REDIS_URL") or app.config.get("REDIS_CLUSTER_NODES")):
        return MemoryStore()
    from race.store.client import open_store
    from race.store.keys import CLUSTER_SHARDS

    store = open_store(
        app.config.get("REDIS_URL"),
        app.config.get("REDIS_CLUSTER_NODES"),
        app.config.get("REDIS_PREFIX", "cr:"),
        app.config.get("REDIS_CLUSTER_SHARDS", CLUSTER_SHARDS),
    )
    assert store is not None
    return store


def _limits_url(app: Flask) -> str | None:
    """Return where the shared rate limits live: the store's Redis (or cluster), if any."""
    if not (app.config.get("REDIS_URL") or app.config.get("REDIS_CLUSTER_NODES")):
        return None
    from race.store.client import limits_url

    return limits_url(app.config.get("REDIS_URL"), app.config.get("REDIS_CLUSTER_NODES"))


def _sink(app: Flask) -> ResultsSink:
    """Return the results sink: the database when the app has one (see ``race.db.app``)."""
    db = app.extensions.get("coderace_db")
    if db is None:
        return MemorySink()
    from race.db.sink import DatabaseSink
    from race.db.sink import RecordingSink

    return RecordingSink(db.engine) if app.config.get("TESTING") else DatabaseSink(db.engine)


def _ghosts(app: Flask) -> GhostSource:
    """Return where ghosts come from: the results database when the app has one."""
    db = app.extensions.get("coderace_db")
    if db is None:
        return NoGhosts()
    from race.db.ghosts import DatabaseGhosts

    return DatabaseGhosts(db.engine)


def _message_queue(app: Flask) -> QueuedRedisManager:
    """Return the manager through which this worker's emits reach the other workers."""

    def count_error() -> None:  # the metrics are built after the server
        services(app).metrics.store_errors.inc()

    def personal(room: str) -> bool:
        """Tell a player's or an account's room (``p:``, ``account:``): their events are
        rare and one-shot (``kicked``, ``session_revoked``), so every worker hears them on
        the control channel rather than risk one in the gap before a subscription."""
        return ":" in room

    def resync(code: str) -> None:
        """Send a room's view to this worker's members of it: they may have missed one
        published before the worker's subscription to the room took effect."""
        svc = services(app)
        room = svc.store.get_room(code)
        if room is not None:
            view = room_view(room, wall_ms(), svc.engine.corpus.about(room.snippet))
            server: Any = svc.socketio.server  # type: ignore[attr-defined]  # the stub omits it
            server.emit("room", view, to=code, ignore_queue=True)

    prefix = app.config.get("REDIS_PREFIX", "cr:")
    # The room-scoped managers speak another format (host id first) on other channels, so
    # a worker of one kind never reads the other's messages.
    channel = f"{prefix}rooms"
    if app.config.get("FANOUT", "rooms") == "channel" and not app.config.get("REDIS_CLUSTER_NODES"):
        return QueuedRedisManager(
            app.config["REDIS_URL"], channel=f"{prefix}socketio", redis_options=REDIS_OPTIONS,
            on_error=count_error,
        )  # fmt: skip
    rooms: dict[str, Any] = {
        "channel": channel, "redis_options": REDIS_OPTIONS,
        "on_error": count_error, "on_subscribed": resync, "on_control": personal,
    }  # fmt: skip
    if app.config.get("REDIS_CLUSTER_NODES"):
        return ShardedRoomManager(app.config["REDIS_CLUSTER_NODES"], **rooms)
    return RoomRedisManager(app.config["REDIS_URL"], **rooms)


def init_app(app: Flask, store: Store | None = None, sink: ResultsSink | None = None) -> SocketIO:
    """Bind a Socket.IO server to the app and build its race services.

    Each app gets its own ``SocketIO`` (tests run several apps in one process).
    """
    options: dict[str, Any] = {}
    if app.config.get("ASYNC_MODE"):
        options["async_mode"] = app.config["ASYNC_MODE"]
    if app.config.get("ALLOWED_ORIGINS"):
        options["cors_allowed_origins"] = list(app.config["ALLOWED_ORIGINS"])
    if app.config.get("REDIS_URL") or app.config.get("REDIS_CLUSTER_NODES"):
        options["client_manager"] = _message_queue(app)
    sio = SocketIO(
        app,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        async_handlers=False,
        ping_interval=10,
        ping_timeout=10,
        **options,
    )

    def emit(event: str, data: Any, to: str) -> None:
        sio.emit(event, data, to=to)

    store = store or _store(app)
    sink = sink or _sink(app)
    corpus = app.config.get("CORPUS") or (
        load_dir(Path(app.config["CORPUS_DIR"])) if app.config.get("CORPUS_DIR") else builtin()
    )
    engine = Engine(store, corpus, wall_ms, emit, app.config.get("TIMING"))
    engine.ghosts = _ghosts(app)
    seats = Seats(float(app.config.get("MAX_RACERS", DEFAULT_CAPACITY)))
    pacer = Pacer(seats.load, app.config.get("PERIOD_MS"))
    racing = Racing(engine, pause=lambda: sio.sleep(0), period=lambda: pacer.period_ms)
    metrics = Metrics(store)
    worker_id = f"{os.getpid()}-{id(app):x}"
    heartbeat = Heartbeat(engine, racing, sink, worker_id, metrics, pacer=pacer)
    throttle = Throttle(
        configured(app.config.get("RATE_LIMITS")),
        store,
        _limits_url(app),
        app.config.get("REDIS_PREFIX", "cr:"),
    )
    metrics.watch_seats(seats.load, lambda: seats.capacity)
    # What /healthz and /metrics (race.web.ops) read, without importing this package.
    app.extensions.setdefault("coderace_health", {})["store"] = store.ping
    app.extensions["coderace_metrics"] = metrics.registry
    app.extensions["coderace"] = Services(
        sio,
        store,
        engine,
        racing,
        heartbeat,
        sink,
        metrics,
        throttle,
        seats,
        init_recheck(app, sio, metrics),
    )

    from race.realtime import handlers

    handlers.register(sio, app.extensions["coderace"])
    return sio
