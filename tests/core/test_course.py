"""A course: the keys that type a snippet, and where the editing keys move the cursor."""

from __future__ import annotations

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.course import word_cut
from race.core.keys import ENTER

CODE = "def f(x):\n    if x:\n        return x\n    return 0"


def test_ideal_keys_skip_indentation_and_use_enter() -> None:
    keys = ideal_keys(Course(CODE))
    assert keys[:10] == [*"def f(x):", ENTER]
    assert keys[10:15] == list("if x:")
    assert "".join(k for k in keys if k != ENTER) == CODE.replace("\n", "").replace(" " * 4, "")


def test_tab_types_to_the_next_tab_stop_or_one_tab() -> None:
    assert Course(CODE).tab_text("def f(x):\n  ") == "  "
    assert Course(CODE, indent_unit="\t").tab_text("x") == "\t"


def test_word_cut_goes_back_over_blanks_then_one_word_or_symbol_run() -> None:
    assert word_cut("return x  ") == len("return ")
    assert word_cut("f(x)) ") == len("f(x")
    assert word_cut("") == 0
