"""Forgiving indentation: spaces and Tabs typed over auto-filled indentation are absorbed,
under the rules new rounds take; logs from before the rule replay as they were scored."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from race.core.analysis import analyse
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.keylog import parse_log
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import Key
from race.core.rules import CURRENT_RULES
from race.core.rules import Rules
from race.core.scorer import Typist
from race.core.scorer import fold
from tests.core.habits import habitual_keys
from tests.core.habits import mixed_keys

CODE = "def f(x):\n    if x:\n        return x\n    return 0"
SNIPPETS = [
    CODE,
    "for (let i = 0; i < n; i++) {\n  sum += a[i];\n  if (x) {\n    y();\n  }\n}",
    'fn main() {\n\tif x {\n\t\tprintln!("hi");\n\t}\n}',
    "    lead = 1\nx = [\n  1,\n      2]\n",
]


def unit_of(text: str) -> str:
    return "\t" if "\t" in text else ("  " if "\n  s" in text else "    ")


def timed(keys: list[str], step: int = 120, start: int = 100) -> list[Key]:
    return [(start + i * step, k) for i, k in enumerate(keys)]


def test_spaces_typed_after_enter_are_absorbed_not_errors() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed(habitual_keys(course, "spaces")))
    fig = figures(typist)
    assert typist.finished and typist.incorrect == 0 and fig.accuracy == 100.0
    assert typist.correct == len(ideal_keys(course))  # absorbed keys are not typed characters
    assert sum(typist.typed_by_sec) == len(ideal_keys(course))


def test_tabs_typed_after_enter_are_absorbed_a_unit_each() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed(habitual_keys(course, "tabs")))
    assert typist.finished and typist.incorrect == 0 and typist.correct == len(ideal_keys(course))


def test_a_tab_indented_snippet_absorbs_tabs() -> None:
    text = SNIPPETS[2]
    course = Course(text, CURRENT_RULES, "\t")
    typist = fold(course, timed(habitual_keys(course, "tabs")))
    assert typist.finished and typist.incorrect == 0


def test_the_old_rules_count_the_same_keys_as_errors() -> None:
    course = Course(CODE, Rules())
    typist = fold(course, timed(habitual_keys(course, "spaces")[:14]))
    # "def f(x):" Enter, then four spaces where "if x:" is expected: an error run.
    assert typist.incorrect == 4 and typist.error_run == "    "


def test_absorbing_stops_at_the_filled_in_indentation() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed([*"def f(x):", ENTER, " ", " ", " ", " ", " "]))
    assert typist.progress().absorb == 0
    assert typist.incorrect == 1 and typist.error_run == " "


def test_a_key_that_moves_the_cursor_closes_the_window() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed([*"def f(x):", ENTER, " ", "i", " "]))
    assert typist.error_run == " "  # "i" was right; the space after it is not indentation
    typist = fold(course, timed([*"def f(x):", ENTER, " ", BACKSPACE, " "]))
    assert typist.pos == CODE.index("\n") and typist.error_run == " "  # back on line 1


def test_a_typo_fixed_in_the_indentation_keeps_the_window() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed([*"def f(x):", ENTER, " ", "x", " ", BACKSPACE, BACKSPACE]))
    assert typist.progress().absorb == 3 and typist.incorrect == 2  # "x" and " " after it
    typist.feed(timed([" ", " ", " ", *"if"], start=5_000))
    assert typist.error_run == "" and typist.incorrect == 2 and typist.correct == 12


def test_the_window_is_state_a_resumed_typist_continues() -> None:
    course = Course(CODE, CURRENT_RULES)
    typist = fold(course, timed([*"def f(x):", ENTER, " "]))
    p = typist.progress()
    assert p.absorb == 3 and p.pos == CODE.index("if")


def test_a_tab_wider_than_the_indentation_left_is_typed() -> None:
    text = "x = [\n  1]"
    course = Course(text, CURRENT_RULES, "    ")
    typist = fold(course, timed([*"x = [", ENTER, TAB]))
    assert typist.incorrect == 2 and typist.error_run == "  "  # a Tab to column 4 from 2
    typist = fold(course, timed([*"x = [", ENTER, " ", TAB]))
    assert typist.incorrect == 2  # 1 to 4 reaches past the indentation: typed at the cursor
    typist = fold(Course(text, CURRENT_RULES, "  "), timed([*"x = [", ENTER, TAB, "1"]))
    assert typist.incorrect == 0 and typist.pos == len(text) - 1  # two-space stops


def test_leading_indentation_at_the_start_is_absorbed_too() -> None:
    course = Course("  a\nb", CURRENT_RULES)
    typist = fold(course, timed([" ", " ", "a", ENTER, "b"]))
    assert typist.finished and typist.incorrect == 0


def test_own_indentation_scores_the_indentation_as_typed() -> None:
    course = Course(CODE, CURRENT_RULES.own_indentation())
    typist = fold(course, timed([ENTER if c == "\n" else c for c in CODE]))
    assert typist.finished and typist.incorrect == 0 and typist.correct == len(CODE)
    assert course.typeable == len(CODE)
    typist = fold(course, timed([*"def f(x):", ENTER, *"if"]))
    assert typist.error_run == "if"  # nothing is filled in for them


def test_logs_name_the_rule_and_old_logs_replay_without_it() -> None:
    new = dump_log(KeyLog(CODE, CURRENT_RULES))
    assert '"absorb_indent":true' in new[0]
    assert parse_log(new, "new").rules == CURRENT_RULES
    old = ['{"v": 1, "snippet": "x", "rules": {}}']
    assert parse_log(old, "old").rules.absorb_indent is False


# --- properties ---------------------------------------------------------------------


@settings(max_examples=200)
@given(st.sampled_from(SNIPPETS), st.sampled_from(["spaces", "tabs"]), st.integers(0, 2**32))
def test_habitual_indentation_scores_as_ideal_typing(text: str, style: str, seed: int) -> None:
    course = Course(text, CURRENT_RULES, unit_of(text))
    rng = random.Random(seed)
    gaps = [rng.randint(30, 400) for _ in range(2000)]

    def stamp(keys: list[str]) -> list[Key]:
        t, out = 0, []
        for k, g in zip(keys, gaps, strict=False):
            t += g
            out.append((t, k))
        return out

    habit = fold(course, stamp(habitual_keys(course, style)))
    ideal = fold(course, stamp(ideal_keys(course)))
    assert habit.finished and ideal.finished
    for name in ("pos", "correct", "incorrect", "corrected", "error_run"):
        assert getattr(habit, name) == getattr(ideal, name), name
    assert figures(habit).accuracy == 100.0


@settings(max_examples=200)
@given(
    st.sampled_from(SNIPPETS),
    st.integers(0, 2**32),
    st.lists(st.integers(0, 10_000), max_size=12),
)
def test_rebatching_a_habitual_stream_gives_the_same_state(
    text: str, seed: int, cuts: list[int]
) -> None:
    course = Course(text, CURRENT_RULES, unit_of(text))
    keys = timed(mixed_keys(random.Random(seed), course), step=90)
    whole = fold(course, keys)
    parts = Typist(course)
    points = sorted({c % (len(keys) + 1) for c in cuts})
    prev = 0
    for p in [*points, len(keys)]:
        parts.feed(keys[prev:p])
        prev = p
    assert parts.progress() == whole.progress()
    assert parts.seconds() == whole.seconds()
    assert figures(parts) == figures(whole)


@settings(max_examples=200)
@given(st.sampled_from(SNIPPETS), st.integers(0, 2**32))
def test_absorbing_never_types_and_never_errs(text: str, seed: int) -> None:
    course = Course(text, CURRENT_RULES, unit_of(text))
    typist = Typist(course)
    for i, key in enumerate(mixed_keys(random.Random(seed), course)):
        before = typist.progress()
        typist.feed([(i * 100, key)])
        after = typist.progress()
        if before.absorb and after.absorb < before.absorb and key in (" ", TAB):
            assert (after.pos, after.error_run) == (before.pos, before.error_run)
            assert (after.correct, after.incorrect) == (before.correct, before.incorrect)
        assert 0 <= after.absorb <= after.pos
        assert all(course.is_auto[j] for j in range(after.pos - after.absorb, after.pos))


def test_the_error_analysis_sees_no_mistake_in_absorbed_indentation() -> None:
    course = Course(CODE, CURRENT_RULES)
    habit = analyse(course, None, timed(habitual_keys(course, "tabs")))
    ideal = analyse(course, None, timed(ideal_keys(course)))
    assert habit.mistake_count == 0 == ideal.mistake_count
    assert sum(t.chars for t in habit.by_class.values()) == sum(
        t.chars for t in ideal.by_class.values()
    )
    old = analyse(Course(CODE, Rules()), None, timed(habitual_keys(course, "spaces")))
    assert old.mistake_count > 0  # under the old rules the same keys were mistakes
