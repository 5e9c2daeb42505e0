"""Token classes of a snippet from a real lexer (Pygments), cached per language and text.

The mapping from Pygments' token types to our classes is pure and lives in
``race.core.tokens``; this module only runs the lexer. The cache is bounded: the built-in
corpus is small and a custom snippet is at most ``MAX_CUSTOM_CHARS`` characters, so the
cache holds at most ``CACHE_SNIPPETS`` times that many class codes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from race.core.snippet import LANGUAGES
from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.tokens import classes_of

#: Snippets whose classes are kept (the built-in corpus holds well under this many).
CACHE_SNIPPETS = 512
#: A text longer than this is not lexed (a built-in snippet is far shorter, a custom one
#: at most ``MAX_CUSTOM_CHARS``); its classes are then unknown.
MAX_LEXED_CHARS = 4 * MAX_CUSTOM_CHARS


@lru_cache(maxsize=len(LANGUAGES))
def _lexer(language: str) -> Any:
    # Keep the text as it is: no stripping, no added final newline, tabs left alone.
    return get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=False)


@lru_cache(maxsize=CACHE_SNIPPETS)
def token_classes(language: str, text: str) -> str | None:
    """Return one class code per character of ``text`` (see ``race.core.tokens.CODES``),
    or None for a language Pygments does not know or a text too long to lex."""
    if len(text) > MAX_LEXED_CHARS:
        return None
    try:
        lexer = _lexer(language)
    except ClassNotFound:
        return None
    codes: str = classes_of(lexer.get_tokens_unprocessed(text), len(text))
    return codes
