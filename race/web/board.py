"""Leaderboards, player profiles and finished races: a page and a JSON API for each."""

from __future__ import annotations

import logging
import re
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError

from race.core.snippet import LANGUAGES
from race.db import leaderboards
from race.db import profiles
from race.db import races
from race.db import views
from race.db.app import database
from race.db.app import db_session
from race.db.bests import PERIODS
from race.db.bests import language_board
from race.db.bests import period_key
from race.db.bests import snippet_board
from race.db.write import trace_json
from race.db.write import unpack_frames
from race.db.write import unpack_log
from race.web.limits import per_ip
from race.web.viewer import account_id
from race.web.viewer import viewer_ids

log = logging.getLogger(__name__)
bp = Blueprint("board", __name__)

_PLAYER = r"p[0-9a-f]{16}"
_RACE = r"[A-Za-z0-9_-]{22}"  # random (race.realtime.engine.new_race_id), not the room code
PLAYER_ID = re.compile(rf"^{_PLAYER}$")
RACE_ID = re.compile(rf"^{_RACE}$")
#: A run to race as a ghost (``?ghost=`` on the race page): a race id and one of its players.
GHOST = re.compile(rf"(?P<race>{_RACE}):(?P<player>{_PLAYER})")
SNIPPET_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
LIMIT = 50


class BadRequest(ValueError):
    """A query parameter the API cannot take; the message says which and why."""


def now() -> datetime:
    """Return the current UTC time (the periods are UTC days and ISO weeks)."""
    return datetime.now(UTC)


@bp.errorhandler(OperationalError)
def database_down(exc: OperationalError) -> ResponseReturnValue:
    """Answer 503 while the database cannot be reached (races go on meanwhile)."""
    log.warning("database unavailable: %s", exc)
    message = "results are unavailable right now; try again in a minute"
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": "unavailable", "message": message}}), 503
    return render_template("leaderboard.html", board=None, error=message), 503


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest) -> ResponseReturnValue:
    """Answer 400 with what was wrong."""
    return jsonify({"error": {"code": "bad_request", "message": str(exc)}}), 400


def board_request(args: dict[str, str], strict: bool) -> dict[str, Any]:
    """Read language, snippet, period, player and limit; refuse (strict) or default."""
    language = args.get("language", LANGUAGES[0])
    snippet = args.get("snippet") or None
    period = args.get("period", "all")
    player = args.get("player") or account_id()
    limit = args.get("limit", str(LIMIT))
    problems = []
    if language not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)}")
        language = LANGUAGES[0]
    if snippet is not None and not SNIPPET_ID.match(snippet):
        problems.append("snippet must be a snippet id")
        snippet = None
    if period not in PERIODS:
        problems.append(f"period must be one of {', '.join(PERIODS)}")
        period = "all"
    if player is not None and not PLAYER_ID.match(player):
        problems.append("player must be a player id")
        player = None
    if not limit.isdigit() or not 1 <= int(limit) <= 100:
        problems.append("limit must be 1-100")
        limit = str(LIMIT)
    if problems and strict:
        raise BadRequest("; ".join(problems))
    return {
        "language": language,
        "snippet": snippet,
        "period": period,
        "player": player,
        "limit": int(limit),
    }


def load_board(asked: dict[str, Any]) -> dict[str, Any]:
    """Return the leaderboard a request asks for (a snippet's board if it names one)."""
    db = db_session()
    snippet = None
    if asked["snippet"]:
        found = leaderboards.latest_snippet(db, asked["snippet"])
        if found is None or found.slug == "custom":
            abort(404, "There is no leaderboard for that snippet.")
        snippet = views.snippet_view(found)
        board = snippet_board(found.id)
    else:
        board = language_board(asked["language"])
    key = period_key(asked["period"], now())
    result = leaderboards.leaderboard(db, board, key, asked["limit"], asked["player"])
    return {**result, **asked, "snippet": snippet}


@bp.get("/leaderboard")
@per_ip("boards_per_ip")
def leaderboard_page() -> ResponseReturnValue:
    """Show a leaderboard: best per player, by language or snippet, today/week/all time."""
    asked = board_request(request.args.to_dict(), strict=False)
    return render_template(
        "leaderboard.html",
        board=load_board(asked),
        languages=LANGUAGES,
        periods=PERIODS,
        snippets=leaderboards.snippet_boards(db_session()),
        error=None,
    )


@bp.get("/api/leaderboard")
@per_ip("boards_per_ip")
def leaderboard_api() -> ResponseReturnValue:
    """Return a leaderboard as JSON (see docs/api.md)."""
    return jsonify(load_board(board_request(request.args.to_dict(), strict=True)))


@bp.get("/api/snippets/boards")
@per_ip("boards_per_ip")
def snippet_boards_api() -> ResponseReturnValue:
    """List the snippets that have a leaderboard (raced at least once)."""
    return jsonify(leaderboards.snippet_boards(db_session()))


def load_profile(player_id: str) -> dict[str, Any]:
    """Return a player's profile or answer 404."""
    missing = "There is no player with that id: they may not have finished a race yet."
    if not PLAYER_ID.match(player_id):
        abort(404, missing)
    found = profiles.profile(db_session(), player_id, now(), mine=player_id in viewer_ids())
    if found is None:
        abort(404, missing)
    return found


