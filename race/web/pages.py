"""The pages a person opens: for now the home page listing the snippet corpus."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template
from flask.typing import ResponseReturnValue

from race.corpus import builtin

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the snippet corpus grouped by language."""
    corpus = builtin()
    by_language = {lang: corpus.select(language=lang) for lang in corpus.languages()}
    return render_template("index.html", by_language=by_language, total=len(corpus))


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
            for s in builtin()
        ]
    )
