"""Track pages: a track's steps in order, each with what its snippet shows and its goal."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import render_template
from flask.typing import ResponseReturnValue

from race.core.snippet import language_name
from race.core.track import Track
from race.corpus import Corpus
from race.web.pages import corpus

bp = Blueprint("tracks", __name__)


def steps(track: Track, found: Corpus) -> list[dict[str, Any]]:
    """Return a track's steps as a page shows them (the corpus checked each at load)."""
    shown = []
    for number, step in enumerate(track.steps, start=1):
        snippet = found.by_id[step.snippet]
        about = found.abouts[step.snippet]
        shown.append(
            {
                "number": number,
                "id": snippet.id,
                "title": snippet.title,
                "language": snippet.language,
                "language_name": language_name(snippet.language),
                "difficulty": snippet.difficulty,
                "lines": snippet.lines,
                "about": about.text,
                "concepts": list(about.concepts),
                "accuracy": step.accuracy,
                "wpm": step.wpm,
            }
        )
    return shown


@bp.get("/tracks/<track_id>")
def track_page(track_id: str) -> ResponseReturnValue:
    """Show a track: its steps in order, what each shows, its goal and a Practise button."""
    found = corpus()
    track = found.tracks.get(track_id)
    if track is None:
        abort(404, "There is no such track: start from the home page.")
    return render_template("track.html", track=track, steps=steps(track, found))
