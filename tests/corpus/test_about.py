"""Every snippet says what it shows: the loader refuses a missing or malformed about/concepts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from race.core.lesson import CONCEPT_GROUPS
from race.core.lesson import CONCEPTS
from race.core.lesson import MAX_ABOUT_CHARS
from race.core.lesson import MAX_ABOUT_SENTENCES
from race.core.lesson import MAX_CONCEPTS
from race.core.lesson import MIN_ABOUT_CHARS
from race.core.lesson import MIN_ABOUT_SENTENCES
from race.core.lesson import sentences
from race.core.snippet import SnippetError
from race.core.snippet import custom_snippet
from race.corpus import builtin
from race.corpus import load_dir
from race.db.write import content_hash

ABOUT = "Adds two numbers and returns their total. The local name total makes the sum easy to read."
CODE = "def add(a, b):\n    total = a + b\n    return total\n"


def _snip(about: str | None = ABOUT, concepts: str | None = "type-hints") -> str:
    lines = ["id: adder", "title: Adder", "language: python", "difficulty: easy"]
    lines.append("indent: spaces:4")
    if about is not None:
        lines.append(f"about: {about}")
    if concepts is not None:
        lines.append(f"concepts: {concepts}")
    return "\n".join(lines) + "\n---\n" + CODE


def _refused(tmp_path: Path, text: str, *fragments: str) -> None:
    path = tmp_path / "python" / "adder.snip"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SnippetError) as info:
        load_dir(tmp_path)
    message = str(info.value)
    assert "adder.snip" in message
    for fragment in fragments:
        assert fragment in message


# -- the shipped corpus ------------------------------------------------------------------


@pytest.mark.parametrize("snippet_id", list(builtin().by_id), ids=str)
def test_every_builtin_snippet_says_what_it_shows(snippet_id: str) -> None:
    about = builtin().abouts[snippet_id]
    assert MIN_ABOUT_CHARS <= len(about.text) <= MAX_ABOUT_CHARS
    assert MIN_ABOUT_SENTENCES <= sentences(about.text) <= MAX_ABOUT_SENTENCES
    assert about.concepts and set(about.concepts) <= CONCEPTS


def test_every_builtin_snippet_has_an_about() -> None:
    corpus = builtin()
    assert set(corpus.abouts) == set(corpus.by_id)
    for snippet in corpus:
        assert corpus.about(snippet) is corpus.abouts[snippet.id]


def test_flask_snippets_carry_flask_concepts() -> None:
    flask = set(CONCEPT_GROUPS["flask"])
    for snippet in builtin():
        if snippet.id.startswith("flask-") and snippet.language == "python":
            assert flask & set(builtin().abouts[snippet.id].concepts), snippet.id


def test_the_vocabulary_names_each_tag_once() -> None:
    tags = [tag for group in CONCEPT_GROUPS.values() for tag in group]
    assert len(tags) == len(set(tags)) == len(CONCEPTS)


def test_custom_code_and_changed_text_have_no_about() -> None:
    corpus = builtin()
    snippet = corpus.select(language="python")[0]
    assert corpus.about(custom_snippet(snippet.text)) is None  # id "custom"
    assert corpus.about(replace(snippet, text=snippet.text + "\nx = 1")) is None  # another version


# -- refusals ----------------------------------------------------------------------------


def test_loads_about_and_concepts(tmp_path: Path) -> None:
    path = tmp_path / "python" / "adder.snip"
    path.parent.mkdir(parents=True)
    path.write_text(_snip(concepts="type-hints, closures"), encoding="utf-8")
    corpus = load_dir(tmp_path)
    about = corpus.abouts["adder"]
    assert about.text == ABOUT
    assert about.concepts == ("type-hints", "closures")


def test_missing_about_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(about=None), "missing about")


def test_missing_concepts_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(concepts=None), "missing concepts")


def test_empty_about_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(about=""), "missing about")


def test_unknown_concept_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(concepts="routing, monads"), "unknown concept", "monads")


def test_repeated_concept_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(concepts="routing, routing"), "twice")


def test_stray_comma_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(concepts="routing,,templates"), "empty tag")


def test_too_many_concepts_are_refused(tmp_path: Path) -> None:
    tags = ", ".join(sorted(CONCEPTS)[: MAX_CONCEPTS + 1])
    _refused(tmp_path, _snip(concepts=tags), f"{MAX_CONCEPTS + 1} tags")


def test_short_about_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(about="Adds. Numbers."), "characters", str(MIN_ABOUT_CHARS))


def test_long_about_is_refused(tmp_path: Path) -> None:
    long = "This sentence says the same thing over and over again. " * 12
    _refused(tmp_path, _snip(about=long), "characters", str(MAX_ABOUT_CHARS))


def test_one_sentence_is_refused(tmp_path: Path) -> None:
    one = "Adds two numbers through a local name called total and returns it to the caller."
    _refused(tmp_path, _snip(about=one), "1 sentence")


def test_too_many_sentences_are_refused(tmp_path: Path) -> None:
    many = "It adds. It names the sum. It returns it. It has three lines. It is short, very short."
    _refused(tmp_path, _snip(about=many), f"{MAX_ABOUT_SENTENCES + 1} sentence")


def test_unfinished_sentence_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, _snip(about=ABOUT + " And then"), "end a sentence")


def test_rewording_an_about_keeps_the_snippet_and_its_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "python" / "adder.snip"
    path.parent.mkdir(parents=True)
    path.write_text(_snip(), encoding="utf-8")
    before = load_dir(tmp_path).by_id["adder"]
    path.write_text(
        _snip(about=ABOUT.replace("easy", "quick"), concepts="closures"), encoding="utf-8"
    )
    after = load_dir(tmp_path)
    assert after.by_id["adder"] == before  # the record a room and a race keep
    assert content_hash(before.indent, before.text) == content_hash(
        after.by_id["adder"].indent, after.by_id["adder"].text
    )
    assert after.abouts["adder"].concepts == ("closures",)
