"""The pages a person opens: home, the race page (rooms, lobbies, results), the snippet list."""

from __future__ import annotations

import re

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask import session
from flask.typing import ResponseReturnValue

from race.core.snippet import DIFFICULTIES
from race.core.snippet import LANGUAGES
from race.corpus import Corpus
from race.corpus import builtin
from race.identity.session import ensure_browser_id
from race.web.board import GHOST

bp = Blueprint("pages", __name__)


@bp.before_request
def give_browser_id() -> None:
    """Give a browser opening a page it plays from a random id in its session cookie (the
    socket reads it at connect, so a kick holds against the browser: race.core.members)."""
    ensure_browser_id(session)


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
    return render_template("index.html", languages=found.languages(), total=len(found))


@bp.get("/snippets")
def snippet_list() -> ResponseReturnValue:
    """Show the snippet corpus grouped by language."""
    found = corpus()
    by_language = {lang: found.select(language=lang) for lang in found.languages()}
    return render_template("snippets.html", by_language=by_language, total=len(found))


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
    return _race_page(code=None, mode=mode, watch=False, language=language, ghost=ghost)


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
    language: str = "any",
    ghost: dict[str, str] | None = None,
) -> str:
    page = {
        "code": code,
        "mode": mode,
        "watch": watch,
        "language": language,
        "ghost": ghost,
        "languages": corpus().languages(),
        "custom_languages": list(LANGUAGES),
        "difficulties": list(DIFFICULTIES),
    }
    return render_template("race.html", page=page)


@bp.get("/api/snippets")
def snippets() -> ResponseReturnValue:
    """List the snippets as JSON (id, title, language, difficulty, lines)."""
    return jsonify(
        [
            {
                "id": s.id,
                "title": s.title,
                "language": s.language,
                "difficulty": s.difficulty,
                "lines": s.lines,
                "chars": len(s.text),
            }
            for s in corpus()
        ]
    )
