"""Who is looking: the logged-in account, and the guests this browser has shown it plays
as, so a player's own profile lists their private races and a stranger's view does not.

A guest proves itself with the signed token the socket gave its tab (``POST
/api/me/guest``); the session cookie (signed by Flask) then remembers the guest's id, at
most ``MAX_GUESTS`` of them (two tabs are two players).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from flask import session
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError

from race.db import accounts
from race.db.app import db_session
from race.identity.session import verified_account
from race.identity.tokens import read_token
from race.web.limits import per_ip

log = logging.getLogger(__name__)
bp = Blueprint("viewer", __name__)

#: Guest ids one browser's session remembers, the latest first.
MAX_GUESTS = 8
#: A token is far shorter than this (``race.realtime.schemas.Hello`` takes 512).
MAX_TOKEN = 512


def account_id() -> str | None:
    """Return the player id of the logged-in account, if any (its session checked)."""
    account = verified_account(session)
    return None if account is None else account.id


def viewer_ids() -> set[str]:
    """Return the players this browser speaks for: its account and proven guests."""
    guests: Any = session.get("guests", [])
    ids = {g for g in guests if isinstance(g, str)} if isinstance(guests, list) else set()
    # A guest proven here that has registered since is the account's now: only its login
    # shows its unlisted races.
    ids -= accounts.registered_among(db_session(), ids)
    mine = account_id()
    return ids | {mine} if mine else ids


def _refuse(status: int, code: str, message: str) -> ResponseReturnValue:
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.errorhandler(OperationalError)
def database_down(exc: OperationalError) -> ResponseReturnValue:
    """Answer 503 while the database cannot be reached."""
    log.warning("database unavailable: %s", exc)
    return _refuse(503, "unavailable", "try again in a minute")


@bp.post("/api/me/guest")
@per_ip("proofs_per_ip")
def prove_guest() -> ResponseReturnValue:
    """Remember that this browser plays as the guest its token names."""
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return _refuse(400, "bad_request", "send {token} as JSON")
    claim = read_token(current_app.config["SECRET_KEY"], token)
    if claim is None:
        return _refuse(400, "bad_request", "that is not a valid player token")
    player = claim.player
    if accounts.is_registered(db_session(), player.id):
        return _refuse(403, "log_in", "that player has an account: log in to it")
    guests = [g for g in session.get("guests", []) if isinstance(g, str) and g != player.id]
    session["guests"] = [player.id, *guests][:MAX_GUESTS]
    return jsonify({"player_id": player.id})
