"""Two tabs of one browser (two pages in one context, sharing its storage) in a real
Chromium: they are one guest, with one history; a second tab on a race offers to take the
seat over, and the tab that lost it stops typing, says so, and can take it back."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_typing
from tests.browser.test_race import done_chars
from tests.browser.test_race import practice
from tests.browser.test_rooms import open_room
from tests.realtime.harness import Server

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.integration
expect = playwright_expect()


def browser_player(page: Page) -> str | None:
    """Return the player id in the browser's token (its payload is base64 JSON), or None."""
    token = page.evaluate("localStorage.getItem('coderace.token')")
    if not token:
        return None
    part = token.split(".")[0]
    found: str = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))["p"]
    return found


def server_pos(live: Server, link: str, player_id: str, pos: int) -> None:
    """Wait until the server has taken a racer's keys up to ``pos`` (a batch goes every
    200 ms; keys it has not taken when the seat moves stay with the tab that typed them)."""
    store = live.app.extensions["coderace"].store
    deadline = time.monotonic() + 10
    while True:
        raw = store.get_progress(link.rsplit("/", 1)[1], 1).get(player_id)
        if raw is not None and json.loads(raw)["pos"] == pos:
            return
        assert time.monotonic() < deadline, f"the server never took the keys up to {pos}"
        time.sleep(0.05)


def new_tab(one: Player) -> tuple[Page, list[str]]:
    """Open another tab of the same browser; return it and the page errors it raises."""
    page = one.context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def test_a_second_tab_is_the_same_guest_with_the_same_history(
    player: Callable[..., Player],
) -> None:
    ada = player("Ada")
    practice(ada)
    type_together([(ada.page, ada.snippet_keys())], seed=3)
    expect(ada.page.locator("#results")).to_be_visible()
    expect(ada.page.locator("#replay-btn")).to_be_visible()  # the run is stored
    guest = browser_player(ada.page)
    assert guest is not None

    other, errors = new_tab(ada)
    other.goto("/players/me")
    other.wait_for_url(re.compile(rf"/players/{guest}$"))
    expect(other.locator("h1")).to_contain_text("Ada")
    expect(other.locator("#recent tbody tr")).to_have_count(1)  # the first tab's run
    expect(other.locator("#recent tbody tr").first).not_to_contain_text("No races yet")
    # A practice run from the second tab is the same player's, and so one more run.
    other.goto("/")
    other.select_option("#quick-language", "python")
    other.click("#practise")
    wait_typing(other)
    assert browser_player(other) == guest
    assert not errors and not ada.errors


def test_a_second_tab_takes_over_the_seat_and_the_first_stops(
    player: Callable[..., Player], live: Server
) -> None:
    host, ben = player("Hana"), player("Ben")
    link = open_room(host, "python")
    ben.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(2)
    host.page.click("#start-btn")
    wait_typing(host.page)
    keys = host.snippet_keys()
    type_together([(host.page, keys[:4])], seed=5)
    expect(host.page.locator("#code .ch.done")).to_have_count(4)

    # Her own race link, opened in a second tab mid-race: offered, not refused.
    second, errors = new_tab(host)
    second.goto(link)
    offer = second.locator("#elsewhere")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("You are in this race in another tab")
    expect(second.locator("#take-seat")).to_have_text("Race here instead")
    expect(second.locator("#gone")).to_be_hidden()  # not "This race has already started"
    expect(second.locator("#code")).to_be_hidden()  # no empty race under the offer
    second.screenshot(path=str(SCREENSHOTS / "tabs-take-over-offer.png"), full_page=True)
    host.page.bring_to_front()  # she goes back to her first tab
    type_together([(host.page, keys[4:6])], seed=6)  # asking took nothing: she types on
    expect(host.page.locator("#code .ch.done")).to_have_count(6)
    ada = browser_player(host.page)
    assert ada is not None
    server_pos(live, link, ada, 6)

    second.bring_to_front()
    second.click("#take-seat")
    expect(offer).to_be_hidden()
    expect(second.locator("#code .ch.done")).to_have_count(6)  # where the server has her
    moved = host.page.locator("#elsewhere")
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("This race continues in another tab")
    expect(host.page.locator("#take-seat")).to_have_text("Take it back here")
    expect(host.page.locator("#type-input")).to_have_attribute("aria-disabled", "true")
    expect(host.page.locator("#hint")).to_have_text(re.compile("Typing here has stopped"))
    host.shot("tabs-seat-moved")

    # The first tab types no more: its keys reach neither its page nor the seat's log.
    host.page.bring_to_front()
    code, store = link.rsplit("/", 1)[1], live.app.extensions["coderace"].store
    logged = len(store.read_log(code, 1, ada))
    host.page.locator("#code").click()
    host.page.keyboard.type(keys[6] * 3)
    expect(host.page.locator("#code .ch.done")).to_have_count(6)
    second.wait_for_timeout(500)  # a batch period and more
    assert len(store.read_log(code, 1, ada)) == logged
    second.bring_to_front()
    wait_typing(second)
    type_together([(second, keys[6:9])], seed=7)  # the second tab types into the seat
    expect(second.locator("#code .ch.done")).to_have_count(9)
    server_pos(live, link, ada, 9)

    # Taken back: the second tab stops in turn, and the first finishes the race.
    host.page.bring_to_front()
    host.page.click("#take-seat")
    expect(host.page.locator("#elsewhere")).to_be_hidden()
    expect(host.page.locator("#code .ch.done")).to_have_count(9)
    expect(second.locator("#elsewhere")).to_be_visible()
    wait_typing(host.page)
    type_together([(host.page, keys[9:]), (ben.page, ben.snippet_keys())], seed=8)
    expect(host.page.locator("#results")).to_be_visible()
    expect(host.page.locator("#standings-body tr")).to_have_count(2)
    assert done_chars(host) == len(host.snippet_text())
    assert not errors and not host.errors and not ben.errors
