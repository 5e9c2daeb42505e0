"""Snippets: the text players type, its metadata, and the one-time normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from race.core.lesson import About
from race.core.lesson import make_about

LANGUAGES = (
    "python",
    "javascript",
    "typescript",
    "go",
    "rust",
    "sql",
    "html",
    "css",
    "bash",
)
#: How every page names a language (ids stay lowercase in URLs, the API and the database).
LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "go": "Go",
    "rust": "Rust",
    "sql": "SQL",
    "html": "HTML",
    "css": "CSS",
    "bash": "Bash",
}
DIFFICULTIES = ("easy", "medium", "hard")
MIN_LINES = 3
MAX_LINES = 25
#: Custom code pasted by a host: at most this many characters, as pasted (the paste box's
#: counter) and after normalising (tabs expanded). The one limit: the wire schema, the
#: server's check and the browser's counter all use it.
MAX_CUSTOM_CHARS = 2000
#: An untypeable-characters message names at most this many distinct characters.
MAX_NAMED_CHARS = 5
MAX_TITLE_CHARS = 80
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
_INDENT_RE = re.compile(r"^(tab|spaces:([1-8]))$")
_REQUIRED = ("id", "title", "language", "difficulty", "indent", "about", "concepts")
HEADER_END = "---"


class SnippetError(ValueError):
    """A snippet that cannot be loaded; the message names its source and the problem."""


@dataclass(frozen=True, slots=True)
class Snippet:
    """One snippet, already normalised: the exact text a race is scored against."""

    id: str
    title: str
    language: str
    difficulty: str
    indent: str
    text: str

    @property
    def indent_unit(self) -> str:
        """Return what one press of Tab types for this snippet."""
        return indent_unit(self.indent)

    @property
    def lines(self) -> int:
        """Return the number of lines of the text."""
        return self.text.count("\n") + 1 if self.text else 0


def language_name(language: str) -> str:
    """Return the name a page shows for a language id (an unknown id is shown as it is)."""
    return LANGUAGE_NAMES.get(language, language)


def indent_unit(indent: str) -> str:
    """Return the text of one indentation level for an indent style (``tab`` or ``spaces:N``)."""
    match = _INDENT_RE.match(indent)
    if match is None:
        raise ValueError(f"indent must be 'tab' or 'spaces:N' (N 1..8), not {indent!r}")
    return "\t" if match.group(1) == "tab" else " " * int(match.group(2))


#: Look-alikes that pasted code often carries, mapped to what a keyboard types ("": dropped).
#: The race page's paste box maps them the same way before counting what cannot be typed.
LOOKALIKES = {
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u2007": " ",  # figure space
    "\u200b": "",  # zero-width space
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "\u2060": "",  # word joiner
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}
_LOOKALIKES = str.maketrans(LOOKALIKES)


def normalise(text: str, indent: str = "spaces:4") -> str:
    """Normalise code once: LF line ends, tabs per the indent style, no trailing whitespace.

    Invisible and look-alike characters that code pasted from web pages carries (no-break
    and zero-width spaces, curly quotes) become what a keyboard types.

    With ``indent="tab"`` tab characters are kept (leading runs of spaces are left alone);
    with ``spaces:N`` every tab expands to the next multiple of N columns. Trailing
    whitespace is stripped from every line, blank lines at the start and end are dropped,
    and the result has no trailing newline. Other control characters are refused.
    """
    unit = indent_unit(indent)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LOOKALIKES)
    lines = text.split("\n")
    if unit != "\t":
        lines = [line.expandtabs(len(unit)) for line in lines]
    lines = [line.rstrip(" \t\f\v") for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    out = "\n".join(lines)
    bad = next((ch for ch in out if _is_forbidden(ch)), None)
    if bad is not None:
        raise ValueError(f"control character U+{ord(bad):04X} is not allowed in code")
    return out


def _is_forbidden(ch: str) -> bool:
    code = ord(ch)
    if ch in "\n\t":
        return False
    return code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or ch in "\u2028\u2029\ufeff"


def is_typeable(ch: str) -> bool:
    """Tell whether a keyboard types this character: printable ASCII, newline or tab (the
    keys every layout has; the corpus holds nothing else)."""
    return ch in "\n\t" or " " <= ch <= "~"


def untypeable(text: str) -> tuple[str, ...]:
    """Return the distinct characters of ``text`` a keyboard cannot type, in order of first
    appearance."""
    seen: dict[str, None] = {}
    for ch in text:
        if not is_typeable(ch):
            seen.setdefault(ch, None)
    return tuple(seen)


def untypeable_message(chars: tuple[str, ...]) -> str:
    """Say which characters cannot be typed, e.g. ``✓ (U+2713), — (U+2014) cannot be typed
    on a keyboard``; an invisible or combining character is named by its code point only.
    (``static/js/custom.js`` words it the same way.)"""
    named = [_name(ch) for ch in chars[:MAX_NAMED_CHARS]]
    more = len(chars) - len(named)
    listed = ", ".join(named) + (f" and {more} more" if more else "")
    return f"{listed} cannot be typed on a keyboard"


def _name(ch: str) -> str:
    point = f"U+{ord(ch):04X}"
    return f"{ch} ({point})" if unicodedata.category(ch)[0] in "LNPS" else point


def parse_snippet(source: str, name: str) -> tuple[Snippet, About]:
    """Parse a snippet file: ``key: value`` header lines, a ``---`` line, then the code.

    Returns the snippet and what it shows (its ``about`` and ``concepts`` header lines,
    kept apart so a race's snippet record, and its content hash, stay the code alone).
    ``name`` is only used in error messages (the file the text came from).
    """
    header_text, sep, body = source.replace("\r\n", "\n").partition("\n" + HEADER_END + "\n")
    if not sep:
        raise SnippetError(f"{name}: no '{HEADER_END}' line separating the header from the code")
    meta: dict[str, str] = {}
    for lineno, line in enumerate(header_text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or not key:
            raise SnippetError(f"{name}:{lineno}: header line is not 'key: value': {line!r}")
        if key in meta:
            raise SnippetError(f"{name}:{lineno}: header key {key!r} given twice")
        meta[key] = value.strip()
    missing = [k for k in _REQUIRED if not meta.get(k)]
    if missing:
        raise SnippetError(f"{name}: header is missing {', '.join(missing)}")
    unknown = sorted(set(meta) - set(_REQUIRED))
    if unknown:
        raise SnippetError(f"{name}: unknown header key(s) {', '.join(unknown)}")
    try:
        snippet = make_snippet(
            id=meta["id"],
            title=meta["title"],
            language=meta["language"],
            difficulty=meta["difficulty"],
            indent=meta["indent"],
            code=body,
        )
        return snippet, make_about(meta["about"], meta["concepts"])
    except ValueError as exc:
        raise SnippetError(f"{name}: {exc}") from None


def make_snippet(
    *, id: str, title: str, language: str, difficulty: str, indent: str, code: str
) -> Snippet:
    """Validate metadata, normalise the code and return the snippet (``ValueError`` if bad)."""
    if not _ID_RE.match(id):
        raise ValueError(f"id {id!r} must be 3-64 characters of a-z, 0-9 and '-'")
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty {difficulty!r} is not one of {', '.join(DIFFICULTIES)}")
    if not 0 < len(title) <= MAX_TITLE_CHARS:
        raise ValueError(f"title must be 1-{MAX_TITLE_CHARS} characters")
    text = normalise(code, indent)
    bad = untypeable(text)
    if bad:
        raise ValueError(untypeable_message(bad))
    snippet = Snippet(id, title, language, difficulty, indent, text)
    if not MIN_LINES <= snippet.lines <= MAX_LINES:
        raise ValueError(f"has {snippet.lines} lines; a snippet has {MIN_LINES}-{MAX_LINES}")
    return snippet


def custom_snippet(code: str, language: str = "python", indent: str = "spaces:4") -> Snippet:
    """Build a snippet from code a host pasted: length-capped (``MAX_CUSTOM_CHARS``, as
    pasted and once normalised like the corpus) and typeable on a keyboard."""
    if len(code) > MAX_CUSTOM_CHARS:
        raise ValueError(f"the code is {len(code):,} characters; the limit is {MAX_CUSTOM_CHARS:,}")
    text = normalise(code, indent)
    if not text:
        raise ValueError("custom code is empty")
    if len(text) > MAX_CUSTOM_CHARS:
        raise ValueError(
            f"with its tabs expanded the code is {len(text):,} characters;"
            f" the limit is {MAX_CUSTOM_CHARS:,}"
        )
    bad = untypeable(text)
    if bad:
        raise ValueError(untypeable_message(bad))
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    return Snippet("custom", "Custom code", language, "medium", indent, text)
