"""Token classes: Pygments token types map to our classes, spread over every character."""

from __future__ import annotations

import pytest

from race.core.tokens import CLASSES
from race.core.tokens import CODES
from race.core.tokens import class_of
from race.core.tokens import classes_of


@pytest.mark.parametrize(
    ("token_type", "ch", "expected"),
    [
        (("Keyword",), "d", "keyword"),
        (("Keyword", "Constant"), "T", "keyword"),
        (("Operator", "Word"), "a", "keyword"),
        (("Name", "Builtin", "Pseudo"), "s", "identifier"),
        (("Name", "Tag"), "d", "keyword"),
        (("Literal", "String", "Double"), '"', "string"),
        (("Literal", "String", "Double"), " ", "string"),  # a space inside a string
        (("Literal", "Number", "Hex"), "f", "number"),
        (("Operator",), "+", "operator"),
        (("Punctuation",), "(", "punctuation"),
        (("Comment", "Single"), "#", "comment"),
        (("Comment", "Preproc"), "#", "keyword"),
        (("Text",), " ", "whitespace"),
        (("Text",), "x", "identifier"),
        (("Text", "Whitespace"), "\t", "whitespace"),
        (("Literal", "String", "Doc"), "\n", "newline"),  # a line break is one everywhere
        (("Error",), "$", "other"),
        ((), "?", "other"),
    ],
)
def test_token_types_map_to_classes(token_type: tuple[str, ...], ch: str, expected: str) -> None:
    assert class_of(token_type, ch) == expected


def test_classes_spread_over_every_character() -> None:
    tokens = [
        (0, ("Keyword",), "if"),
        (2, ("Text",), " "),
        (3, ("Name",), "x"),
        (4, ("Text",), "\n"),
    ]
    assert classes_of(tokens, 5) == "kkwil"
    assert len(CODES) == len(CLASSES) == len(set(CODES))


@pytest.mark.parametrize(
    ("tokens", "length", "message"),
    [
        ([(0, ("Name",), "ab")], 3, "cover 2 of 3"),
        ([(0, ("Name",), "a"), (2, ("Name",), "b")], 3, "token at 2 but 1"),
    ],
)
def test_tokens_that_miss_a_character_are_refused(
    tokens: list[tuple[int, tuple[str, ...], str]], length: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        classes_of(tokens, length)
