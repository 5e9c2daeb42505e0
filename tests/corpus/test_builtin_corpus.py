"""The shipped snippet corpus is well-formed, and the loader rejects broken files."""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

import pytest

from race.core.snippet import LANGUAGES
from race.core.snippet import MAX_LINES
from race.core.snippet import MIN_LINES
from race.core.snippet import Snippet
from race.core.snippet import SnippetError
from race.core.snippet import normalise
from race.corpus import CORPUS_DIR
from race.corpus import builtin
from race.corpus import load_dir

MAX_LINE_CHARS = 79
PRINTABLE = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\n"}

HEADER = (
    "id: {id}\ntitle: {title}\nlanguage: python\ndifficulty: easy\nindent: spaces:4\n"
    "about: Adds two numbers through a local name and returns the total. "
    "It is a file for the tests.\n"
    "concepts: type-hints\n"
)
CODE = "def add(a, b):\n    total = a + b\n    return total\n"


def _snip(snippet_id: str, title: str = "A title", code: str = CODE) -> str:
    return HEADER.format(id=snippet_id, title=title) + "---\n" + code


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _snippets() -> list[Snippet]:
    return list(builtin())


# -- the shipped corpus ------------------------------------------------------------------


def test_builtin_corpus_loads() -> None:
    corpus = builtin()
    assert len(corpus) >= 40
    assert corpus is builtin()


def test_builtin_covers_languages() -> None:
    languages = builtin().languages()
    assert len(languages) >= 6
    assert set(languages) <= set(LANGUAGES)


def test_builtin_has_flask_snippets() -> None:
    flask = [s for s in _snippets() if s.id.startswith("flask-")]
    assert len(flask) >= 12


def test_builtin_has_every_difficulty() -> None:
    difficulties = Counter(s.difficulty for s in _snippets())
    assert set(difficulties) == {"easy", "medium", "hard"}


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: s.id)
def test_snippet_text_is_typeable_ascii(snippet: Snippet) -> None:
    allowed = PRINTABLE | {"\t"} if snippet.indent == "tab" else PRINTABLE
    bad = sorted({ch for ch in snippet.text if ch not in allowed})
    assert not bad, f"{snippet.id}: characters {bad!r} are not typeable"


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: s.id)
def test_snippet_text_is_normalised(snippet: Snippet) -> None:
    assert normalise(snippet.text, snippet.indent) == snippet.text


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: s.id)
def test_snippet_line_count_and_width(snippet: Snippet) -> None:
    lines = snippet.text.split("\n")
    assert MIN_LINES <= len(lines) <= MAX_LINES
    assert snippet.lines == len(lines)
    # Tabs count as one keystroke, but a tab-indented line must still fit the width.
    too_long = [n for n, line in enumerate(lines, 1) if len(line.expandtabs(4)) > MAX_LINE_CHARS]
    assert not too_long, f"{snippet.id}: lines {too_long} exceed {MAX_LINE_CHARS} chars"


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: s.id)
def test_snippet_has_no_blank_edges_or_trailing_space(snippet: Snippet) -> None:
    lines = snippet.text.split("\n")
    assert lines[0].strip()
    assert lines[-1].strip()
    assert all(line == line.rstrip() for line in lines)


def test_ids_are_unique_and_match_file_names() -> None:
    paths = sorted(CORPUS_DIR.rglob("*.snip"))
    stems = [p.stem for p in paths]
    assert len(stems) == len(set(stems))
    assert sorted(stems) == sorted(s.id for s in _snippets())
    for path in paths:
        snippet = builtin().get(path.stem)
        assert snippet is not None
        assert path.parent.name == snippet.language, f"{path} is in the wrong folder"


def test_titles_are_unique() -> None:
    titles = Counter(s.title for s in _snippets())
    assert [t for t, n in titles.items() if n > 1] == []


def test_ids_use_the_allowed_alphabet() -> None:
    allowed = set(string.ascii_lowercase + string.digits + "-")
    for snippet in _snippets():
        assert 3 <= len(snippet.id) <= 64
        assert set(snippet.id) <= allowed


def test_go_snippets_indent_with_tabs() -> None:
    for snippet in builtin().select(language="go"):
        assert snippet.indent == "tab"
        body = snippet.text.split("\n")
        assert not [line for line in body if line.startswith(" ")], snippet.id


def test_space_indented_snippets_have_no_tabs() -> None:
    for snippet in _snippets():
        if snippet.indent != "tab":
            assert "\t" not in snippet.text, snippet.id


# -- loader errors -----------------------------------------------------------------------


def _assert_load_fails(directory: Path, file_name: str, *fragments: str) -> None:
    with pytest.raises(SnippetError) as info:
        load_dir(directory)
    message = str(info.value)
    assert file_name in message
    for fragment in fragments:
        assert fragment in message


