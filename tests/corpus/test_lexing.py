"""Token classes of every built-in snippet come from the lexer and cover the text."""

from __future__ import annotations

import pytest
from pygments.lexers import get_lexer_by_name

from race.core.snippet import LANGUAGES
from race.core.snippet import Snippet
from race.core.tokens import CLASS_OF_CODE
from race.core.tokens import class_of
from race.corpus import builtin
from race.corpus.lexing import CACHE_SNIPPETS
from race.corpus.lexing import MAX_LEXED_CHARS
from race.corpus.lexing import token_classes


@pytest.mark.parametrize("snippet", list(builtin()), ids=lambda s: s.id)
def test_every_character_of_a_builtin_snippet_has_the_lexers_class(snippet: Snippet) -> None:
    codes = token_classes(snippet.language, snippet.text)
    assert codes is not None and len(codes) == len(snippet.text)
    lexer = get_lexer_by_name(snippet.language, stripnl=False, ensurenl=False)
    seen = 0
    for offset, token_type, value in lexer.get_tokens_unprocessed(snippet.text):
        for i, ch in enumerate(value):
            assert CLASS_OF_CODE[codes[offset + i]] == class_of(token_type, ch), (
                f"{snippet.id}: {ch!r} at {offset + i} ({token_type})"
            )
        seen += len(value)
    assert seen == len(snippet.text)
    newlines = [CLASS_OF_CODE[c] for c, ch in zip(codes, snippet.text, strict=True) if ch == "\n"]
    assert set(newlines) <= {"newline"}


def test_the_corpus_uses_the_classes_of_code() -> None:
    used = set()
    for snippet in builtin():
        used |= set(token_classes(snippet.language, snippet.text) or "")
    named = {CLASS_OF_CODE[c] for c in used}
    assert {"keyword", "identifier", "string", "number", "operator", "punctuation"} <= named
    assert {"comment", "whitespace", "newline"} <= named


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_lexes(language: str) -> None:
    codes = token_classes(language, "x = 1\n")
    assert codes is not None and len(codes) == 6


def test_unknown_language_and_overlong_text_have_no_classes() -> None:
    assert token_classes("cobol-85", "MOVE A TO B") is None
    assert token_classes("python", "x" * (MAX_LEXED_CHARS + 1)) is None


def test_the_cache_holds_the_whole_corpus() -> None:
    assert len(builtin()) < CACHE_SNIPPETS
    snippet = next(iter(builtin()))
    token_classes(snippet.language, snippet.text)
    hits = token_classes.cache_info().hits
    token_classes(snippet.language, snippet.text)
    assert token_classes.cache_info().hits == hits + 1
