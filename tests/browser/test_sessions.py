"""A race tab open when its account logs out in another tab: it says so and reloads as a
guest (``session_revoked``, ``static/js/net.js``); a guest token copied before its player
registered starts afresh as a new guest when the tab reconnects (``token_revoked``)."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable

import pytest

from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.test_race import practice
from tests.browser.test_rooms import open_room

pytestmark = pytest.mark.integration
expect = playwright_expect()


def tab_player(one: Player) -> str | None:
    """Return the player id in the browser's token (its payload is base64 JSON), or None."""
    token = one.page.evaluate("localStorage.getItem('coderace.token')")
    if not token:
        return None
    part = token.split(".")[0]
    found: str = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))["p"]
    return found


def test_a_race_tab_hears_of_a_logout_elsewhere_and_reloads_as_a_guest(
    player: Callable[..., Player],
) -> None:
    ada = player()
    page = ada.page
    page.goto("/register")
    page.fill("input[name=username]", "Ada")
    page.fill("input[name=password]", "correct horse")
    page.fill("input[name=confirm]", "correct horse")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/players/"))
    account = page.evaluate("fetch('/api/me').then((r) => r.json())")["player_id"]
    practice(ada)
    assert tab_player(ada) == account
    other = ada.context.new_page()  # another tab of the same browser logs out
    other.goto("/login")
    with page.expect_event("load", timeout=10_000):
        other.click("#logout-form button")
        expect(page.locator("#notice")).to_contain_text("this session has ended")
    # Polled from here: a string wait_for_function polls by eval, which the CSP forbids.
    deadline = time.monotonic() + 10
    while page.evaluate("localStorage.getItem('coderace.token')") is None:
        assert time.monotonic() < deadline, "the reloaded tab never got a guest token"
        time.sleep(0.05)
    assert tab_player(ada) not in (None, account)  # a new guest
    assert page.evaluate("fetch('/api/me').then((r) => r.json())") is None
    assert not ada.errors


def test_a_guest_tab_whose_player_registered_since_reconnects_as_a_new_guest(
    player: Callable[..., Player],
) -> None:
    ada = player("Ada")
    page = ada.page
    open_room(ada)  # a guest hosting a private room, in one tab
    guest = tab_player(ada)
    assert guest is not None
    copied = page.evaluate("localStorage.getItem('coderace.token')")
    # The guest opens the register page in a new tab (every tab of the browser shares its
    # token), registers as this player, and later logs out, which forgets the token.
    with ada.context.expect_page() as opened:
        page.evaluate("window.open('/register')")
    other = opened.value
    other.wait_for_load_state()
    other.fill("input[name=username]", "Ada")
    other.fill("input[name=password]", "correct horse")
    other.fill("input[name=confirm]", "correct horse")
    other.click("button[type=submit]")
    other.wait_for_url(re.compile(r"/players/"))
    assert other.evaluate("fetch('/api/me').then((r) => r.json())")["player_id"] == guest
    other.goto("/login")
    other.click("#logout-form button")
    other.wait_for_url(re.compile(r"/$"))
    assert page.evaluate("localStorage.getItem('coderace.token')") is None
    # A copy of the guest's token taken before the registration comes back (a restored
    # profile, say): it now names the account's player. The first tab's network drops and
    # comes back: it reconnects with that token; the server answers token_revoked.
    page.evaluate("(token) => localStorage.setItem('coderace.token', token)", copied)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "online")
    ada.context.set_offline(True)
    expect(page.locator("#net-state")).to_have_attribute("data-state", "down")
    ada.context.set_offline(False)
    # Polled from here (a wait_for_function polls by eval, which the CSP forbids).
    deadline = time.monotonic() + 15
    while tab_player(ada) in (None, guest):
        assert time.monotonic() < deadline, "the tab never started afresh as a new guest"
        time.sleep(0.05)
    # The tab goes on as a new guest in the same room: online, its own seat a new one, the
    # account's seat away; it is not logged in.
    expect(page.locator("#net-state")).to_have_attribute("data-state", "online")
    racers = page.locator("#racer-list .person")
    expect(racers).to_have_count(2)
    expect(racers.nth(0)).to_have_class(re.compile(r"\baway\b"))
    expect(racers.nth(0).locator(".you-tag")).to_have_count(0)
    expect(racers.nth(1).locator(".you-tag")).to_have_count(1)
    assert tab_player(ada) not in (None, guest)
    assert page.evaluate("fetch('/api/me').then((r) => r.json())") is None
    assert not ada.errors
