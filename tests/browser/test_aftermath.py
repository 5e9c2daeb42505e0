"""After a race in a real Chromium: results that fit a phone, the stored race waited for
without 404s, the header's time as the server computed it, one primary way on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from race.sink import SinkDown
from tests.browser.conftest import PHONE
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_phase
from tests.browser.conftest import wait_typing
from tests.browser.test_race import practice
from tests.browser.test_rooms import open_room
from tests.realtime.harness import Server

pytestmark = pytest.mark.integration
expect = playwright_expect()

#: Every element wider than the page or sticking out of its right edge (none on a page
#: that fits), and whether the page itself scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")]
    .filter((e) => e.offsetParent !== null && !e.closest(".table-wrap"))
    .filter((e) => e.getBoundingClientRect().right > width + 0.5)
    .map((e) => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className);
  return {out, page: document.documentElement.scrollWidth - width};
}"""


def finish_practice(one: Player) -> None:
    """Practise a snippet from the home page to its results."""
    practice(one)
    type_together([(one.page, one.snippet_keys())], seed=5)
    expect(one.page.locator("#results")).to_be_visible()


def test_the_results_fit_a_phone(player: Callable[..., Player]) -> None:
    ann = player("Ann Long-Name Racer", viewport=PHONE)
    finish_practice(ann)
    expect(ann.page.locator("#chart canvas").first).to_be_visible()
    # Measured once the page is whole: the run's error analysis comes in above the
    # standings a moment after they do, once the race is stored.
    expect(ann.page.locator("#analysis")).to_be_visible(timeout=15_000)
    measured = ann.page.evaluate(OVERFLOW)
    assert measured == {"out": [], "page": 0}, measured
    # The standings scroll inside their box if they must: every column is reachable.
    wrap = ann.page.locator("#results .table-wrap", has=ann.page.locator("table.standings"))
    fits = wrap.evaluate(
        "w => w.scrollWidth <= w.clientWidth || getComputedStyle(w).overflowX === 'auto'"
    )
    assert fits
    for header in ("WPM", "Accuracy", "Time"):
        cell = ann.page.locator(".standings th", has_text=header)
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport()
    ann.shot("results-phone")
    assert not ann.errors


class HeldSink:
    """A results sink that is away until released (the outbox keeps the race meanwhile)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.open = threading.Event()

    def save(self, record: dict[str, Any]) -> None:
        if not self.open.is_set():
            raise SinkDown("held by the test")
        self.real.save(record)


def test_a_race_stored_late_is_waited_for_without_404s(
    player: Callable[..., Player], live: Server
) -> None:
    heartbeat = live.app.extensions["coderace"].heartbeat
    held = heartbeat.sink = HeldSink(heartbeat.sink)
    bo = player("Bo")
    finish_practice(bo)
    bo.page.reload()  # a finished room opened late: its charts come from the stored race
    wait_phase(bo.page, "finished")
    expect(bo.page.locator("#results")).to_be_visible()
    bo.page.wait_for_timeout(2500)  # the page asks a few times while the race is away
    expect(bo.page.locator("#replay-btn")).to_be_hidden()
    held.open.set()
    expect(bo.page.locator("#replay-btn")).to_be_visible(timeout=15_000)
    expect(bo.page.locator("#chart canvas").first).to_be_visible()
    assert not [line for line in bo.console if "404" in line], bo.console
    assert not bo.errors


def test_the_header_gives_the_servers_time_once_the_run_is_done(
    player: Callable[..., Player],
) -> None:
    cy = player("Cy")
    finish_practice(cy)
    time_cell = cy.page.locator("#standings-body tr.me td").last
    shown = time_cell.text_content()
    assert shown and shown.endswith("s")
    expect(cy.page.locator("#clock")).to_have_text(f"your time {shown}")


def primaries(one: Player) -> list[str]:
    """Return the texts of the primary buttons on show in the race page."""
    return one.page.locator("#race .primary:visible").all_text_contents()


def test_one_primary_button_after_a_race(player: Callable[..., Player]) -> None:
    dee = player("Dee")
    finish_practice(dee)
    assert primaries(dee) == ["Next snippet"], primaries(dee)

    host, guest = player("Hana"), player("Gus")
    link = open_room(host, "python")
    guest.page.goto(link)
    expect(host.page.locator("#racer-list .person")).to_have_count(2)
    host.page.click("#start-btn")
    for one in (host, guest):
        wait_typing(one.page)
    type_together([(host.page, host.snippet_keys()), (guest.page, guest.snippet_keys())])
    for one in (host, guest):
        expect(one.page.locator("#results")).to_be_visible()
    expect(host.page.locator("#rematch-btn")).to_be_visible()
    assert primaries(host) == ["Rematch"], primaries(host)
    assert primaries(guest) == ["Practise this snippet"], primaries(guest)
