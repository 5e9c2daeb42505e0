"""The error analysis: known streams give known figures; it agrees with the scorer's fold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.analysis import MAX_MISTAKES
from race.core.analysis import PAUSE_MS
from race.core.analysis import Tally
from race.core.analysis import analyse
from race.core.analysis import analysis_json
from race.core.analysis import baseline
from race.core.analysis import slower
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Key
from race.core.rules import Rules
from race.core.scorer import fold

#: ``f("a")``: an identifier, a bracket, a three-character string, a bracket.
CALL = 'f("a")'
CALL_CLASSES = "ipsssp"
#: f at 0; ( +100; " +200; b is wrong at 350 (a expected); fixed; a +300 after the ";
#: " +100; ) +300.
CALL_KEYS: list[Key] = [
    (0, "f"),
    (100, "("),
    (300, '"'),
    (350, "b"),
    (500, BACKSPACE),
    (600, "a"),
    (700, '"'),
    (1000, ")"),
]


def test_a_known_stream_gives_known_figures_per_class() -> None:
    found = analyse(Course(CALL), CALL_CLASSES, CALL_KEYS)
    ident, punct, string = (found.by_class[c] for c in ("identifier", "punctuation", "string"))
    assert (ident.chars, ident.timed, ident.errors) == (1, 0, 0)  # the first key is untimed
    assert (punct.chars, punct.timed, punct.ms, punct.errors) == (2, 2, 400, 0)
    assert (string.chars, string.timed, string.ms, string.errors) == (3, 3, 600, 1)
    assert string.ms_per_char == 200 and string.error_rate == 0.25
    assert set(found.by_class) == {"identifier", "punctuation", "string"}


def test_a_known_stream_gives_known_keys_bigrams_and_mistakes() -> None:
    found = analyse(Course(CALL), CALL_CLASSES, CALL_KEYS)
    assert found.by_key["a"].errors == 1 and found.by_key["a"].ms == 300
    assert found.by_key['"'].chars == 2 and found.by_key['"'].ms == 300
    assert {k: t.ms for k, t in found.by_bigram.items()} == {
        "f(": 100,
        '("': 200,
        '"a': 300,
        'a"': 100,
        '")': 300,
    }
    assert [(m.pos, m.typed, m.t_ms) for m in found.mistakes] == [(3, "b", 350)]
    assert found.mistake_count == 1


def test_the_api_block_of_a_known_stream() -> None:
    keys = [(i * 100, ch) for i, ch in enumerate("abcd(((")]
    keys[-1] = (1000, "(")  # the last bracket takes 500 ms: brackets average 233.3 ms
    body = analysis_json(analyse(Course("abcd((("), "iiiippp", keys))
    assert body["baseline"] == "identifier"
    assert body["slowest"] == {"class": "punctuation", "percent": 133}
    rows = {row["class"]: row for row in body["classes"]}  # type: ignore[attr-defined]
    assert rows["identifier"]["ms_per_char"] == 100.0 and rows["identifier"]["vs_baseline"] is None
    assert rows["punctuation"]["ms_per_char"] == 233.3 and rows["punctuation"]["vs_baseline"] == 133
    assert body["mistakes"] == [] and body["mistake_count"] == 0
    assert body["keys"] == [
        {"key": "(", "chars": 3, "errors": 0, "error_rate": 0.0, "ms_per_char": 233.3}
    ]  # only keys timed three times are ranked


def test_slower_compares_with_identifiers() -> None:
    tallies = {
        "identifier": Tally(chars=3, timed=3, ms=300),
        "punctuation": Tally(chars=3, timed=3, ms=414),
        "string": Tally(chars=2, timed=2, ms=900),  # too few to compare
    }
    assert slower(tallies) == ("punctuation", "identifier", 38)
    assert slower({"identifier": Tally(chars=9, timed=9, ms=900)}) is None
    tallies["punctuation"] = Tally(chars=3, timed=3, ms=200)
    assert slower(tallies) is None  # nothing is slower than identifiers
    assert baseline(tallies) == "identifier"
    assert baseline({"string": Tally(chars=3, timed=3, ms=9)}) == "string"
    assert baseline({"identifier": Tally(chars=2, timed=2, ms=9)}) is None


def test_the_api_block_compares_even_when_nothing_is_slower() -> None:
    keys = [(i * 100, ch) for i, ch in enumerate("abcd(((")]
    body = analysis_json(analyse(Course("abcd((("), "iiiippp", keys))
    assert body["baseline"] == "identifier" and body["slowest"] is None
    rows = {row["class"]: row for row in body["classes"]}  # type: ignore[attr-defined]
    assert rows["punctuation"]["vs_baseline"] == 0


def test_a_pause_is_not_timed_and_auto_indent_keeps_a_bigram() -> None:
    text = "if x:\n    y"
    course = Course(text)
    keys = [(i * 100, k) for i, k in enumerate(ideal_keys(course))]
    keys[-1] = (keys[-2][0] + PAUSE_MS + 1, keys[-1][1])
    found = analyse(course, "kkwiplwwwwi", keys)
    assert found.by_class["newline"].ms == 100
    assert found.by_key["y"].chars == 1 and found.by_key["y"].timed == 0
    assert "\ny" not in found.by_bigram  # the pause before y is not a bigram time
    even = [(i * 100, k) for i, k in enumerate(ideal_keys(course))]
    quick = analyse(course, "kkwiplwwwwi", even)
    assert quick.by_bigram["\ny"].ms == 100
    assert quick.by_class["whitespace"].chars == 1  # the space typed; not the auto-indent


def test_tab_typed_characters_are_counted_but_only_the_first_is_timed() -> None:
    course = Course("a\n    b", Rules(skip_indent=False))
    keys: list[Key] = [(0, "a"), (100, ENTER), (300, TAB), (400, "b")]
    found = analyse(course, "ilwwwwi", keys)
    ws = found.by_class["whitespace"]
    assert (ws.chars, ws.timed, ws.ms) == (4, 1, 200)


def test_a_mistake_records_the_character_typed_even_for_enter_and_tab() -> None:
    course = Course("ab\ncd", Rules(skip_indent=False))
    keys: list[Key] = [(0, "a"), (100, ENTER), (200, BACKSPACE), (300, "b"), (400, TAB)]
    found = analyse(course, "iilii", keys)
    assert [(m.pos, m.typed) for m in found.mistakes] == [(1, "\n"), (2, " ")]
    assert found.by_class["newline"].errors == 1


def test_mistakes_past_the_bound_are_counted_not_kept() -> None:
    text = "a" * (MAX_MISTAKES + 5)
    keys: list[Key] = []
    for i in range(MAX_MISTAKES + 5):
        keys += [(i * 30, "x"), (i * 30 + 10, BACKSPACE), (i * 30 + 20, "a")]
    found = analyse(Course(text), "i" * len(text), keys)
    assert found.mistake_count == MAX_MISTAKES + 5
    assert len(found.mistakes) == MAX_MISTAKES


def test_classes_must_cover_the_text() -> None:
    try:
        analyse(Course(CALL), "ip", CALL_KEYS)
    except ValueError as exc:
        assert "2 classes for a text of 6" in str(exc)
    else:
        raise AssertionError("short classes were accepted")


TEXT = "def f(x):\n    return [x, 1]"
KEYS = st.lists(
    st.tuples(
        st.integers(0, 5000),
        st.sampled_from([*sorted(set(TEXT) - {"\n"}), "z", ENTER, TAB, BACKSPACE, WORD_BACKSPACE]),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(KEYS, st.booleans())
def test_the_analysis_counts_what_the_scorer_counts(keys: list[Key], skip: bool) -> None:
    course = Course(TEXT, Rules(skip_indent=skip))
    keys.sort()
    typist = fold(course, keys)
    found = analyse(course, "k" * len(TEXT), keys)
    assert {k: t.errors for k, t in found.by_key.items() if t.errors} == typist.missed
    assert sum(t.chars for t in found.by_key.values()) == typist.correct
    assert found.by_class.get("keyword", Tally()).chars == typist.correct
    assert found.mistake_count == sum(typist.missed.values())
