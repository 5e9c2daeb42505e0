"""What a snippet teaches: its ``about`` text and its concept tags, from one closed vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Every concept tag a snippet may carry, by area. A tag outside this list is refused at load.
CONCEPT_GROUPS: dict[str, tuple[str, ...]] = {
    "flask": (
        "routing",
        "templates",
        "request-data",
        "responses",
        "cookies",
        "sessions",
        "flash",
        "redirects",
        "error-handlers",
        "access-control",
        "request-hooks",
        "blueprints",
        "app-factory",
        "configuration",
        "extensions",
        "cli",
        "sqlalchemy",
        "testing",
        "socketio",
        "rest-api",
        "url-building",
    ),
    "general": (
        "async",
        "classes",
        "closures",
        "concurrency",
        "decorators",
        "error-handling",
        "generics",
        "interfaces",
        "iterators",
        "json",
        "pattern-matching",
        "type-hints",
        "validation",
    ),
    "python": ("context-managers", "dataclasses", "generators", "regex"),
    "javascript": ("promises", "dom-events", "timers", "array-methods"),
    "typescript": ("union-types", "type-guards", "mapped-types", "immutability"),
    "go": ("structs", "channels", "http-handlers"),
    "rust": ("traits", "enums", "lifetimes", "collections", "formatting"),
    "sql": ("schema", "joins", "aggregates", "subqueries", "upserts", "window-functions", "ctes"),
    "html": ("semantic-html", "forms", "accessibility"),
    "css": ("flexbox", "grid", "custom-properties", "media-queries", "animations"),
    "bash": ("loops", "options-parsing", "pipelines", "quoting", "strict-mode"),
}
CONCEPTS = frozenset(tag for tags in CONCEPT_GROUPS.values() for tag in tags)
MIN_ABOUT_CHARS = 80
MAX_ABOUT_CHARS = 600
MIN_ABOUT_SENTENCES = 2
MAX_ABOUT_SENTENCES = 4
MIN_CONCEPTS = 1
MAX_CONCEPTS = 4
#: A sentence ends at ., ! or ? followed by a space or the end (so ``g.user`` or 0.95 do not).
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


@dataclass(frozen=True, slots=True)
class About:
    """What one snippet shows: a few plain sentences and its concept tags (in file order)."""

    text: str
    concepts: tuple[str, ...]


def sentences(text: str) -> int:
    """Return how many sentences a text has (each ends with '.', '!' or '?' and a space)."""
    return len(_SENTENCE_END.findall(text))


def make_about(text: str, concepts: str) -> About:
    """Validate an ``about`` text and a comma-separated ``concepts`` list (``ValueError``)."""
    text = " ".join(text.split())
    if not MIN_ABOUT_CHARS <= len(text) <= MAX_ABOUT_CHARS:
        raise ValueError(
            f"about has {len(text)} characters; it needs {MIN_ABOUT_CHARS}-{MAX_ABOUT_CHARS}"
        )
    if not text.endswith((".", "!", "?")):
        raise ValueError("about must end a sentence with '.', '!' or '?'")
    count = sentences(text)
    if not MIN_ABOUT_SENTENCES <= count <= MAX_ABOUT_SENTENCES:
        raise ValueError(
            f"about has {count} sentence(s); it needs {MIN_ABOUT_SENTENCES}-{MAX_ABOUT_SENTENCES}"
        )
    tags = tuple(tag.strip() for tag in concepts.split(","))
    if any(not tag for tag in tags):
        raise ValueError("concepts has an empty tag (a stray comma?)")
    if not MIN_CONCEPTS <= len(tags) <= MAX_CONCEPTS:
        raise ValueError(f"concepts has {len(tags)} tags; it needs {MIN_CONCEPTS}-{MAX_CONCEPTS}")
    unknown = [tag for tag in tags if tag not in CONCEPTS]
    if unknown:
        raise ValueError(
            f"unknown concept tag(s) {', '.join(unknown)} (the vocabulary is "
            "race.core.lesson.CONCEPT_GROUPS)"
        )
    if len(set(tags)) != len(tags):
        raise ValueError("concepts names a tag twice")
    return About(text, tags)
