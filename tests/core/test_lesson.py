"""The about text's checks: sentences counted at their ends, bounds, and the tag vocabulary."""

from __future__ import annotations

import pytest

from race.core.lesson import MAX_CONCEPTS
from race.core.lesson import make_about
from race.core.lesson import sentences

GOOD = "Stores a start time on g before each request. Adds the elapsed time as a header after it."


def test_sentences_end_at_a_stop_and_a_space_only() -> None:
    assert sentences("It reads g.user and 0.95 here. Then it stops.") == 2
    assert sentences("Is it? Yes! It is.") == 3
    assert sentences("No end yet") == 0


def test_make_about_folds_whitespace_and_keeps_tag_order() -> None:
    about = make_about("  " + GOOD.replace(" ", "   ") + "  ", " templates , routing ")
    assert about.text == GOOD
    assert about.concepts == ("templates", "routing")


@pytest.mark.parametrize(
    ("text", "concepts", "message"),
    [
        ("Too short. Really.", "routing", "characters"),
        (GOOD.rstrip("."), "routing", "end a sentence"),
        (GOOD, "", "empty tag"),
        (GOOD, "Routing", "unknown concept"),
        (GOOD, ", ".join(["routing"] * 2), "twice"),
        (GOOD, ", ".join(["x"] * (MAX_CONCEPTS + 1)), f"{MAX_CONCEPTS + 1} tags"),
    ],
)
def test_make_about_refuses(text: str, concepts: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_about(text, concepts)
