"""Never wait alone, in a real Chromium: the landing shows who is racing and waiting now;
a lone quick racer is offered ghosts of real recent runs, races them (labelled ghosts, not
in the standings), and a human who joins before the start races with them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.browser.conftest import PHONE
from tests.browser.conftest import TIMING
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_phase
from tests.browser.conftest import wait_typing

pytestmark = pytest.mark.integration
expect = playwright_expect()
ROOM_URL = re.compile(r"/r/[A-Za-z0-9_-]{16}$")
#: The offer comes 1.5 s after a racer is alone; a ghost race counts down 4 s.
GHOSTS = replace(TIMING, ghost_offer_ms=1500, ghost_countdown_ms=4000)
#: The landing asks every 5 s; the server's count is at most 2 s old.
SEEN_MS = 12_000


def go(one: Player, button: str) -> None:
    """Open the landing, pick Python and press a button (#quick-go or #practise)."""
    one.page.goto("/")
    one.page.select_option("#quick-language", "python")
    one.page.click(button)
    one.page.wait_for_url(ROOM_URL)


def stored_run(one: Player) -> None:
    """Practise the Python snippet to the end and wait until the run is stored."""
    go(one, "#practise")
    wait_typing(one.page)
    type_together([(one.page, one.snippet_keys())], seed=11)
    expect(one.page.locator("#results")).to_be_visible()
    expect(one.page.locator("#replay-btn")).to_be_visible(timeout=SEEN_MS)  # in the database


def test_the_landing_shows_who_is_racing_and_waiting_now(player: Callable[..., Player]) -> None:
    watcher, racer, waiter = player("Watcher"), player("Racer"), player("Waiter")
    watcher.page.goto("/")
    watcher.page.select_option("#quick-language", "python")
    line = watcher.page.locator("#presence")
    expect(line).to_have_text("0 racers racing and 0 waiting in Python now")
    go(racer, "#practise")
    wait_typing(racer.page)
    type_together([(racer.page, racer.snippet_keys()[:5])], seed=2)  # the first key starts it
    expect(line).to_have_text("1 racer racing and 0 waiting in Python now", timeout=SEEN_MS)
    go(waiter, "#quick-go")
    expect(line).to_have_text("1 racer racing and 1 waiting in Python now", timeout=SEEN_MS)
    item = watcher.page.locator("#presence-list li[data-language=python]")
    expect(item).to_have_text("Python 1 racing · 1 waiting")
    watcher.page.select_option("#quick-language", "go")
    expect(line).to_have_text("0 racers racing and 0 waiting in Go now")
    expect(waiter.page.locator("#lobby-presence")).to_contain_text("1 waiting in Python")
    watcher.shot("landing-presence")
    assert not watcher.errors and not waiter.errors


@pytest.mark.parametrize("live", [GHOSTS], indirect=True)
def test_a_lone_quick_racer_races_ghosts_that_the_standings_leave_out(
    player: Callable[..., Player],
) -> None:
    ada, solo = player("Ada"), player("Solo")
    stored_run(ada)
    go(solo, "#quick-go")
    expect(solo.page.locator("#lonely")).to_be_visible(timeout=8000)
    expect(solo.page.locator("#race-ghosts")).to_be_visible()
    solo.shot("ghost-offer-desktop")
    solo.page.click("#race-ghosts")
    expect(solo.page.locator("#lonely")).to_be_hidden()
    ghost_lane = solo.page.locator(".lane.ghost-lane")
    expect(ghost_lane).to_have_count(1)
    expect(ghost_lane.locator(".lane-name")).to_have_text("Ada (ghost)")
    expect(ghost_lane.locator(".lane-status")).to_have_text("not ranked")
    wait_typing(solo.page)
    keys = solo.snippet_keys()
    type_together([(solo.page, keys[: len(keys) // 2])], seed=5)
    expect(solo.page.locator("#code .ghost .tag")).to_have_text("Ada (ghost)")
    solo.shot("ghost-race-desktop")
    type_together([(solo.page, keys[len(keys) // 2 :])], seed=6)
    expect(solo.page.locator("#results")).to_be_visible()
    rows = solo.page.locator("#standings-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Solo")
    expect(rows.first).not_to_contain_text("ghost")
    expect(solo.page.locator("#room-ghosts-result")).to_contain_text("Ada (ghost)")
    expect(solo.page.locator("#room-ghosts-result")).to_contain_text("not in the standings")
    assert not solo.errors


@pytest.mark.parametrize("live", [replace(GHOSTS, ghost_countdown_ms=8000)], indirect=True)
def test_a_human_joining_before_the_start_races_with_the_ghosts(
    player: Callable[..., Player],
) -> None:
    ada, solo = player("Ada"), player("Solo")
    late = player("Late", viewport=PHONE, color_scheme="dark")
    stored_run(ada)
    go(solo, "#quick-go")
    expect(solo.page.locator("#race-ghosts")).to_be_visible(timeout=8000)
    late.page.goto("/")  # the landing open, to press Race now during the countdown
    late.page.select_option("#quick-language", "python")
    solo.page.click("#race-ghosts")
    wait_phase(solo.page, "countdown")
    late.page.click("#quick-go")
    late.page.wait_for_url(ROOM_URL)
    assert late.page.url == solo.page.url
    for one in (solo, late):
        expect(one.page.locator(".lane")).to_have_count(3)
        expect(one.page.locator(".lane.ghost-lane .lane-name")).to_have_text("Ada (ghost)")
    wait_typing(solo.page)
    wait_typing(late.page)
    keys = solo.snippet_keys()
    type_together([(solo.page, keys), (late.page, keys)], seed=8)
    for one in (solo, late):
        expect(one.page.locator("#results")).to_be_visible()
        rows = one.page.locator("#standings-body tr")
        expect(rows).to_have_count(2)
        expect(one.page.locator("#standings-body")).not_to_contain_text("ghost")
    late.shot("ghost-race-results-375-dark")
    assert not solo.errors and not late.errors


@pytest.mark.parametrize("live", [GHOSTS], indirect=True)
def test_with_no_stored_run_the_offer_says_so_and_waiting_goes_on(
    player: Callable[..., Player],
) -> None:
    solo = player("Solo", color_scheme="dark")
    go(solo, "#quick-go")
    expect(solo.page.locator("#race-ghosts")).to_be_visible(timeout=8000)
    solo.page.click("#race-ghosts")
    expect(solo.page.locator("#lonely-msg")).to_contain_text("no ghosts yet")
    expect(solo.page.locator("#race-ghosts")).to_be_hidden()
    expect(solo.page.locator("#keep-waiting")).to_be_visible()
    expect(solo.page.locator("#lobby-msg")).to_contain_text("Waiting for another racer")
    expect(solo.page.locator("#lobby-presence")).to_contain_text("1 waiting in Python")
    solo.shot("ghost-offer-none-dark")
    assert not solo.errors
