"""The host panel in a real Chromium: the paste box's one limit and its counter, untypeable
characters refused before sending, a time limit that follows the snippet, a picker that
shows what is live, no watch link in a locked room, Rematch at once or in the lobby, and
the host's role passing to the next racer when the host leaves mid-race."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import custom_snippet
from race.core.timing import default_limit_ms
from tests.browser.conftest import DESKTOP
from tests.browser.conftest import PHONE
from tests.browser.conftest import TIMING
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_phase
from tests.browser.conftest import wait_typing
from tests.browser.test_rooms import open_room

pytestmark = pytest.mark.integration
expect = playwright_expect()
FANCY = "done = True  # \u2713\nx = 1 \u2014 2\nprint(done)"
FANCY_WHY = "\u2713 (U+2713), \u2014 (U+2014) cannot be typed on a keyboard"
LONG = "\n".join(f"total_{i} = compute(total_{i - 1}, step={i}) + offset" for i in range(20))


def paste(host: Player, code: str) -> None:
    """Put code in the paste box and send it (the box's own check runs first)."""
    details = host.page.locator("#custom")
    if not details.evaluate("d => d.open"):
        host.page.click("#custom summary")
    host.page.fill("#custom-code", code)
    host.page.click("#custom-form button[type=submit]")


def test_the_paste_box_counts_to_one_limit_and_refuses_what_cannot_be_typed(
    player: Callable[..., Player],
) -> None:
    host = player("Hana")
    link = open_room(host, "python")
    guest = player("Gus")
    guest.page.goto(link)
    title = guest.page.locator("#snippet-title")
    expect(title).to_have_text("Short Python")
    counter = host.page.locator("#custom-count")
    host.page.click("#custom summary")
    expect(counter).to_have_text(f"0 / {MAX_CUSTOM_CHARS:,} characters")

    # Over the one limit: nothing is cut, the counter says by how much, nothing is sent.
    over = ("x = 1\n" * MAX_CUSTOM_CHARS)[: MAX_CUSTOM_CHARS + 1]
    paste(host, over)
    assert len(host.page.input_value("#custom-code")) == MAX_CUSTOM_CHARS + 1
    expect(counter).to_have_text("2,001 / 2,000 characters — 1 over the limit")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    told = "Cannot race this: the code is 2,001 characters; the limit is 2,000."
    expect(host.page.locator("#custom-problem")).to_have_text(told)
    expect(host.page.locator("#notice")).to_have_text(told)
    host.page.set_viewport_size(PHONE)
    host.shot("host-paste-over-limit-375")
    host.page.set_viewport_size(DESKTOP)

    # Characters a keyboard cannot type: named as the server names them, before sending.
    paste(host, FANCY)
    expect(host.page.locator("#custom-problem")).to_have_text(f"Cannot race this: {FANCY_WHY}.")
    expect(host.page.locator("#notice")).to_have_text(f"Cannot race this: {FANCY_WHY}.")
    host.shot("host-paste-untypeable-desktop")
    expect(title).to_have_text("Short Python")  # neither reached the room

    # At the limit exactly (curly quotes become straight ones, as on the server): taken.
    at_limit = "s = \u201cok\u201d\n" + ("x = 1\n" * MAX_CUSTOM_CHARS)[: MAX_CUSTOM_CHARS - 9]
    paste(host, at_limit)
    expect(counter).to_have_text("2,000 / 2,000 characters")
    expect(host.page.locator("#custom-problem")).to_be_hidden()
    expect(title).to_have_text("Custom code")
    expect(guest.page.locator("#code code")).to_contain_text('s = "ok"')
    assert host.errors == [] and guest.errors == []


def test_the_limit_follows_the_snippet_and_the_picker_shows_what_is_live(
    player: Callable[..., Player],
) -> None:
    host = player("Hana")
    page = host.page
    open_room(host, "python")
    limit, note = page.locator("#limit-input"), page.locator("#limit-note")
    live, pick = page.locator("#live-snippet"), page.locator("#pick-snippet")
    expect(live).to_have_text(re.compile(r"^Racing now: Short Python · Python · 3 lines"))
    expect(pick).to_have_value("py-short")
    expect(limit).to_have_value("60")
    expect(note).to_have_text("Follows the snippet's length.")

    paste(host, LONG)  # 20 long lines: a longer limit
    long_s = default_limit_ms(custom_snippet(LONG)) // 1000
    assert long_s > 60
    expect(limit).to_have_value(str(long_s))
    expect(live).to_have_text("Racing now: pasted code · Python · 20 lines")
    expect(pick).to_have_value("custom")
    expect(pick.locator("option:checked")).to_have_text("Pasted code (racing now)")

    page.select_option("#pick-language", "go")
    page.select_option("#pick-snippet", "go-short")
    page.click("#pick-form button[type=submit]")
    expect(live).to_have_text(re.compile(r"^Racing now: Short Go · Go · 3 lines"))
    expect(limit).to_have_value("60")  # 3 lines no longer keep the long limit
    expect(pick).to_have_value("go-short")
    expect(pick.locator("option[value=custom]")).to_have_count(0)

    page.fill("#limit-input", "45")
    page.click("#limit-form button[type=submit]")
    expect(note).to_have_text("Set by you: it stays when the snippet changes.")
    paste(host, LONG)
    expect(live).to_contain_text("pasted code")
    expect(limit).to_have_value("45")  # the host's own limit stays
    page.click("#limit-auto")
    expect(limit).to_have_value(str(long_s))
    expect(note).to_have_text("Follows the snippet's length.")
    expect(page.locator("#limit-auto")).to_be_hidden()

    page.reload()  # the panel opens on what is live: the pasted code, in the paste box
    expect(pick).to_have_value("custom")
    expect(page.locator("#custom-code")).to_have_value(LONG)
    assert host.errors == []


def test_a_locked_room_offers_no_link_to_be_refused_at(player: Callable[..., Player]) -> None:
    host = player("Hana")
    link = open_room(host)
    expect(host.page.locator("#watch-link")).to_be_visible()
    host.page.check("#lock-box")
    expect(host.page.locator("#locked-note")).to_be_visible()
    expect(host.page.locator("#watch-link")).to_be_hidden()
    expect(host.page.locator("#share-link")).to_be_hidden()
    host.shot("host-locked-desktop")
    fan = player("Fan")
    fan.page.goto(f"{link}?watch=1")  # an old link: the server still refuses it
    expect(fan.page.locator("#gone-msg")).to_contain_text("locked")
    expect(fan.page.locator("#gone-msg a")).to_have_count(0)  # and offers no "watch" there
    host.page.uncheck("#lock-box")
    expect(host.page.locator("#watch-link")).to_be_visible()
    expect(host.page.locator("#locked-note")).to_be_hidden()


def race_through(racers: list[Player], seed: int) -> None:
    """Type the snippet to its end on every page; wait for everyone's results."""
    for one in racers:
        wait_typing(one.page)
    type_together([(one.page, one.snippet_keys()) for one in racers], seed=seed)
    for one in racers:
        expect(one.page.locator("#standings-body tr")).to_have_count(len(racers))


def test_rematch_starts_at_once_and_rematch_in_lobby_waits(player: Callable[..., Player]) -> None:
    host, guest = player("Hana"), player("Gus")
    link = open_room(host, "python")
    guest.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(2)
    host.page.click("#start-btn")
    race_through([host, guest], seed=51)
    expect(guest.page.locator("#rematch-btn, #rematch-lobby-btn")).to_have_count(2)
    expect(guest.page.locator("#rematch-btn")).to_be_hidden()
    expect(guest.page.locator("#rematch-lobby-btn")).to_be_hidden()
    expect(host.page.locator("#rematch-lobby-btn")).to_be_visible()
    host.page.click("#rematch-btn")  # no Start needed: straight into the countdown
    for one in (host, guest):
        wait_phase(one.page, "countdown")
        expect(one.page.locator("#results")).to_be_hidden()
    race_through([host, guest], seed=52)
    host.page.click("#rematch-lobby-btn")
    for one in (host, guest):
        wait_phase(one.page, "lobby")
    expect(host.page.locator("#start-btn")).to_be_visible()
    assert host.errors == [] and guest.errors == []


@pytest.mark.parametrize("live", [replace(TIMING, grace_ms=1500)], indirect=True)
def test_the_host_leaving_mid_race_hands_the_room_to_the_next_racer(
    player: Callable[..., Player],
) -> None:
    host, bea, cal = player("Hana"), player("Bea"), player("Cal")
    link = open_room(host, "python")
    bea.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(2)
    cal.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(3)
    host.page.click("#start-btn")
    for one in (host, bea, cal):
        wait_typing(one.page)
    type_together([(bea.page, bea.snippet_keys()[:4]), (cal.page, cal.snippet_keys()[:2])])
    host_lane = bea.page.locator(".lane", has_text="Hana").locator(".host-tag")
    expect(host_lane).to_be_visible()
    expect(bea.page.locator("#end-btn")).to_be_hidden()
    host.context.set_offline(True)  # the host's network drops mid-race, past the grace window

    expect(bea.page.locator("#notice")).to_have_text(
        "Hana left: you are the host now — you can end the race."
    )
    expect(cal.page.locator("#notice")).to_have_text("Hana left: Bea is the host now.")
    expect(cal.page.locator(".lane", has_text="Bea").locator(".host-tag")).to_be_visible()
    expect(cal.page.locator("#end-btn")).to_be_hidden()
    host.context.set_offline(False)  # back: the seat is kept (as gone), the role is not
    expect(host.page.locator("#notice")).to_have_text("Bea is the host now.")
    expect(host.page.locator(".lane", has_text="Bea").locator(".host-tag")).to_be_visible()
    expect(host.page.locator("#end-btn")).to_be_hidden()
    ending = bea.page.locator("#end-btn")
    ending.click()
    ending.click()
    for one in (bea, cal):
        expect(one.page.locator("#results")).to_be_visible()
        expect(one.page.locator("#standings-body tr")).to_have_count(3)
    expect(bea.page.locator("#rematch-btn")).to_be_visible()  # the room is Bea's to run on
    assert bea.errors == [] and cal.errors == []
