"""The pages a person opens: home, the race page (rooms, lobbies, results), the snippet list."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask import session
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError

from race.core.snippet import DIFFICULTIES
from race.core.snippet import LANGUAGE_NAMES
from race.core.snippet import LANGUAGES
from race.core.snippet import LOOKALIKES
from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import language_name
from race.corpus import Corpus
from race.corpus import builtin
from race.db.app import db_session
from race.db.library import best_times
from race.identity.session import ensure_browser_id
from race.web import library
from race.web.board import GHOST

bp = Blueprint("pages", __name__)


@bp.before_request
def give_browser_id() -> None:
    """Give a browser opening a page it plays from a random id in its session cookie (the
    socket reads it at connect, so a kick holds against the browser: race.core.members)."""
    ensure_browser_id(session)


@bp.app_template_filter("language_name")
def language_name_filter(language: str) -> str:
    """Name a language as every page shows it (``{{ x.language|language_name }}``)."""
    return language_name(language)


@bp.app_context_processor
def language_names() -> dict[str, Any]:
    """Give every page the names of the languages (base.html hands them to scripts too)."""
    return {"language_names": LANGUAGE_NAMES}


#: A room code as the server makes them (see race.realtime.schemas.Code).
ROOM_CODE = re.compile(r"^[A-Za-z0-9_-]{16}$")
#: How the race page can open: join a room, or ask the server for one first.
MODES = ("quick", "private", "practice")


def corpus() -> Corpus:
    """Return the corpus the races pick from (the engine's: configured, or the built-in)."""
    services = current_app.extensions.get("coderace")
    found = getattr(getattr(services, "engine", None), "corpus", None)
    return found if isinstance(found, Corpus) else builtin()


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the ways in: quick race, private room, solo practice."""
    found = corpus()
    return render_template(
        "index.html", languages=found.languages(), total=len(found), tracks=found.tracks
    )


@bp.get("/snippets")
def snippet_list() -> ResponseReturnValue:
    """Show the snippet library: preview, figures, best time; search and filter by language."""
    try:
        query = library.read_query(request.args)
    except library.BadQuery as exc:
        abort(400, str(exc))
    found = corpus()
    try:
        bests = best_times(db_session())
    except OperationalError:  # the library still lists the snippets, without best times
        current_app.logger.warning("best times unavailable: the database is down")
        bests = {}
    rows = library.rows(found, bests, query, found.abouts)
    return render_template(
        "snippets.html",
        rows=rows,
        query=query,
        languages=found.languages(),
        total=len(found),
        timed=bool(bests),
    )


@bp.get("/r/<code>")
def room(code: str) -> ResponseReturnValue:
    """Show a room: lobby, race and results; ``?watch=1`` joins as a spectator."""
    if not ROOM_CODE.match(code):
        abort(404, "There is no room with that code: check the link you were given.")
    watch = request.args.get("watch") == "1"
    return _race_page(code=code, mode="join", watch=watch, ghost=None if watch else _ghost())


@bp.get("/play/<mode>")
def play(mode: str) -> ResponseReturnValue:
    """Open the race page and ask the server for a quick race, a private room or a solo run."""
    if mode not in MODES:
        abort(404, "There is no such way to play: start from the home page.")
    language = request.args.get("language", "any")
    if language not in (*LANGUAGES, "any"):
        language = "any"
    ghost = _ghost() if mode == "practice" else None
    snippet = request.args.get("snippet") if mode == "practice" else None
    if snippet is not None and corpus().get(snippet) is None:
        abort(404, "There is no snippet with that id: pick one from the snippet library.")
    return _race_page(
        code=None, mode=mode, watch=False, language=language, ghost=ghost, snippet=snippet
    )


def _ghost() -> dict[str, str] | None:
    """Return the run a link names to race as a ghost (``?ghost=<race id>:<player id>``).

    A broken one still opens the page, which says the ghost is missing."""
    if "ghost" not in request.args:
        return None
    found = GHOST.fullmatch(request.args["ghost"])
    return found.groupdict() if found else {"invalid": "1"}


def _race_page(
    code: str | None,
    mode: str,
    watch: bool,
    *,
    language: str = "any",
    ghost: dict[str, str] | None = None,
    snippet: str | None = None,
) -> str:
    page = {
        "snippet": snippet,
        "code": code,
        "mode": mode,
        "watch": watch,
        "language": language,
        "ghost": ghost,
        "languages": corpus().languages(),
        "custom_languages": list(LANGUAGES),
        # The paste box's one limit and the look-alikes mapped before its typeable check.
        "custom_max_chars": MAX_CUSTOM_CHARS,
        "lookalikes": LOOKALIKES,
        "difficulties": list(DIFFICULTIES),
    }
    return render_template("race.html", page=page)


@bp.get("/api/snippets")
def snippets() -> ResponseReturnValue:
    """List the snippets as JSON (id, title, language, difficulty, lines, about, concepts)."""
    found = corpus()
    return jsonify(
        [
            {
                "id": s.id,
                "title": s.title,
                "language": s.language,
                "difficulty": s.difficulty,
                "lines": s.lines,
                "chars": len(s.text),
                "about": found.abouts[s.id].text if s.id in found.abouts else None,
                "concepts": list(found.abouts[s.id].concepts) if s.id in found.abouts else [],
            }
            for s in found
        ]
    )
