"""Socket.IO event handlers: validate, call the engine, answer. Transport only."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from typing import TypeVar

from flask import current_app
from flask import request
from flask import session
from flask_socketio import SocketIO
from flask_socketio import emit
from flask_socketio import join_room
from flask_socketio import leave_room
from pydantic import ValidationError
from socketio.exceptions import ConnectionRefusedError as SocketIORefused

from race.core import room as rooms
from race.core.names import clean_name
from race.core.room import Refused
from race.core.snippet import Snippet
from race.core.snippet import custom_snippet
from race.realtime import Services
from race.realtime import schemas as s
from race.realtime import services
from race.realtime.engine import Engine
from race.realtime.engine import player_room
from race.realtime.heartbeat import is_store_error
from race.realtime.identity import Player
from race.realtime.identity import issue_token
from race.realtime.identity import new_guest
from race.realtime.identity import read_token
from race.realtime.views import room_view
from race.store.base import wall_ms
from race.web import accounts

log = logging.getLogger(__name__)
M = TypeVar("M", bound=s.Message)


def _reply(event: str, data: Any) -> None:
    """Emit to this connection only, without a trip through the message queue."""
    emit(event, data, ignore_queue=True)  # type: ignore[call-arg]  # a real option; not in the stub


def _player() -> Player:
    pid, name = session["player"]
    return Player(pid, name)


def _engine() -> Engine:
    return services(current_app).engine


def _snippet(pick: s.Pick) -> Snippet | None:
    """Return the snippet a request picks, or None if it picks none."""
    if pick.custom is not None:
        try:
            return custom_snippet(pick.custom.code, pick.custom.language, pick.custom.indent)
        except ValueError as exc:
            raise Refused("bad_custom_code", str(exc)) from None
    if pick.snippet_id is None and pick.language is None and pick.difficulty is None:
        return None
    return _engine().pick_snippet(pick.language, pick.difficulty, pick.snippet_id)


def _throttle_join() -> None:
    """Spend a join of the client IP's budget."""
    services(current_app).throttle.join(session.get("ip", "unknown"))


def _throttle_room() -> None:
    """Spend a room creation of the client IP's budget. Called once a seat is held, so a
    player refused ``busy`` (and sent to find a seat elsewhere) spends no room."""
    services(current_app).throttle.new_room(session.get("ip", "unknown"))


@contextlib.contextmanager
def _seat(room: str = "", returning: bool = False) -> Iterator[None]:
    """Hold a seat on this worker for the join inside; refuse with ``busy`` when full
    (admitted players come first: one coming back to their room is always let in).

    The seat is reserved before the join runs (the join yields to other greenlets on
    store calls) and given back if the join fails.
    """
    svc = services(current_app)
    sid = request.sid  # type: ignore[attr-defined]
    taken = svc.take_seat(sid, room, returning)
    if taken is None:
        svc.metrics.refused_busy.inc()
        raise Refused("busy", "server busy: this server is full, try again in a minute")
    try:
        yield
    except BaseException:
        if taken:
            svc.release(sid)
        raise


def _limit(limit_s: int | None) -> int | None:
    return None if limit_s is None else limit_s * 1000


def _enter(code: str) -> dict[str, Any]:
    """Move this connection into a room; return the join answer (room + your state)."""
    svc = services(current_app)
    player = _player()
    previous = session.get("room")
    if previous and previous != code:
        leave_room(previous)
        svc.store.drop_conn(previous, player.id, request.sid)  # type: ignore[attr-defined]
        with contextlib.suppress(Refused):
            svc.engine.leave(previous, player)
    session["room"] = code
    svc.place(request.sid, code)  # type: ignore[attr-defined]
    join_room(code)
    svc.store.put_conn(code, player.id, request.sid)  # type: ignore[attr-defined]
    room = svc.engine.room(code)
    return {"room": room_view(room, wall_ms()), "you": svc.racing.you(room, player.id)}


