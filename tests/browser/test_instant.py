"""Practice at typing speed in a real Chromium: the clock starts at the first key, the
restart key starts again at any moment, Enter after a run brings the next snippet, and the
keyboard is never stuck after a run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from race.corpus import Corpus
from race.corpus import load_dir
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import press
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_typing
from tests.browser.test_race import done_chars
from tests.browser.test_race import practice
from tests.realtime.conftest import SNIPPETS
from tests.realtime.conftest import write_snippets
from tests.realtime.test_practice_runs import OTHER_PYTHON

pytestmark = pytest.mark.integration
expect = playwright_expect()


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The tiny browser corpus with a second Python snippet, so there is a next one."""
    return load_dir(
        write_snippets(tmp_path / "corpus", {**SNIPPETS, "python/py-other.snip": OTHER_PYTHON})
    )


def phase(one: Player) -> str:
    return one.page.locator("#race").get_attribute("data-phase") or ""


def race_id(one: Player) -> str:
    """The round the page is on (a restart is a new one), from the room view it holds."""
    return str(one.page.evaluate("document.getElementById('race').dataset.round"))


def test_the_clock_starts_at_the_first_key_and_the_restart_key_starts_again(
    player: Callable[..., Player],
) -> None:
    solo = player("Quick")
    practice(solo)
    # Waiting for the first key: no countdown, the hint says what starts it.
    assert phase(solo) == "lobby"
    expect(solo.page.locator("#countdown")).to_be_hidden()
    expect(solo.page.locator("#hint")).to_contain_text("the clock starts with your first key")
    expect(solo.page.locator("#hint")).to_contain_text("Shift+Tab starts again")
    expect(solo.page.locator("#lobby")).to_be_hidden()
    solo.page.wait_for_timeout(1200)  # waiting costs nothing: the clock has not started
    keys = solo.snippet_keys()
    type_together([(solo.page, keys[:6])], seed=3)
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "racing")
    expect(solo.page.locator("#code .ch.done")).to_have_count(6)
    first_round = race_id(solo)

    solo.page.keyboard.press("Shift+Tab")  # mid-run: a new run at once
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "lobby")
    assert race_id(solo) != first_round
    assert done_chars(solo) == 0
    assert solo.page.evaluate("document.activeElement.id") == "type-input"

    type_together([(solo.page, keys)], seed=4)
    expect(solo.page.locator("#results")).to_be_visible()
    row = solo.page.locator("#standings-body tr").first
    expect(row).not_to_contain_text("DNF")
    expect(solo.page.locator("#hint")).to_contain_text("Enter: next snippet")
    expect(solo.page.locator("#next-btn")).to_be_visible()
    assert not solo.errors


def test_enter_after_a_run_brings_the_next_snippet_and_the_keyboard_is_never_stuck(
    player: Callable[..., Player],
) -> None:
    solo = player("Flow")
    practice(solo)
    first = solo.snippet_text()
    type_together([(solo.page, solo.snippet_keys())], seed=5)
    expect(solo.page.locator("#results")).to_be_visible()
    # The keyboard is still in the typing area; Enter goes on from there.
    assert solo.page.evaluate("document.activeElement.id") == "type-input"
    solo.page.keyboard.press("Enter")
    expect(solo.page.locator("#results")).to_be_hidden()
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "lobby")
    assert solo.snippet_text() != first
    wait_typing(solo.page)
    second = solo.snippet_text()
    type_together([(solo.page, solo.snippet_keys())], seed=6)
    expect(solo.page.locator("#results")).to_be_visible()

    # Esc lets go of the keyboard; the restart key still works from the page.
    solo.page.keyboard.press("Escape")
    assert solo.page.evaluate("document.activeElement.id") != "type-input"
    solo.page.keyboard.press("Shift+Tab")  # this snippet again
    expect(solo.page.locator("#results")).to_be_hidden()
    assert solo.snippet_text() == second
    wait_typing(solo.page)

    solo.page.locator("#hint").wait_for()
    type_together([(solo.page, solo.snippet_keys())], seed=7)
    expect(solo.page.locator("#next-btn")).to_be_visible()
    solo.page.click("#next-btn")
    expect(solo.page.locator("#results")).to_be_hidden()
    assert solo.snippet_text() == first  # two Python snippets: the next is the other
    assert not solo.errors


def test_the_restart_key_is_a_setting_of_the_browser(player: Callable[..., Player]) -> None:
    solo = player("Tabber")
    solo.page.goto("/")
    solo.page.evaluate(
        "localStorage.setItem('coderace.settings', JSON.stringify({restartKey: 'Tab'}))"
    )
    practice(solo)
    expect(solo.page.locator("#hint")).to_contain_text("Tab starts again")
    keys = solo.snippet_keys()
    type_together([(solo.page, keys[:4])], seed=8)
    expect(solo.page.locator("#code .ch.done")).to_have_count(4)
    before = race_id(solo)
    press(solo.page, "Tab")  # restarts, and types nothing
    expect(solo.page.locator("#race")).to_have_attribute("data-phase", "lobby")
    assert race_id(solo) != before and done_chars(solo) == 0
    expect(solo.page.locator("#code .err-run")).to_have_count(0)
    assert not solo.errors
