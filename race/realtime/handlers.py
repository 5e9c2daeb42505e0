"""Socket.IO event handlers: every request through one path, and the connection's doors.

``events.EVENTS`` is the table of requests (event → schema → engine call). ``dispatch`` is
the one path each of them takes, unknown events included: the connection's rate limit,
the session, the payload's schema, the call, and the answer (an acknowledgement, and an
``error`` event on refusal). ``connect`` and ``disconnect`` are the doors. Transport only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask import request
from flask import session
from flask_socketio import SocketIO
from flask_socketio import emit
from flask_socketio import join_room
from pydantic import ValidationError
from socketio.exceptions import ConnectionRefusedError as SocketIORefused

from race.core.addresses import client_key
from race.core.room import Refused
from race.identity import Player
from race.identity.session import who_connects
from race.identity.tokens import issue_token
from race.logonce import ONCE
from race.realtime import Services
from race.realtime import schemas as s
from race.realtime import services
from race.realtime.events import EVENTS
from race.realtime.events import Event
from race.realtime.events import save_player
from race.realtime.naming import player_room
from race.realtime.recheck import account_room
from race.realtime.revoke import check_session
from race.store.base import is_store_error
from race.store.base import wall_ms

log = logging.getLogger(__name__)
#: The metrics label of every event not in the table (names are the client's to choose).
UNKNOWN = "unknown"
#: At most this much of an unknown event's name is echoed in its ``error``.
MAX_ECHO = 64


def _reply(event: str, data: Any) -> None:
    """Emit to this connection only, without a trip through the message queue."""
    emit(event, data, ignore_queue=True)  # type: ignore[call-arg]  # a real option; not in the stub


def answer(
    name: str,
    sid: str,
    svc: Services,
    call: Callable[[], dict[str, Any] | None],
    send_error: Callable[[dict[str, Any]], None],
    *,
    event: str | None = None,
) -> dict[str, Any]:
    """Run a request; return its acknowledgement, and on refusal also send ``error``.

    ``name`` labels the metrics; ``event`` (default ``name``) is what ``error`` echoes. A
    refusal that knows when the request can succeed says so in ``retry_ms``."""
    retry: int | None = None
    try:
        svc.throttle.event(sid)
        result = call()
        svc.metrics.events.labels(name, "ok").inc()
        return {"ok": True, **(result or {})}
    except ValidationError as exc:
        code, message = s.refusal(exc)
    except Refused as exc:
        code, message, retry = exc.code, exc.message, exc.retry_ms
    except Exception as exc:
        ONCE.error(log, f"event {name}", exc, "%s failed: %s: %s", name, type(exc).__name__, exc)
        if is_store_error(exc):
            svc.metrics.store_errors.inc()
        code, message = "unavailable", "the server could not do that now; try again"
    svc.metrics.events.labels(name, code).inc()
    refusal: dict[str, Any] = {"ok": False, "code": code, "message": message}
    if retry is not None:
        refusal["retry_ms"] = retry
    send_error({**refusal, "event": name if event is None else event})
    return refusal


def register(sio: SocketIO, svc: Services) -> None:
    """Register every event handler on a Socket.IO server."""
    server: Any = sio.server  # type: ignore[attr-defined]  # python-socketio's; the stub omits it

    for name, event in EVENTS.items():
        if event.context:
            sio.on_event(name, _in_context(name, event, svc))
        else:
            server.on(name, _bare(name, event, svc, server))

    @sio.on("connect")
    def connect(auth: Any = None) -> None:
        svc = services(current_app)
        if svc.connected >= svc.connection_cap:
            svc.metrics.refused_busy.inc()
            raise SocketIORefused("server busy: try again in a minute", {"code": "busy"})
        ip = client_key(request.remote_addr)  # an IPv6 client's /64
        try:
            svc.throttle.connect(ip)
        except Refused as exc:
            raise SocketIORefused(
                exc.message, {"code": exc.code, "retry_ms": exc.retry_ms}
            ) from None
        svc.connect(request.sid)  # type: ignore[attr-defined]
        svc.throttle.opened(request.sid, ip)  # type: ignore[attr-defined]
        session["ip"] = ip
        secret = current_app.config["SECRET_KEY"]
        try:
            hello = s.Hello.model_validate(auth or {})
        except ValidationError:
            hello = s.Hello()
        # From the cookie and the token alone: no database I/O in the handshake.
        player, account = who_connects(session, secret, hello.token, hello.name)
        session["tab"] = hello.tab or ""  # which tab holds a seat (race.core.tabs)
        version = None if account is None else account.version
        session["version"] = version
        save_player(player)
        join_room(player_room(player.id))
        if account is not None:  # told, and re-checked, when its session ends elsewhere
            join_room(account_room(player.id))
            svc.recheck.opened(request.sid, account)  # type: ignore[attr-defined]
        _reply(
            "welcome",
            {
                "player_id": player.id,
                "name": player.name,
                "token": issue_token(secret, player, version),
                "server_ms": wall_ms(),
            },
        )
        if account is not None or hello.token:  # what the handshake could not ask the database
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            check_session(app, sio, request.sid, account, player)  # type: ignore[attr-defined]
        svc.start_background()

    @sio.on("disconnect")
    def disconnect(*_: Any) -> None:
        here = services(current_app)
        sid: str = request.sid  # type: ignore[attr-defined]
        here.disconnect(sid)
        here.throttle.forget(sid)
        here.recheck.closed(sid)
        code = session.get("room")
        if not code or "player" not in session:
            return
        player = Player(*session["player"])
        try:
            here.store.drop_conn(code, player.id, sid)
            # Marks the seat only if no connection joined after this one (a reconnect).
            here.engine.disconnect(code, player, sid)
        except Exception:
            # The seat may be left connected: the heartbeat checks it again (reconcile).
            here.heartbeat.reconciler.closed(sid, code, player.id)
            raise

    @sio.on("*")
    def unknown(event: Any, *args: Any) -> dict[str, Any]:
        return _in_context(str(event)[:MAX_ECHO], None, svc)(*args)


def _player(saved: Any) -> Player | None:
    """Return the player a session names, or None before ``connect`` has set one."""
    if "player" not in saved:
        return None
    pid, name = saved["player"]
    return Player(pid, name)


def dispatch(
    name: str,
    event: Event | None,
    args: tuple[Any, ...],
    *,
    svc: Services,
    sid: str,
    who: Callable[[], Player | None],
    send_error: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """The one path of every request: rate limit, session, payload, call, answer."""

    def call() -> dict[str, Any] | None:
        if event is None:
            raise Refused("unknown_event", "unknown event")
        player = who()
        if player is None:
            raise Refused("no_session", "connect first")
        if len(args) != 1:
            raise Refused("bad_payload", "send exactly one object")
        msg = event.schema.model_validate(args[0])
        return event.call(svc, player, msg) if event.context else event.call(svc, player, msg, sid)

    return answer(UNKNOWN if event is None else name, sid, svc, call, send_error, event=name)


def _in_context(name: str, event: Event | None, svc: Services) -> Callable[..., dict[str, Any]]:
    """Return the Flask-SocketIO handler of a request that runs in a request context."""

    def handler(*args: Any) -> dict[str, Any]:
        return dispatch(
            name,
            event,
            args,
            svc=svc,
            sid=request.sid,  # type: ignore[attr-defined]
            who=lambda: _player(session),
            send_error=lambda e: _reply("error", e),
        )

    return handler


def _bare(name: str, event: Event, svc: Services, server: Any) -> Callable[..., dict[str, Any]]:
    """Return the python-socketio handler of a request that needs no request context:
    identity comes from the Socket.IO session saved at connect."""

    def handler(sid: str, *args: Any) -> dict[str, Any]:
        return dispatch(
            name,
            event,
            args,
            svc=svc,
            sid=sid,
            who=lambda: _player(server.get_session(sid)),
            send_error=lambda e: server.emit("error", e, to=sid, ignore_queue=True),
        )

    return handler
