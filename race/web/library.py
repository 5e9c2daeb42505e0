"""The snippet library page's model: reading its query, previews, and one row per snippet.

Pure functions over the corpus and the best times the database gave (race.db.library), so
the view in race.web.pages stays a few lines and this is tested without a browser.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from race.core.lesson import About
from race.core.snippet import LANGUAGES
from race.core.snippet import Snippet
from race.core.snippet import language_name
from race.db.library import BestTime
from race.db.write import content_hash

#: Lines of code a preview shows (the rest is summed up by "…").
PREVIEW_LINES = 4
#: Characters of one preview line; a longer line is cut at a space before this, with "…".
PREVIEW_LINE_CHARS = 56
#: The longest search a query string may carry (more is refused before any work).
MAX_QUERY_CHARS = 80


class BadQuery(ValueError):
    """A query string the library cannot take; the message says which argument and why."""


@dataclass(frozen=True, slots=True)
class Query:
    """What the library is asked to show: a language id (or all) and a search text."""

    language: str | None
    text: str


def read_query(args: Mapping[str, str]) -> Query:
    """Read ``language`` and ``q`` from a query string; refuse what cannot be meant."""
    language = args.get("language", "").strip().lower() or None
    if language in ("any", "all"):
        language = None
    if language is not None and language not in LANGUAGES:
        names = ", ".join(LANGUAGES)
        raise BadQuery(f"language must be one of {names} (or left out for all of them)")
    text = " ".join(args.get("q", "").split())
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"the search may be at most {MAX_QUERY_CHARS} characters")
    return Query(language, text)


def _cut_line(line: str) -> str:
    """Return a preview line, cut between words (never inside one) if it is too long."""
    if len(line) <= PREVIEW_LINE_CHARS:
        return line
    head = line[: PREVIEW_LINE_CHARS - 1]
    space = head.rstrip().rfind(" ")
    if space > len(line) - len(line.lstrip()):
        head = head[:space]
    return head.rstrip() + " …"


def preview(text: str) -> str:
    """Return the first lines of a snippet's code, whole lines only, "…" if more follow."""
    lines = text.split("\n")
    shown = [_cut_line(line) for line in lines[:PREVIEW_LINES]]
    if len(lines) > PREVIEW_LINES:
        shown.append("…")
    return "\n".join(shown)


def matches(snippet: Snippet, text: str, concepts: Iterable[str] = ()) -> bool:
    """Tell whether every word of a search appears in the snippet's title, id, concepts or code."""
    haystack = f"{snippet.title}\n{snippet.id}\n{' '.join(concepts)}\n{snippet.text}".lower()
    return all(word in haystack for word in text.lower().split())


def rows(
    snippets: Iterable[Snippet],
    bests: Mapping[tuple[str, str], BestTime],
    query: Query,
    abouts: Mapping[str, About],
) -> list[dict[str, Any]]:
    """Return the library's rows (in corpus order) that the query asks for."""
    found = []
    for s in snippets:
        about = abouts.get(s.id)
        concepts = () if about is None else about.concepts
        if query.language is not None and s.language != query.language:
            continue
        if query.text and not matches(s, query.text, concepts):
            continue
        best = bests.get((s.id, content_hash(s.indent, s.text)))
        found.append(
            {
                "id": s.id,
                "title": s.title,
                "language": s.language,
                "language_name": language_name(s.language),
                "difficulty": s.difficulty,
                "lines": s.lines,
                "chars": len(s.text),
                "preview": preview(s.text),
                "about": None if about is None else about.text,
                "concepts": list(concepts),
                "best_s": None if best is None else round(best.duration_ms / 1000, 1),
                "best_wpm": None if best is None else round(best.net_wpm),
            }
        )
    return found
