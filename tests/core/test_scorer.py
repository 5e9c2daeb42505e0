"""The scorer: code rules, error runs, corrections, and fold properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Key
from race.core.rules import Rules
from race.core.scorer import Typist
from race.core.scorer import fold

CODE = "def f(x):\n    if x:\n        return x\n    return 0"


def timed(keys: list[str], step: int = 100, start: int = 100) -> list[Key]:
    """Give keys evenly spaced timestamps."""
    return [(start + i * step, k) for i, k in enumerate(keys)]


def test_typing_exactly_finishes_with_full_accuracy() -> None:
    course = Course(CODE)
    typist = fold(course, timed(ideal_keys(course)))
    p = typist.progress()
    assert p.finished and p.pos == len(CODE) and p.error_run == ""
    assert p.incorrect == 0 and p.net_chars == course.typeable
    assert p.finish_ms == 100 + (len(ideal_keys(course)) - 1) * 100


def test_indentation_is_typed_when_skip_is_off() -> None:
    course = Course(CODE, Rules(skip_indent=False))
    keys = [ch if ch != "\n" else ENTER for ch in CODE]
    p = fold(course, timed(keys)).progress()
    assert p.finished and p.net_chars == len(CODE) == course.typeable


def test_tab_types_the_indent_unit_when_skip_is_off() -> None:
    course = Course("if x:\n    y", Rules(skip_indent=False))
    p = fold(course, timed([*"if x:", ENTER, TAB, "y"])).progress()
    assert p.finished and p.incorrect == 0


def test_tab_with_tab_indent() -> None:
    course = Course("{\n\tx\n}", Rules(skip_indent=False), indent_unit="\t")
    p = fold(course, timed(["{", ENTER, TAB, "x", ENTER, "}"])).progress()
    assert p.finished


def test_tab_goes_to_the_next_tab_stop() -> None:
    course = Course("a = 1  # x", Rules(skip_indent=False), indent_unit="    ")
    typist = fold(course, timed([*"a = 1", TAB]))
    # Column 5 to the next stop at 8 types three spaces; the text has two, so one is wrong.
    p = typist.progress()
    assert p.pos == len("a = 1  ") and p.error_run == " "


def test_wrong_key_opens_an_error_run_that_blocks_progress() -> None:
    course = Course("abc def")
    p = fold(course, timed(["a", "x", "b", "c"])).progress()
    assert p.pos == 1 and p.error_run == "xbc"
    assert p.correct == 1 and p.incorrect == 3


def test_backspace_clears_errors_and_counts_corrections() -> None:
    course = Course("abc")
    p = fold(course, timed(["a", "x", "y", BACKSPACE, BACKSPACE, "b", "c"])).progress()
    assert p.finished and p.corrected == 2 and p.backspaces == 2 and p.incorrect == 2


def test_error_run_is_capped_and_extra_keys_change_nothing() -> None:
    course = Course("abc", Rules(max_error_run=3))
    p = fold(course, timed(["x"] * 10)).progress()
    assert p.error_run == "xxx" and p.incorrect == 10 and p.pos == 0
    p = fold(course, timed(["x"] * 10 + [BACKSPACE] * 3 + list("abc"))).progress()
    assert p.finished


def test_backspace_over_correct_text_and_auto_indent() -> None:
    course = Course("if x:\n    y")
    typist = fold(course, timed([*"if x:", ENTER]))
    assert typist.pos == len("if x:\n    ")
    typist.feed([(2000, BACKSPACE)])
    assert typist.pos == len("if x:")
    typist.feed([(2100, BACKSPACE)])
    assert typist.pos == len("if x")


def test_backspace_at_start_does_nothing() -> None:
    course = Course("    indented\nx")
    typist = fold(course, timed([BACKSPACE, WORD_BACKSPACE]))
    assert typist.pos == course.start == 4


def test_word_backspace_deletes_the_last_word() -> None:
    course = Course("return value + 1")
    p = fold(course, timed([*"return val", WORD_BACKSPACE])).progress()
    assert p.pos == len("return ")
    p = fold(course, timed([*"return val", WORD_BACKSPACE, WORD_BACKSPACE])).progress()
    assert p.pos == 0


def test_word_backspace_clears_errors_then_text() -> None:
    course = Course("foo.bar")
    p = fold(course, timed([*"foo.", *"xzz", WORD_BACKSPACE])).progress()
    assert p.pos == len("foo.") and p.error_run == "" and p.corrected == 3
    p = fold(course, timed([*"foo", "x", WORD_BACKSPACE])).progress()
    # The typed text is "foox": one word, so the cut goes back over "foo" too.
    assert p.pos == 0 and p.error_run == ""


def test_word_backspace_after_a_wrong_enter_removes_it() -> None:
    course = Course("ab")
    p = fold(course, timed(["a", ENTER, WORD_BACKSPACE])).progress()
    assert p.pos == 1 and p.error_run == ""


def test_word_backspace_in_indentation_keeps_the_newline() -> None:
    course = Course("if x:\n    yy = 1")
    typist = fold(course, timed([*"if x:", ENTER, "y", "y", WORD_BACKSPACE]))
    assert typist.pos == len("if x:\n    ")
    typist.feed([(5000, WORD_BACKSPACE)])
    assert typist.pos == len("if x:")


def test_keys_after_finishing_are_ignored() -> None:
    course = Course("ab")
    typist = fold(course, timed(["a", "b", "c", BACKSPACE]))
    p = typist.progress()
    assert p.finished and p.keys == 2 and p.finish_ms == 200


def test_backwards_timestamps_are_clamped() -> None:
    course = Course("abcd")
    p = fold(course, [(500, "a"), (100, "b"), (600, "c"), (50, "d")]).progress()
    assert p.finish_ms == 600 and p.last_ms == 600


def test_missed_counts_the_expected_character() -> None:
    course = Course("a(b)")
    typist = fold(course, timed(["a", "[", BACKSPACE, "(", "b", "]", BACKSPACE, ")"]))
    assert typist.missed == {"(": 1, ")": 1}
    assert figures(typist).missed == (("(", 1), (")", 1))


# --- properties ---------------------------------------------------------------------

SNIPPETS = st.sampled_from(
    [
        CODE,
        "for (let i = 0; i < n; i++) {\n  sum += a[i];\n}",
        "SELECT id, name\nFROM users\nWHERE id = $1;",
        'fn main() {\n\tprintln!("hi");\n}',
    ]
)
KEY = st.one_of(
    st.sampled_from([ENTER, TAB, BACKSPACE, WORD_BACKSPACE]),
    st.characters(min_codepoint=32, max_codepoint=126),
    st.sampled_from(list("(){}[];:=  \t")),
).filter(lambda k: k != "\t")


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, list[Key]]:
    """Draw a snippet and a random stream of keys with non-decreasing timestamps."""
    text = draw(SNIPPETS)
    keys = draw(st.lists(KEY, max_size=120))
    gaps = draw(st.lists(st.integers(0, 3000), min_size=len(keys), max_size=len(keys)))
    t, out = 0, []
    for k, g in zip(keys, gaps, strict=True):
        t += g
        out.append((t, k))
    return text, out


def split(keys: list[Key], cuts: list[int]) -> list[list[Key]]:
    """Split keys at the given cut points (any order, duplicates allowed)."""
    points = sorted({c % (len(keys) + 1) for c in cuts})
    out, prev = [], 0
    for p in [*points, len(keys)]:
        out.append(keys[prev:p])
        prev = p
    return out


@settings(max_examples=300)
@given(streams(), st.lists(st.integers(0, 10_000), max_size=20), st.booleans())
def test_rebatching_gives_the_same_state(
    stream: tuple[str, list[Key]], cuts: list[int], skip: bool
) -> None:
    text, keys = stream
    course = Course(text, Rules(skip_indent=skip))
    whole = fold(course, keys)
    parts = Typist(course)
    for batch in split(keys, cuts):
        parts.feed(batch)
    assert parts.progress() == whole.progress()
    assert parts.seconds() == whole.seconds()
    assert parts.missed == whole.missed
    assert figures(parts) == figures(whole)


@settings(max_examples=200)
@given(SNIPPETS, st.lists(st.integers(0, 2000), min_size=1, max_size=400), st.booleans())
def test_exact_typing_is_perfect_at_any_speed(text: str, gaps: list[int], skip: bool) -> None:
    course = Course(text, Rules(skip_indent=skip), indent_unit="\t" if "\t" in text else "    ")
    keys = ideal_keys(course) if skip else [ENTER if c == "\n" else c for c in text]
    t, stream = 0, []
    for i, k in enumerate(keys):
        t += gaps[i % len(gaps)]
        stream.append((t, k))
    typist = fold(course, stream)
    fig = figures(typist)
    assert typist.pos == len(text) and typist.finished
    assert fig.accuracy == 100.0 and fig.completed and fig.progress == 1.0


@settings(max_examples=300)
@given(streams(), st.booleans(), st.integers(1, 12))
def test_random_editing_stays_inside_the_snippet(
    stream: tuple[str, list[Key]], skip: bool, cap: int
) -> None:
    text, keys = stream
    course = Course(text, Rules(skip_indent=skip, max_error_run=cap))
    typist = Typist(course)
    for key in keys:
        typist.feed([key])
        p = typist.progress()
        assert course.start <= p.pos <= len(text)
        assert len(p.error_run) <= cap
        assert 0 <= p.net_chars <= course.typeable
        assert text.startswith(text[: p.pos])
        assert not course.is_auto[p.pos] or p.pos == course.skip_to[p.pos]
        if p.finished:
            assert p.pos == len(text) and not p.error_run


def test_a_far_future_key_does_not_grow_the_buckets() -> None:
    from race.core.scorer import MAX_SECONDS

    typist = fold(Course("abc"), [(100, "a"), (2**31 - 1, "b")])
    typed, _, _ = typist.seconds()
    assert len(typed) == MAX_SECONDS and sum(typed) == 2
    assert len(figures(typist).series) == MAX_SECONDS
