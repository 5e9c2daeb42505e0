"""Snippet normalisation and validation."""

from __future__ import annotations

import pytest

from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import custom_snippet
from race.core.snippet import indent_unit
from race.core.snippet import make_snippet
from race.core.snippet import normalise


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


def test_normalise_maps_pasted_lookalikes() -> None:
    pasted = "x\u00a0=\u00a0\u201cok\u201d\u200b  # it\u2019s"
    assert normalise(pasted) == 'x = "ok"  # it\'s'