@bp.get("/players/me")
def me() -> ResponseReturnValue:
    """Go to your own profile: the account's, or this tab's guest's (found by the page)."""
    mine = account_id()
    if mine is not None:
        return redirect(url_for("board.profile_page", player_id=mine))
    return render_template("profile.html", profile=None)


@bp.get("/players/<player_id>")
def profile_page(player_id: str) -> ResponseReturnValue:
    """Show a player's recent races, personal bests, averages and accuracy trend."""
    return render_template("profile.html", profile=load_profile(player_id))


@bp.get("/api/players/<player_id>")
def profile_api(player_id: str) -> ResponseReturnValue:
    """Return a player's profile as JSON (with their private races if it is theirs)."""
    if not PLAYER_ID.match(player_id):
        raise BadRequest("not a player id")
    found = profiles.profile(db_session(), player_id, now(), mine=player_id in viewer_ids())
    if found is None:
        return jsonify({"error": {"code": "not_found", "message": "no such player"}}), 404
    return jsonify(found)


@bp.get("/races/<race_id>")
def race_page(race_id: str) -> ResponseReturnValue:
    """Show a finished race's standings with each player's figures (a shareable link)."""
    found = races.race(db_session(), race_id) if RACE_ID.match(race_id) else None
    if found is None:
        abort(404, "There is no finished race with that id.")
    # the analysis opens on the viewer's own typing when they raced
    return render_template("race_result.html", race=found, mine=viewer_ids())


@bp.get("/api/races/<race_id>")
def race_api(race_id: str) -> ResponseReturnValue:
    """Return a finished race as JSON, with each player's per-second series and error
    analysis (not computed for a HEAD request, which only asks whether the race is stored)."""
    if not RACE_ID.match(race_id):
        raise BadRequest("not a race id")
    db = db_session()
    found = races.race(db, race_id)
    if found is None:
        return jsonify({"error": {"code": "not_found", "message": "no such race"}}), 404
    if request.method != "HEAD":
        database(current_app).analyses.add(db, found)
    return jsonify(found)


@bp.get("/api/races/<race_id>/stored")
def race_stored_api(race_id: str) -> ResponseReturnValue:
    """Say whether a race's results are stored yet: 200 either way, so a page waiting for
    them polls without a string of 404s (``{"stored": false}`` for an unknown id too)."""
    if not RACE_ID.match(race_id):
        raise BadRequest("not a race id")
    answer = jsonify({"stored": races.is_stored(db_session(), race_id)})
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.get("/api/races/<race_id>/trace")
@per_ip("traces_per_ip")
def trace_api(race_id: str) -> ResponseReturnValue:
    """Return a finished race frame by frame, for its replay and for ghost races: each
    player's cursor over time (``[t_ms, pos]`` or ``[t_ms, pos, error_run]``, from the
    race start), with their figures and per-second WPM. ``?player=`` picks one player."""
    if not RACE_ID.match(race_id):
        raise BadRequest("not a race id")
    only = request.args.get("player")
    if only is not None and not PLAYER_ID.match(only):
        raise BadRequest("not a player id")
    db = db_session()
    found = races.race(db, race_id)
    if found is None:
        return jsonify({"error": {"code": "not_found", "message": "no such race"}}), 404
    standings = [s for s in found["standings"] if only is None or s["player_id"] == only]
    if not standings:
        return jsonify({"error": {"code": "not_found", "message": "no such player"}}), 404
    logs = races.keylogs(db, race_id, only)
    players = []
    for s in standings:
        frames: list[list[object]] = []
        stored = logs.get(s["player_id"])
        if stored is not None:
            try:  # computed when the race was saved; for a log saved before that, here
                kept = unpack_frames(stored)
                frames = kept if kept is not None else trace_json(unpack_log(stored), race_id)
            except ValueError as exc:  # a LogError or an unknown codec: never expected
                log.error("race %s: %s's log unreadable: %s", race_id, s["player_id"], exc)
        players.append(
            {
                **{k: s[k] for k in ("player_id", "name", "place", "completed", "flagged")},
                **{k: s[k] for k in ("net_wpm", "accuracy", "duration_ms")},
                "wpm": [point["wpm"] for point in s["series"]],
                "frames": frames,
            }
        )
    body = {
        **{k: found[k] for k in ("race_id", "mode", "language", "snippet", "rules", "limit_ms")},
        "players": players,
    }
    response = jsonify(body)
    response.cache_control.public = True  # a finished race never changes
    response.cache_control.max_age = 3600
    return response


@bp.get("/api/races/<race_id>/log/<player_id>")
@per_ip("traces_per_ip")
def keylog_api(race_id: str, player_id: str) -> ResponseReturnValue:
    """Return a player's keystroke log for a race, as the JSONL ``race verify`` reads."""
    if not RACE_ID.match(race_id) or not PLAYER_ID.match(player_id):
        raise BadRequest("not a race id and player id")
    lines = races.keylog(db_session(), race_id, player_id)
    if lines is None:
        return jsonify({"error": {"code": "not_found", "message": "no such log"}}), 404
    name = f"{race_id}-{player_id}.jsonl"
    return Response(
        "".join(line + "\n" for line in lines),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
