"""A race tab open when its account logs out in another tab: it says so and reloads as a
guest (``session_revoked``, ``static/js/net.js``)."""

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

pytestmark = pytest.mark.integration
expect = playwright_expect()


def tab_player(one: Player) -> str | None:
    """Return the player id in the tab's token (its payload is base64 JSON), or None."""
    token = one.page.evaluate("sessionStorage.getItem('coderace.token')")
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
    while page.evaluate("sessionStorage.getItem('coderace.token')") is None:
        assert time.monotonic() < deadline, "the reloaded tab never got a guest token"
        time.sleep(0.05)
    assert tab_player(ada) not in (None, account)  # a new guest
    assert page.evaluate("fetch('/api/me').then((r) => r.json())") is None
    assert not ada.errors
