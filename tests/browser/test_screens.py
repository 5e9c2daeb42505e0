"""The four pages a newcomer sees, in light and dark, at desktop and phone width: the
landing, a race in progress, its results and the snippet library. Each fits its width
(nothing scrolls sideways), shows no error, and is saved under artifacts/screenshots/
(screens-<page>-<theme>-<width>.png) to be looked at before a release."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.conftest import PHONE
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.test_race import practice

pytestmark = pytest.mark.integration
expect = playwright_expect()


def fits(one: Player, where: str) -> None:
    width = one.page.evaluate("document.documentElement.scrollWidth")
    view = one.page.viewport_size
    assert view and width <= view["width"], f"{where} scrolls sideways ({width} px)"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_each_page_fits_and_is_saved(player: Callable[..., Player], theme: str, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    one = player(f"Shots {theme}", viewport=viewport, color_scheme=theme)
    tag = f"{theme}-{size}"
    one.page.goto("/")
    assert one.page.evaluate("document.documentElement.dataset.theme || ''") in ("", theme)
    fits(one, "the landing")
    one.shot(f"screens-landing-{tag}")

    one.page.goto("/snippets")
    expect(one.page.locator(".snippet-card").first).to_be_visible()
    fits(one, "the library")
    one.shot(f"screens-library-{tag}")

    practice(one)
    keys = one.snippet_keys()
    type_together([(one.page, keys[: len(keys) // 2])], seed=21)
    expect(one.page.locator("#race")).to_have_attribute("data-phase", "racing")
    fits(one, "the race")
    one.shot(f"screens-race-{tag}")

    type_together([(one.page, keys[len(keys) // 2 :])], seed=22)
    expect(one.page.locator("#results")).to_be_visible()
    expect(one.page.locator("#chart canvas").first).to_be_visible()
    fits(one, "the results")
    one.shot(f"screens-results-{tag}")
    assert not one.errors
