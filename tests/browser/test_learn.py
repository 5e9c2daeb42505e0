"""What a snippet shows, in a real Chromium: its about is readable before a practice run,
gone while the code is typed, and back beside the results."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.test_race import practice
from tests.realtime.conftest import ABOUT

pytestmark = pytest.mark.integration
expect = playwright_expect()

TEXT = ABOUT.split("\n")[0].removeprefix("about: ")


def test_the_about_shows_before_a_run_hides_while_typing_and_returns_after(
    player: Callable[..., Player],
) -> None:
    solo = player("Learner")
    practice(solo)
    about = solo.page.locator("#about")
    expect(about).to_be_visible()
    expect(solo.page.locator("#about-text")).to_have_text(TEXT)
    expect(solo.page.locator("#about-concepts .concept")).to_have_text(["testing"])
    solo.shot("about-before")

    keys = solo.snippet_keys()
    type_together([(solo.page, keys[:1])], seed=11)
    expect(about).to_be_hidden()  # from the very first key, before the server answers
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "racing")
    type_together([(solo.page, keys[1:5])], seed=12)
    expect(about).to_be_hidden()

    type_together([(solo.page, keys[5:])], seed=13)
    expect(solo.page.locator("#results")).to_be_visible()
    expect(about).to_be_visible()
    expect(solo.page.locator("#about-text")).to_have_text(TEXT)
    solo.shot("about-after")

    solo.page.keyboard.press("Shift+Tab")  # a new run on the same snippet: readable again
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "lobby")
    expect(about).to_be_visible()
    assert not solo.errors
