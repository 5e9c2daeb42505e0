"""The snippet library in a real Chromium: the search filters as you type, the language
filter works, Practise opens practice on that very snippet; nothing scrolls sideways on a
phone; assets arrive compressed with hashed URLs and the chart library only with a chart."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import PHONE
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import wait_typing

pytestmark = pytest.mark.integration
expect = playwright_expect()
ROOM_URL = re.compile(r"/r/[A-Za-z0-9_-]{16}$")


def test_search_filters_and_practise_opens_that_snippet(player: Callable[..., Player]) -> None:
    ada = player("Ada")
    ada.page.goto("/snippets")
    cards = ada.page.locator(".snippet-card")
    expect(cards).to_have_count(2)
    expect(ada.page.locator(".snippet-card .tag").first).to_have_text(re.compile("Go|Python"))
    expect(ada.page.locator(".snippet-preview .hljs-keyword").first).to_be_visible()
    ada.page.fill("#library-q", "fmt.Println")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-id", "go-short")
    assert "q=fmt.Println" in ada.page.url
    ada.page.fill("#library-q", "")
    expect(cards).to_have_count(2)
    ada.page.select_option("#library-language", "python")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-id", "py-short")
    ada.shot("library-desktop")
    cards.first.locator("a.practise").click()
    ada.page.wait_for_url(ROOM_URL)
    wait_typing(ada.page)
    expect(ada.page.locator("#snippet-title")).to_have_text("Short Python")
    assert not ada.errors


def test_the_library_fits_a_phone_in_the_dark(player: Callable[..., Player]) -> None:
    bo = player("Bo", viewport=PHONE, color_scheme="dark")
    bo.page.goto("/snippets?language=go")
    expect(bo.page.locator(".snippet-card")).to_have_count(1)
    width = bo.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the library scrolls sideways ({width} px)"
    for label, control in (("library-q", "#library-q"), ("library-language", "#library-language")):
        # A label wraps with its control: the same row, the label just before it.
        tag = bo.page.locator(f"label[for={label}]").bounding_box()
        box = bo.page.locator(control).bounding_box()
        assert tag and box
        assert abs((tag["y"] + tag["height"] / 2) - (box["y"] + box["height"] / 2)) < 4, label
        assert tag["x"] + tag["width"] <= box["x"], label
    bo.shot("library-phone-dark")
    bo.page.goto("/")
    width = bo.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    fits = """e => {
      const s = getComputedStyle(e), pen = document.createElement("canvas").getContext("2d");
      pen.font = s.font;
      const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return pen.measureText(e.placeholder).width <= room;
    }"""
    assert bo.page.locator("#home-name").evaluate(fits), "the name placeholder is cut off"
    label = bo.page.locator("label[for=quick-language]")
    expect(label).to_contain_text("Create a room and Practise")
    bo.shot("landing-phone-dark")
    assert not bo.errors


def test_assets_arrive_compressed_and_uplot_waits_for_a_chart(
    player: Callable[..., Player],
) -> None:
    cy = player("Cy")
    seen: dict[str, dict[str, str]] = {}
    cy.page.on("response", lambda r: seen.setdefault(r.url, r.headers))
    cy.page.goto("/play/practice?language=python")
    wait_typing(cy.page)
    scripts = {url: h for url, h in seen.items() if "/static/js/" in url or "/vendor/" in url}
    assert scripts and all("?v=" in url for url in scripts), sorted(scripts)
    race = next(h for url, h in scripts.items() if "/static/js/race.js" in url)
    assert race.get("content-encoding") in ("br", "gzip")
    assert "immutable" in race.get("cache-control", "")
    assert not any("/vendor/uplot.js" in url for url in seen), "uPlot loaded before a chart"
    assert not cy.errors