def test_loads_a_good_directory(tmp_path: Path) -> None:
    _write(tmp_path, "python/adder.snip", _snip("adder"))
    corpus = load_dir(tmp_path)
    snippet = corpus.get("adder")
    assert snippet is not None
    assert snippet.text == CODE.rstrip("\n")
    assert snippet.lines == 3


def test_missing_separator(tmp_path: Path) -> None:
    _write(tmp_path, "python/nosep.snip", HEADER.format(id="nosep", title="T") + CODE)
    _assert_load_fails(tmp_path, "nosep.snip", "---")


def test_missing_header_key(tmp_path: Path) -> None:
    text = _snip("nokey").replace("difficulty: easy\n", "")
    _write(tmp_path, "python/nokey.snip", text)
    _assert_load_fails(tmp_path, "nokey.snip", "difficulty")


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "python/same-id.snip", _snip("same-id", title="First"))
    _write(tmp_path, "python/more/same-id.snip", _snip("same-id", title="Second"))
    _assert_load_fails(tmp_path, "more/same-id.snip", "same-id", "python/same-id.snip")


def test_id_must_match_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "python/other.snip", _snip("my-id"))
    _assert_load_fails(tmp_path, "other.snip", "does not match the file name")


def test_language_must_match_folder(tmp_path: Path) -> None:
    _write(tmp_path, "sql/my-id.snip", _snip("my-id"))
    _assert_load_fails(tmp_path, "my-id.snip", "folder sql")


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SnippetError, match="no such snippet folder"):
        load_dir(tmp_path / "nope")


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path, "python/bom-one.snip", "\ufeff" + _snip("bom-one"))
    assert load_dir(tmp_path).get("bom-one") is not None


def test_bad_language(tmp_path: Path) -> None:
    text = _snip("cobol-one").replace("language: python", "language: cobol")
    _write(tmp_path, "cobol/cobol-one.snip", text)
    _assert_load_fails(tmp_path, "cobol-one.snip", "cobol")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "python" / "latin.snip"
    path.parent.mkdir(parents=True)
    path.write_bytes(_snip("latin", code="s = '\xe9t\xe9'\nt = 1\nu = 2\n").encode("latin-1"))
    _assert_load_fails(tmp_path, "latin.snip", "UTF-8")


def test_too_many_lines(tmp_path: Path) -> None:
    code = "".join(f"x{n} = {n}\n" for n in range(MAX_LINES + 1))
    _write(tmp_path, "python/long.snip", _snip("long", code=code))
    _assert_load_fails(tmp_path, "long.snip", str(MAX_LINES + 1))


def test_too_few_lines(tmp_path: Path) -> None:
    _write(tmp_path, "python/short.snip", _snip("short", code="x = 1\n\n\n"))
    _assert_load_fails(tmp_path, "short.snip", "1 lines")


def test_control_character(tmp_path: Path) -> None:
    code = "a = 1\nb = '\x07'\nc = 3\n"
    _write(tmp_path, "python/bell.snip", _snip("bell", code=code))
    _assert_load_fails(tmp_path, "bell.snip", "U+0007")


def test_error_names_the_file_in_a_nested_folder(tmp_path: Path) -> None:
    text = _snip("deep-one").replace("difficulty: easy", "difficulty: brutal")
    _write(tmp_path, "python/extra/deep-one.snip", text)
    _assert_load_fails(tmp_path, "deep-one.snip", "brutal")


# -- normalisation on load ---------------------------------------------------------------


def test_crlf_tabs_and_trailing_space_are_normalised(tmp_path: Path) -> None:
    code_lines = [
        "",
        "def greet(name):  ",
        "\tif name:\t",
        "\t\treturn 'hi ' + name   ",
        "\treturn 'hi'",
        "",
        "   ",
        "",
    ]
    source = _snip("crlf", code="\n".join(code_lines)).replace("\n", "\r\n")
    _write(tmp_path, "python/crlf.snip", source)
    assert b"\r\n" in (tmp_path / "python" / "crlf.snip").read_bytes()

    snippet = load_dir(tmp_path).get("crlf")
    assert snippet is not None
    assert snippet.text == (
        "def greet(name):\n    if name:\n        return 'hi ' + name\n    return 'hi'"
    )
    assert "\r" not in snippet.text
    assert "\t" not in snippet.text
    assert not snippet.text.endswith("\n")
    assert snippet.lines == 4


def test_tab_indent_keeps_tabs(tmp_path: Path) -> None:
    text = (
        "id: go-tabs\ntitle: Tabs\nlanguage: go\ndifficulty: easy\nindent: tab\n"
        + HEADER.split("indent: spaces:4\n")[1]
        + "---\n"
        "func f() int {\n\tx := 1  \n\treturn x\n}\n\n"
    )
    _write(tmp_path, "go/go-tabs.snip", text)
    snippet = load_dir(tmp_path).get("go-tabs")
    assert snippet is not None
    assert snippet.text == "func f() int {\n\tx := 1\n\treturn x\n}"
    assert snippet.indent_unit == "\t"