def answer(
    name: str,
    sid: str,
    svc: Services,
    call: Callable[[], dict[str, Any] | None],
    send_error: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Run a request; return its acknowledgement, and on refusal also send ``error``."""
    try:
        svc.throttle.event(sid)
        result = call()
        svc.metrics.events.labels(name, "ok").inc()
        return {"ok": True, **(result or {})}
    except ValidationError as exc:
        code, message = "bad_payload", s.describe(exc)
    except Refused as exc:
        code, message = exc.code, exc.message
    except Exception as exc:
        log.error("%s failed: %s: %s", name, type(exc).__name__, exc, exc_info=exc)
        if is_store_error(exc):
            svc.metrics.store_errors.inc()
        code, message = "unavailable", "the server could not do that now; try again"
    svc.metrics.events.labels(name, code).inc()
    send_error({"code": code, "message": message, "event": name})
    return {"ok": False, "code": code, "message": message}


def register(sio: SocketIO, svc: Services) -> None:
    """Register every event handler on a Socket.IO server."""
    server: Any = sio.server  # type: ignore[attr-defined]  # python-socketio's; the stub omits it

    def on(name: str, schema: type[M]) -> Callable[[Callable[[M], dict[str, Any] | None]], None]:
        def decorate(fn: Callable[[M], dict[str, Any] | None]) -> None:
            def handler(*args: Any) -> dict[str, Any]:
                def call() -> dict[str, Any] | None:
                    if "player" not in session:
                        raise Refused("no_session", "connect first")
                    if len(args) != 1:
                        raise Refused("bad_payload", "send exactly one object")
                    return fn(schema.model_validate(args[0]))

                sid = request.sid  # type: ignore[attr-defined]
                return answer(name, sid, svc, call, lambda error: _reply("error", error))

            sio.on_event(name, handler)

        return decorate

    @sio.on("connect")
    def connect(auth: Any = None) -> None:
        svc = services(current_app)
        if svc.connected >= svc.connection_cap:
            svc.metrics.refused_busy.inc()
            raise SocketIORefused("server busy: try again in a minute", {"code": "busy"})
        ip = request.remote_addr or "unknown"
        if not svc.throttle.connect(ip):
            raise SocketIORefused("too many connections; wait a minute", {"code": "rate_limited"})
        svc.connect(request.sid)  # type: ignore[attr-defined]
        svc.throttle.opened(request.sid, ip)  # type: ignore[attr-defined]
        session["ip"] = ip
        secret = current_app.config["SECRET_KEY"]
        try:
            hello = s.Hello.model_validate(auth or {})
        except ValidationError:
            hello = s.Hello()
        # A logged-in account (the Flask session cookie) comes first; then this tab's token,
        # unless it names an account that has logged out; else a new guest.
        player = accounts.account_player(session)
        if player is None:
            player = read_token(secret, hello.token) if hello.token else None
            if player is not None and not accounts.token_usable(player.id):
                player = None
            player = player or new_guest()
            if hello.name:
                with contextlib.suppress(ValueError):
                    player = Player(player.id, clean_name(hello.name))
        session["player"] = (player.id, player.name)
        server.save_session(request.sid, {"player": (player.id, player.name)})  # type: ignore[attr-defined]
        join_room(player_room(player.id))
        _reply(
            "welcome",
            {
                "player_id": player.id,
                "name": player.name,
                "token": issue_token(secret, player),
                "server_ms": wall_ms(),
            },
        )
        svc.start_background()

    @sio.on("disconnect")
    def disconnect(*_: Any) -> None:
        here = services(current_app)
        here.disconnect(request.sid)  # type: ignore[attr-defined]
        here.throttle.forget(request.sid)  # type: ignore[attr-defined]
        code = session.get("room")
        if not code or "player" not in session:
            return
        svc = services(current_app)
        player = _player()
        if svc.store.drop_conn(code, player.id, request.sid):  # type: ignore[attr-defined]
            svc.engine.disconnect(code, player)

    @sio.on("*")
    def unknown(event: str, *_: Any) -> dict[str, Any]:
        message = "unknown event"
        error = {"code": "unknown_event", "message": message, "event": str(event)[:64]}
        _reply("error", error)
        return {"ok": False, "code": "unknown_event", "message": message}

    @on("sync", s.Sync)
    def sync(msg: s.Sync) -> dict[str, Any]:
        return {"c": msg.c, "s": wall_ms()}

    @on("set_name", s.SetName)
    def set_name(msg: s.SetName) -> dict[str, Any]:
        try:
            name = clean_name(msg.name)
        except ValueError as exc:
            raise Refused("bad_name", str(exc)) from None
        player = Player(_player().id, name)
        session["player"] = (player.id, player.name)
        server.save_session(request.sid, {"player": (player.id, player.name)})  # type: ignore[attr-defined]
        code = session.get("room")
        if code:
            _engine().update(code, lambda r: rooms.rename(r, player.id, name))
        return {"name": name, "token": issue_token(current_app.config["SECRET_KEY"], player)}

    @on("quick", s.Quick)
    def quick(msg: s.Quick) -> dict[str, Any]:
        _throttle_join()
        language = None if msg.language == "any" else msg.language
        with _seat():
            return _enter(_engine().quick(_player(), language).code)

    @on("create", s.Create)
    def create(msg: s.Create) -> dict[str, Any]:
        _throttle_join()
        engine = _engine()
        snippet = _snippet(msg) or engine.pick_snippet()
        with _seat():
            _throttle_room()
            return _enter(engine.create_private(_player(), snippet, _limit(msg.limit_s)).code)

    @on("practice", s.Practice)
    def practice(msg: s.Practice) -> dict[str, Any]:
        _throttle_join()
        engine = _engine()
        snippet = _snippet(msg) or engine.pick_snippet()
        with _seat():
            _throttle_room()
            return _enter(engine.practice(_player(), snippet).code)

    @on("join", s.Join)
    def join(msg: s.Join) -> dict[str, Any]:
        engine, player = _engine(), _player()
        _throttle_join()  # every attempt counts: room codes cannot be guessed fast
        returning = engine.room(msg.code).seat(player.id) is not None
        with _seat(msg.code, returning):
            engine.join(msg.code, player, msg.role)
            return _enter(msg.code)

    @on("leave", s.InRoom)
    def leave(msg: s.InRoom) -> None:
        player = _player()
        _engine().leave(msg.code, player)
        if session.get("room") == msg.code:
            session.pop("room")
            services(current_app).release(request.sid)  # type: ignore[attr-defined]
            leave_room(msg.code)
            services(current_app).store.drop_conn(msg.code, player.id, request.sid)  # type: ignore[attr-defined]

    keys_handler(sio, svc)

    @on("keep_waiting", s.InRoom)
    def keep_waiting(msg: s.InRoom) -> None:
        _engine().keep_waiting(msg.code, _player())

    @on("configure", s.Configure)
    def configure(msg: s.Configure) -> None:
        _engine().configure(msg.code, _player(), _snippet(msg), _limit(msg.limit_s))

    @on("lock", s.Lock)
    def lock(msg: s.Lock) -> None:
        _engine().lock(msg.code, _player(), msg.locked)

    @on("kick", s.Kick)
    def kick(msg: s.Kick) -> None:
        _engine().kick(msg.code, _player(), msg.player_id)

    @on("start", s.InRoom)
    def start(msg: s.InRoom) -> None:
        _engine().start(msg.code, _player())

    @on("end", s.InRoom)
    def end(msg: s.InRoom) -> None:
        # The time limit moves to now and the race is concluded here; were this worker to
        # fail first, the moved limit deadline concludes it.
        room = _engine().cut_short(msg.code, _player())
        services(current_app).racing.conclude(msg.code, room.round)

    @on("rematch", s.Rematch)
    def rematch(msg: s.Rematch) -> None:
        _engine().rematch(msg.code, _player(), _snippet(msg))


def keys_handler(sio: SocketIO, svc: Services) -> None:
    """Register ``keys``, the hottest event, straight on the Socket.IO server.

    It needs no Flask request context (building one per batch cost ~10% of a worker's
    CPU under load): identity comes from the Socket.IO session saved at connect.
    """

    server: Any = sio.server  # type: ignore[attr-defined]  # python-socketio's; the stub omits it

    def keys(sid: str, *args: Any) -> dict[str, Any]:
        def call() -> dict[str, Any]:
            saved = server.get_session(sid)
            if "player" not in saved:
                raise Refused("no_session", "connect first")
            if len(args) != 1:
                raise Refused("bad_payload", "send exactly one object")
            msg = s.Keys.model_validate(args[0])
            player = Player(*saved["player"])
            return svc.racing.keys(msg.code, msg.round, player, msg.seq, msg.keys)

        return answer(
            "keys", sid, svc, call, lambda e: server.emit("error", e, to=sid, ignore_queue=True)
        )

    server.on("keys", keys)
