"""The requests a client may send: one table of event → schema → engine call.

Each call takes the worker's services, the player the connection speaks for and the
validated message, and returns the fields of its acknowledgement or raises ``Refused``.
``handlers.py`` routes every event, unknown ones included, through one path: rate limit,
session, validation, the call, the answer. Calls run inside a Flask request context
(``session``, ``request.sid``), except ``keys``, the hottest: building a context per batch
cost ~10% of a worker's CPU under load, and it needs none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

from flask import current_app
from flask import request
from flask import session
from flask_socketio import join_room
from flask_socketio import leave_room

from race.core import members
from race.core.names import clean_name
from race.core.room import Refused
from race.core.snippet import Snippet
from race.core.snippet import custom_snippet
from race.identity import Player
from race.identity.tokens import issue_token
from race.realtime import Services
from race.realtime import ghosting
from race.realtime import runs
from race.realtime import schemas as s
from race.realtime import services
from race.realtime.engine import Engine
from race.realtime.views import room_view
from race.store.base import wall_ms

Answer = dict[str, Any] | None


class Event(NamedTuple):
    """One request: the schema its payload must match and what it does."""

    schema: type[s.Message]
    #: Called with the services, the player and the message; one without a request
    #: context (``context`` False) is also given the connection's id, as a fourth argument.
    call: Callable[..., Answer]
    #: Whether the call needs a Flask request context.
    context: bool = True


def _sid() -> str:
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


def _tab() -> str:
    """Return the id of the tab this connection comes from ("" if it sent none)."""
    tab = session.get("tab")
    return tab if isinstance(tab, str) else ""


def _engine() -> Engine:
    return services(current_app).engine


def save_player(who: Player) -> None:
    """Record who this connection speaks for, in the Flask and the Socket.IO session."""
    session["player"] = (who.id, who.name)
    server: Any = current_app.extensions["socketio"].server
    server.save_session(_sid(), {"player": (who.id, who.name)})


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
    taken = svc.take_seat(_sid(), room, returning)
    if taken is None:
        svc.metrics.refused_busy.inc()
        raise Refused("busy", "server busy: this server is full, try again in a minute")
    try:
        yield
    except BaseException:
        if taken:
            svc.release(_sid())
        raise


def _limit(limit_s: int | None) -> int | None:
    return None if limit_s is None else limit_s * 1000


def _enter(svc: Services, who: Player, code: str) -> dict[str, Any]:
    """Move this connection into a room; return the join answer (room + your state)."""
    previous = session.get("room")
    if previous and previous != code:
        leave_room(previous)
        svc.store.drop_conn(previous, who.id, _sid())
        with contextlib.suppress(Refused):
            svc.engine.leave(previous, who, _sid())  # not if another tab holds the seat
    session["room"] = code  # a disconnect from now on finds the room here
    if svc.live(_sid()):  # the store recorded the seat's connection with the room's write
        svc.place(_sid(), code)
        join_room(code)
    else:
        # It closed while the join ran: its disconnect found no room (or the old one) and
        # marked nothing; the heartbeat's reconcile marks the seat this join took.
        svc.heartbeat.reconciler.closed(_sid(), code, who.id)
    room = svc.engine.room(code)
    view = room_view(room, wall_ms(), svc.engine.corpus.about(room.snippet))
    return {"room": view, "you": svc.racing.you(room, who.id)}


def sync(svc: Services, who: Player, msg: s.Sync) -> Answer:
    return {"c": msg.c, "s": wall_ms()}


def set_name(svc: Services, who: Player, msg: s.SetName) -> Answer:
    try:
        name = clean_name(msg.name)
    except ValueError as exc:
        raise Refused("bad_name", str(exc)) from None
    renamed = Player(who.id, name)
    save_player(renamed)
    code = session.get("room")
    if code:
        svc.engine.update(code, lambda r: members.rename(r, who.id, name))
    secret = current_app.config["SECRET_KEY"]
    return {"name": name, "token": issue_token(secret, renamed, session.get("version"))}


def quick(svc: Services, who: Player, msg: s.Quick) -> Answer:
    _throttle_join()
    language = None if msg.language == "any" else msg.language
    with _seat():
        room = svc.engine.quick(who, language, conn=_sid(), own_indent=msg.own_indent, tab=_tab())
        return _enter(svc, who, room.code)


def create(svc: Services, who: Player, msg: s.Create) -> Answer:
    _throttle_join()
    snippet = _snippet(msg) or svc.engine.pick_snippet()
    with _seat():
        _throttle_room()
        room = svc.engine.create_private(
            who, snippet, _limit(msg.limit_s), conn=_sid(), own_indent=msg.own_indent, tab=_tab()
        )
        return _enter(svc, who, room.code)


def practice(svc: Services, who: Player, msg: s.Practice) -> Answer:
    _throttle_join()
    snippet = _snippet(msg) or svc.engine.pick_snippet()
    with _seat():
        _throttle_room()
        room = svc.engine.practice(
            who, snippet, conn=_sid(), ready=msg.ready, own_indent=msg.own_indent, tab=_tab()
        )
        return _enter(svc, who, room.code)


def join(svc: Services, who: Player, msg: s.Join) -> Answer:
    _throttle_join()  # every attempt counts: room codes cannot be guessed fast
    returning = svc.engine.room(msg.code).seat(who.id) is not None
    with _seat(msg.code, returning):
        browser = session.get("browser") or ""
        svc.engine.join(
            msg.code, who, msg.role, browser, conn=_sid(), own_indent=msg.own_indent,
            tab=_tab(), take_over=msg.take_over,
        )  # fmt: skip
        return _enter(svc, who, msg.code)


def leave(svc: Services, who: Player, msg: s.InRoom) -> Answer:
    svc.engine.leave(msg.code, who, _sid())
    if session.get("room") == msg.code:
        session.pop("room")
        svc.release(_sid())
        leave_room(msg.code)
        svc.store.drop_conn(msg.code, who.id, _sid())
    return None


def keys(svc: Services, who: Player, msg: s.Keys, sid: str) -> Answer:
    return svc.racing.keys(msg.code, msg.round, who, msg.seq, msg.keys, conn=sid)


def keep_waiting(svc: Services, who: Player, msg: s.InRoom) -> Answer:
    svc.engine.keep_waiting(msg.code, who)
    return None


def own_indent(svc: Services, who: Player, msg: s.OwnIndent) -> Answer:
    svc.engine.update(msg.code, lambda r: members.set_own_indent(r, who.id, msg.own))
    return None


def race_ghosts(svc: Services, who: Player, msg: s.InRoom) -> Answer:
    _throttle_join()  # it may read the results database: it spends a join, as joins do
    room = ghosting.race_ghosts(svc.engine, msg.code, who)
    view = room_view(room, wall_ms(), svc.engine.corpus.about(room.snippet))
    return {"room": view, "you": svc.racing.you(room, who.id)}


def configure(svc: Services, who: Player, msg: s.Configure) -> Answer:
    limit = _limit(msg.limit_s)
    svc.engine.configure(
        msg.code, who, _snippet(msg), limit, msg.public_results, auto_limit=msg.auto_limit
    )
    return None


def lock(svc: Services, who: Player, msg: s.Lock) -> Answer:
    svc.engine.lock(msg.code, who, msg.locked)
    return None


def kick(svc: Services, who: Player, msg: s.Kick) -> Answer:
    svc.engine.kick(msg.code, who, msg.player_id)
    return None


def start(svc: Services, who: Player, msg: s.InRoom) -> Answer:
    svc.engine.start(msg.code, who)
    return None


def end(svc: Services, who: Player, msg: s.InRoom) -> Answer:
    # The time limit moves to now and the race is concluded here; were this worker to
    # fail first, the moved limit deadline concludes it.
    room = svc.engine.cut_short(msg.code, who)
    svc.racing.conclude(msg.code, room.round)
    return None


def rematch(svc: Services, who: Player, msg: s.Rematch) -> Answer:
    svc.engine.rematch(msg.code, who, _snippet(msg), go=msg.start)
    return None


def restart(svc: Services, who: Player, msg: s.Restart) -> Answer:
    svc.throttle.restart(session.get("ip", "unknown"))
    room = svc.engine.room(msg.code)
    snippet = runs.next_snippet(svc.engine, room) if msg.next else _snippet(msg)
    runs.restart(svc.engine, msg.code, who, snippet, conn=_sid())
    return _enter(svc, who, msg.code)


def go(svc: Services, who: Player, msg: s.Go) -> Answer:
    runs.go(svc.engine, msg.code, who, msg.round, msg.at, conn=_sid())
    return _enter(svc, who, msg.code)


#: Every request a client may send.
EVENTS: dict[str, Event] = {
    "sync": Event(s.Sync, sync),
    "set_name": Event(s.SetName, set_name),
    "quick": Event(s.Quick, quick),
    "create": Event(s.Create, create),
    "practice": Event(s.Practice, practice),
    "join": Event(s.Join, join),
    "leave": Event(s.InRoom, leave),
    "keys": Event(s.Keys, keys, context=False),
    "keep_waiting": Event(s.InRoom, keep_waiting),
    "race_ghosts": Event(s.InRoom, race_ghosts),
    "own_indent": Event(s.OwnIndent, own_indent),
    "configure": Event(s.Configure, configure),
    "lock": Event(s.Lock, lock),
    "kick": Event(s.Kick, kick),
    "start": Event(s.InRoom, start),
    "end": Event(s.InRoom, end),
    "rematch": Event(s.Rematch, rematch),
    "restart": Event(s.Restart, restart),
    "go": Event(s.Go, go),
}
