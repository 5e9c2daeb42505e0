"""What a snippet shows, in a real Chromium: its about is readable before a practice run,
gone while the code is typed, and back beside the results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from race.corpus import Corpus
from race.corpus import load_dir
from tests.browser.conftest import PHONE
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.test_race import practice
from tests.realtime.conftest import ABOUT
from tests.realtime.conftest import SNIPPETS
from tests.realtime.conftest import write_snippets

pytestmark = pytest.mark.integration
expect = playwright_expect()

TEXT = ABOUT.split("\n")[0].removeprefix("about: ")
#: A two-step "flask" track over the tiny test corpus, so the landing offers it.
TRACK = """title = "Learn Flask by typing it"
about = "Two short steps for the tests."

[[steps]]
snippet = "py-short"
accuracy = 95
wpm = 20

[[steps]]
snippet = "go-short"
accuracy = 95
wpm = 25
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The tiny browser corpus with a Flask track through its two snippets."""
    return load_dir(write_snippets(tmp_path / "corpus", {**SNIPPETS, "tracks/flask.toml": TRACK}))


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


def test_the_landing_leads_to_the_track_and_a_step_to_its_practice_run(
    player: Callable[..., Player],
) -> None:
    learner = player("Learner")
    learner.page.goto("/")
    expect(learner.page.locator(".learn-card h2")).to_have_text("Learn Flask by typing it")
    learner.shot("landing-learn-desktop")
    learner.page.click("#learn-flask")
    learner.page.wait_for_url("**/tracks/flask")
    steps = learner.page.locator(".track-step")
    expect(steps).to_have_count(2)
    expect(steps.first).to_contain_text(TEXT)
    expect(steps.nth(1)).to_contain_text("25 wpm")
    learner.shot("track-desktop-light")
    steps.first.locator(".practise").click()
    learner.page.wait_for_url("**/r/*")
    expect(learner.page.locator("#snippet-title")).to_have_text("Short Python")
    expect(learner.page.locator("#about-text")).to_have_text(TEXT)
    assert not learner.errors

    phone = player("Phone", viewport=PHONE, color_scheme="dark")
    phone.page.goto("/tracks/flask")
    expect(phone.page.locator(".track-step")).to_have_count(2)
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing runs off a phone's screen
    phone.shot("track-phone-dark")
    assert not phone.errors
