"""The error analysis in Chromium: after a practice run with a mistake inside a string,
the results show the token-class table and the code with the mistake marked, and so does
the race's shareable page (light and dark)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from race.corpus import Corpus
from race.corpus import load_dir
from tests.browser.conftest import PHONE
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_typing
from tests.realtime.conftest import ABOUT

pytestmark = pytest.mark.integration
expect = playwright_expect()
ROOM_URL = re.compile(r"/r/[A-Za-z0-9_-]{16}$")
CODE = 'def greet(name):\n    return "hi " + name\nprint(greet("ada"))\n'
#: The mistake: "x" typed for the "i" of "hi ", inside the string.
WRONG_AT = CODE.index('"hi') + 2


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """One Python snippet with strings (this module's own corpus)."""
    path = tmp_path / "corpus" / "python" / "py-greet.snip"
    path.parent.mkdir(parents=True)
    header = "id: py-greet\ntitle: Greet\nlanguage: python\ndifficulty: easy\nindent: spaces:4\n"
    path.write_text(header + ABOUT + "---\n" + CODE)
    return load_dir(path.parents[1])


def test_a_mistake_in_a_string_is_marked_with_the_token_table(
    player: Callable[..., Player],
) -> None:
    solo = player("Solo")
    solo.page.goto("/")
    solo.page.select_option("#quick-language", "python")
    solo.page.click("#practise")
    solo.page.wait_for_url(ROOM_URL)
    wait_typing(solo.page)
    text = solo.snippet_text()
    assert text == CODE.rstrip("\n")
    keys = solo.snippet_keys()
    typed_before = WRONG_AT - 4  # keys before the mistake: the indentation is filled in
    stream = [*keys[:typed_before], "x", "Backspace", *keys[typed_before:]]
    type_together([(solo.page, stream)], seed=11)

    expect(solo.page.locator("#results")).to_be_visible()
    box = solo.page.locator("#analysis")
    expect(box).to_be_visible(timeout=15_000)  # once the race is stored
    string_row = box.locator('.token-table tr[data-class="string"]')
    expect(string_row).to_have_count(1)
    expect(string_row.locator("td").nth(4)).to_have_text("1")  # one mistake, in a string
    expect(box.locator('.token-table tr[data-class="identifier"] td').nth(4)).to_have_text("0")
    mark = box.locator("mark.mistake")
    expect(mark).to_have_count(1)
    expect(mark).to_have_attribute("data-pos", str(WRONG_AT))
    expect(mark).to_have_attribute("data-typed", "x")
    expect(mark).to_have_text("i")
    assert "for “i”" in (mark.get_attribute("title") or "")
    solo.shot("analysis-practice-desktop")
    solo.page.set_viewport_size(PHONE)
    expect(mark).to_be_visible()
    solo.shot("analysis-practice-375")
    assert not solo.errors

    href = solo.page.locator("#replay-btn").get_attribute("href") or ""
    # The next run starts without the last run's analysis.
    solo.page.click("#again-btn")
    expect(solo.page.locator("#results")).to_be_hidden()
    expect(box).to_be_hidden()
    expect(box.locator("mark")).to_have_count(0)
    # The racer's own view of the race page speaks to them.
    solo.page.goto(href)
    expect(solo.page.locator("#analysis-section .analysis-verdict")).to_contain_text(
        re.compile(r"^(You are \d+ % slower on |No token is slower)")
    )

    # The shareable race page shows the same analysis, in the dark theme too.
    dark = player("Viewer", color_scheme="dark")
    dark.page.goto(href)
    section = dark.page.locator("#analysis-section")
    expect(section).to_be_visible()
    expect(section.locator("mark.mistake")).to_have_attribute("data-pos", str(WRONG_AT))
    expect(section.locator('.token-table tr[data-class="string"] td').nth(4)).to_have_text("1")
    race = dark.page.request.get("/api" + href).json()
    slowest = race["standings"][0]["analysis"]["slowest"]
    said = section.locator(".analysis-verdict")  # the server's figure, named for a stranger
    if slowest is None:
        expect(said).to_have_text("No token is slower than identifiers.")
    else:
        expect(said).to_contain_text(f"Solo is {slowest['percent']} % slower on ")
    dark.shot("analysis-race-page-dark")
    assert not dark.errors
