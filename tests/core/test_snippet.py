"""Snippet normalisation and validation."""

from __future__ import annotations

import pytest

from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import custom_snippet
from race.core.snippet import indent_unit
from race.core.snippet import is_typeable
from race.core.snippet import make_snippet
from race.core.snippet import normalise
from race.core.snippet import untypeable
from race.core.snippet import untypeable_message


def test_normalise_line_ends_tabs_and_trailing_whitespace() -> None:
    raw = "\r\n\r\nif x:\r\n\ty = 1   \r\n\r\n\tz = 2\t\r\n\r\n"
    assert normalise(raw, "spaces:4") == "if x:\n    y = 1\n\n    z = 2"


def test_normalise_keeps_tabs_for_tab_style() -> None:
    assert normalise("func f() {\n\treturn\n}\n", "tab") == "func f() {\n\treturn\n}"


def test_normalise_expands_tabs_to_tab_stops() -> None:
    assert normalise("ab\tc", "spaces:4") == "ab  c"
    assert normalise("\tx", "spaces:2") == "  x"


def test_normalise_is_idempotent() -> None:
    once = normalise("a\r\n\tb  \n", "spaces:4")
    assert normalise(once, "spaces:4") == once


def test_normalise_refuses_control_characters() -> None:
    with pytest.raises(ValueError, match="U\\+0007"):
        normalise("a\x07b")
    with pytest.raises(ValueError, match="U\\+202"):
        normalise("a\u2028b")


def test_indent_unit() -> None:
    assert indent_unit("tab") == "\t"
    assert indent_unit("spaces:2") == "  "
    with pytest.raises(ValueError):
        indent_unit("spaces:0")


def test_make_snippet_validates_metadata() -> None:
    ok = {"id": "abc", "title": "T", "language": "go", "difficulty": "easy", "indent": "tab"}
    code = "a\nb\nc"
    assert make_snippet(**ok, code=code).lines == 3
    for key, bad in [("id", "A B"), ("language", "cobol"), ("difficulty", "insane"), ("title", "")]:
        with pytest.raises(ValueError, match=key if key != "title" else "title"):
            make_snippet(**{**ok, key: bad}, code=code)
    with pytest.raises(ValueError, match="lines"):
        make_snippet(**ok, code="a\nb")


def test_custom_snippet_is_normalised_and_capped() -> None:
    s = custom_snippet("x = 1\r\n\ty = 2  \n")
    assert s.text == "x = 1\n    y = 2" and s.id == "custom"
    with pytest.raises(ValueError, match="empty"):
        custom_snippet(" \n\t\n")
    with pytest.raises(ValueError, match="limit"):
        custom_snippet("x" * (MAX_CUSTOM_CHARS + 1))


def test_the_custom_limit_counts_the_code_as_pasted_and_as_raced() -> None:
    at_limit = ("x = 1\n" * MAX_CUSTOM_CHARS)[:MAX_CUSTOM_CHARS]
    assert len(custom_snippet(at_limit).text) <= MAX_CUSTOM_CHARS
    # Line ends and trailing blanks that normalising drops still count as pasted (the
    # paste box counts them too) ...
    with pytest.raises(ValueError, match="2,001 characters; the limit is 2,000"):
        custom_snippet("x" * (MAX_CUSTOM_CHARS - 1) + "  ")
    # ... and tabs expanded to spaces count as raced.
    tabbed = "if x:\n" + "\ty = 1\n" * 280
    assert len(tabbed) <= MAX_CUSTOM_CHARS
    with pytest.raises(ValueError, match=r"with its tabs expanded the code is 2,\d{3}"):
        custom_snippet(tabbed, indent="spaces:4")
    assert custom_snippet(tabbed, indent="tab").text.count("\t") == 280


def test_only_what_a_keyboard_types_is_typeable() -> None:
    assert all(is_typeable(chr(c)) for c in range(0x20, 0x7F))
    assert is_typeable("\n") and is_typeable("\t")
    assert not any(is_typeable(ch) for ch in "\r\x7f\u00e9\u2713\u2014\u00a0\u200e")
    assert untypeable("a\u2713b\u2014c\u2713") == ("\u2713", "\u2014")


def test_untypeable_characters_are_refused_by_name() -> None:
    with pytest.raises(ValueError) as refused:
        custom_snippet("ok = True  # \u2713\nx = 1 \u2014 2\nprint(ok)")
    assert str(refused.value) == "\u2713 (U+2713), \u2014 (U+2014) cannot be typed on a keyboard"
    # Invisible and combining characters are named by their code point alone.
    assert untypeable_message(("\u200e", "e\u0301"[1])) == (
        "U+200E, U+0301 cannot be typed on a keyboard"
    )
    many = tuple("\u00e0\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6")
    told = untypeable_message(many)
    assert told.endswith("\u00e4 (U+00E4) and 2 more cannot be typed on a keyboard")
    # Look-alikes a keyboard does type are mapped first, not refused.
    assert custom_snippet("s = \u201cok\u201d\nprint(s)").text == 's = "ok"\nprint(s)'


def test_corpus_snippets_must_be_typeable() -> None:
    with pytest.raises(ValueError, match="U\\+00E9"):
        make_snippet(
            id="caf",
            title="T",
            language="python",
            difficulty="easy",
            indent="spaces:4",
            code="caf\u00e9 = 1\nb\nc",
        )


def test_normalise_maps_pasted_lookalikes() -> None:
    pasted = "x\u00a0=\u00a0\u201cok\u201d\u200b  # it\u2019s"
    assert normalise(pasted) == 'x = "ok"  # it\'s'
