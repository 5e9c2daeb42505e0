"""The network in a real Chromium: a connection lost mid-race pauses typing and says so
(no key is taken that would then be dropped), and a rate-limited room shows its countdown
from the server's ``retry_ms`` and gets in by itself."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import press
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_typing
from tests.browser.test_race import ROOM_URL
from tests.browser.test_race import done_chars
from tests.browser.test_race import practice
from tests.browser.test_rooms import open_room

if TYPE_CHECKING:
    from playwright.sync_api import WebSocketRoute

pytestmark = pytest.mark.integration
expect = playwright_expect()

#: The banner's words while a racer's connection is down (static/js/status.js NET_TEXT).
PAUSED = "Connection lost — typing paused; it resumes when you are back."
#: Longer than the server's stale window (5 s): keys typed offline and sent after this
#: would be flagged, so an honest page must not have taken them.
LONGER_THAN_STALE_S = 5.5


def test_a_lost_connection_pauses_typing_and_loses_no_key(player: Callable[..., Player]) -> None:
    ann = player("Ann")
    sent: list[str] = []
    ann.page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda f: sent.append(f) if '["keys"' in str(f) else None),
    )
    practice(ann)
    keys = ann.snippet_keys()
    third = len(keys) // 3
    type_together([(ann.page, keys[:third])], seed=11)
    time.sleep(0.8)  # every key typed so far is acknowledged
    shown = done_chars(ann)
    batches = len(sent)

    ann.context.set_offline(True)
    expect(ann.page.locator("#net-banner")).to_have_text(PAUSED)
    expect(ann.page.locator("#net-state")).to_have_attribute("data-state", "paused")
    expect(ann.page.locator("#type-input")).to_have_attribute("aria-disabled", "true")
    expect(ann.page.locator("#hint")).to_contain_text("paused")
    for key in keys[third : third + 4]:  # as the banner says: not taken
        press(ann.page, key)
    assert done_chars(ann) == shown
    time.sleep(LONGER_THAN_STALE_S)
    press(ann.page, keys[third])
    assert done_chars(ann) == shown

    ann.context.set_offline(False)
    expect(ann.page.locator("#net-banner")).to_be_hidden()
    expect(ann.page.locator("#net-state")).to_have_attribute("data-state", "online")
    expect(ann.page.locator("#type-input")).to_have_attribute("aria-disabled", "false")
    # Nothing typed before the drop was lost: the caret stays, and no key was dropped.
    assert done_chars(ann) == shown
    expect(ann.page.locator("#notice")).not_to_contain_text("too late")
    assert len(sent) == batches  # nothing typed offline went out afterwards

    type_together([(ann.page, keys[third:])], seed=13)
    expect(ann.page.locator("#results")).to_be_visible()
    row = ann.page.locator("#standings-body tr").first
    expect(row).not_to_contain_text("DNF")
    expect(ann.page.locator(".flag-tag")).to_have_count(0)  # no stale key was sent
    assert not ann.errors


def test_keys_lost_in_a_silent_drop_are_owned_up_to(player: Callable[..., Player]) -> None:
    """The network stalls without the page knowing (no offline event): keys typed then go
    nowhere. Once the page notices (no answer in 2 s) typing pauses; when the network is
    back, too late for those keys, the page says how many were dropped and shows the
    server's position, and the run goes on unflagged."""
    eve = player("Eve")
    stalled = {"on": False}
    waiting: list[WebSocketRoute] = []

    def through(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        ws.on_message(lambda message: None if stalled["on"] else server.send(message))

    def route(ws: WebSocketRoute) -> None:
        if stalled["on"]:
            waiting.append(ws)  # a reconnect hangs until the network is back
        else:
            through(ws)

    eve.page.route_web_socket(re.compile(r"/socket\.io/"), route)
    practice(eve)
    keys = eve.snippet_keys()
    third = len(keys) // 3
    type_together([(eve.page, keys[:third])], seed=21)
    # Every key typed so far is acknowledged. (The page's socket goes through this test's
    # route, which forwards only while Playwright is called: wait in the page, not here.)
    eve.page.wait_for_timeout(800)
    shown = done_chars(eve)

    stalled["on"] = True
    type_together([(eve.page, keys[third : third + 5])], seed=22)  # sent into the void
    assert done_chars(eve) > shown  # the page believed it was online
    expect(eve.page.locator("#net-banner")).to_have_text(PAUSED)
    eve.page.wait_for_timeout(LONGER_THAN_STALE_S * 1000)
    stalled["on"] = False
    for ws in waiting:
        through(ws)
    expect(eve.page.locator("#net-state")).to_have_attribute("data-state", "online", timeout=15_000)
    expect(eve.page.locator("#notice")).to_have_text(
        "5 keys typed just before the connection dropped arrived too late to count; "
        "carry on from the caret."
    )
    assert done_chars(eve) == shown  # the server's position, as the notice says

    type_together([(eve.page, keys[third:])], seed=23)
    expect(eve.page.locator("#results")).to_be_visible()
    expect(eve.page.locator(".flag-tag")).to_have_count(0)  # no stale key was sent
    assert not eve.errors


@pytest.mark.parametrize("live", [{"RATE_LIMITS": "rooms_per_ip=1/4 seconds"}], indirect=True)
def test_a_rate_limited_room_counts_down_and_gets_in_by_itself(
    player: Callable[..., Player],
) -> None:
    bo = player("Bo")
    practice(bo)  # the address's one room of these four seconds
    first = bo.page.url
    bo.page.goto("/")
    bo.page.click("#practise")
    way = bo.page.locator("#wayon")
    expect(way).to_be_visible()
    expect(way.locator("#wayon-msg")).to_have_text(
        re.compile(r"^Too many new rooms from your address; trying again in [1-4] s$")
    )
    expect(bo.page.locator("#snippet-title")).not_to_have_text("Loading…")
    expect(way.locator("a", has_text="Home")).to_be_visible()  # a way out meanwhile
    # It counts down, then tries again by itself: no click, no reload.
    expect(way.locator("#wayon-msg")).to_have_text(re.compile(r"trying again in 1 s$"))
    bo.page.wait_for_url(ROOM_URL, timeout=10_000)
    wait_typing(bo.page)
    assert bo.page.url != first
    expect(way).to_be_hidden()
    expect(bo.page.locator("#snippet-meta")).to_contain_text("Practice")
    assert not bo.errors


@pytest.mark.parametrize("live", [{"RATE_LIMITS": "rooms_per_ip=1/4 seconds"}], indirect=True)
def test_practise_this_snippet_waits_out_the_room_limit_by_itself(
    player: Callable[..., Player],
) -> None:
    host, guest, dee = player("Hana"), player("Gus"), player("Dee")
    link = open_room(host, "python")
    guest.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(2)
    host.page.click("#start-btn")
    wait_typing(guest.page)
    ending = host.page.locator("#end-btn")
    ending.click()
    ending.click()  # the host ends it: results for both
    expect(guest.page.locator("#results")).to_be_visible()
    practice(dee)  # from the same address: the room of these four seconds is spent
    guest.page.click("#practice-btn")  # a new practice room: refused, then again by itself
    expect(guest.page.locator("#act-wayon-msg")).to_contain_text(
        "Too many new rooms from your address; trying again in"
    )
    guest.page.wait_for_url(lambda url: ROOM_URL.search(url) is not None and url != link)
    expect(guest.page.locator("#snippet-meta")).to_contain_text("Practice")
    expect(guest.page.locator("#act-wayon")).to_be_hidden()
    assert not guest.errors


@pytest.mark.parametrize("live", [{"RATE_LIMITS": "events_per_connection=6/second"}], indirect=True)
def test_a_rate_limited_host_action_goes_through_by_itself(
    player: Callable[..., Player],
) -> None:
    host, guest = player("Hana"), player("Gus")
    heard: list[str] = []
    host.page.on("websocket", lambda ws: ws.on("framereceived", lambda f: heard.append(str(f))))
    link = open_room(host, "python")  # its handshake's probes and the create spend the burst
    box = host.page.locator("#lock-box")
    for _ in range(15):  # faster than the budget: many are refused, and waited out
        box.click()
    host.page.wait_for_timeout(2000)  # every wait has run out
    assert any('"rate_limited"' in frame and "retry_ms" in frame for frame in heard)
    expect(host.page.locator("#act-wayon")).to_be_hidden()
    expect(host.page.locator("#notice")).not_to_contain_text("too many")
    locked = box.is_checked()
    # What the box shows is what the server holds: the latest click went through.
    guest.page.goto(link)
    if locked:
        expect(guest.page.locator("#gone-msg")).to_contain_text("locked")
    else:
        expect(guest.page.locator("#racer-list .person")).to_have_count(2)
    assert not host.errors
