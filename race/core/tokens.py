"""Token classes of code: what each character of a snippet is (keyword, string, bracket ...).

A lexer outside the core (``race.corpus.lexing``, Pygments) cuts a snippet into tokens;
this module maps each token type to one of our classes and spreads the classes over the
characters. A token type is Pygments' tuple of names, e.g. ``("Literal", "String", "Double")``.
A line break is a line break wherever it sits (in a string, a comment or between tokens).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

KEYWORD = "keyword"
IDENTIFIER = "identifier"
STRING = "string"
NUMBER = "number"
OPERATOR = "operator"
PUNCTUATION = "punctuation"
COMMENT = "comment"
WHITESPACE = "whitespace"
NEWLINE = "newline"
#: What the lexer could not name (its ``Error`` and ``Generic`` tokens).
OTHER = "other"

#: Every class, in the order tables show them; the code of a class is its index here.
CLASSES = (
    KEYWORD,
    IDENTIFIER,
    STRING,
    NUMBER,
    OPERATOR,
    PUNCTUATION,
    COMMENT,
    WHITESPACE,
    NEWLINE,
    OTHER,
)
#: One letter per class: ``classes_of`` returns a string of these, one per character.
CODES = "kisnopcwlx"
CLASS_OF_CODE = dict(zip(CODES, CLASSES, strict=True))
_CODE = dict(zip(CLASSES, CODES, strict=True))

#: A token of a lexed text: its offset, its type and its text.
Token = tuple[int, Sequence[str], str]

#: Token types by their first names, most specific first (the first prefix that matches wins).
_BY_PREFIX: tuple[tuple[tuple[str, ...], str], ...] = (
    (("Comment", "Preproc"), KEYWORD),  # <!DOCTYPE ...>, Rust's #[derive(...)]
    (("Comment",), COMMENT),
    (("Keyword",), KEYWORD),
    (("Operator", "Word"), KEYWORD),  # and, in, not, typeof
    (("Operator",), OPERATOR),
    (("Punctuation",), PUNCTUATION),
    (("Literal", "Number"), NUMBER),
    (("Literal",), STRING),  # strings, their escapes and interpolations, dates
    (("Name", "Tag"), KEYWORD),  # HTML elements, CSS type selectors
    (("Name",), IDENTIFIER),
    (("Text", "Whitespace"), WHITESPACE),
    (("Text",), IDENTIFIER),  # words of a shell command, text of an HTML page
    (("Whitespace",), WHITESPACE),
)


def class_of(token_type: Sequence[str], ch: str) -> str:
    """Return the class of character ``ch`` inside a token of type ``token_type``."""
    if ch == "\n":
        return NEWLINE
    if ch in " \t" and (not token_type or token_type[0] in ("Text", "Whitespace")):
        return WHITESPACE
    names = tuple(token_type)
    for prefix, cls in _BY_PREFIX:
        if names[: len(prefix)] == prefix:
            return cls
    return OTHER


def classes_of(tokens: Iterable[Token], length: int) -> str:
    """Return one class code per character of a text of ``length`` characters.

    Raise ``ValueError`` if the tokens do not cover the text exactly once, in order.
    """
    out: list[str] = []
    for offset, token_type, value in tokens:
        if offset != len(out):
            raise ValueError(f"token at {offset} but {len(out)} characters are classified")
        out.extend(_CODE[class_of(token_type, ch)] for ch in value)
    if len(out) != length:
        raise ValueError(f"tokens cover {len(out)} of {length} characters")
    return "".join(out)
