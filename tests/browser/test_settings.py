"""Indentation, readable code and the settings panel in a real Chromium: habitual
indentation absorbed, own indentation, settings kept across a reload, the untyped code's
contrast in both themes, and a countdown that leaves the code alone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from race.core.course import Course
from race.core.rules import CURRENT_RULES
from tests.browser.conftest import DESKTOP
from tests.browser.conftest import PHONE
from tests.browser.conftest import TIMING
from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_phase
from tests.browser.conftest import wait_typing
from tests.browser.test_race import practice
from tests.browser.test_rooms import open_room
from tests.core.habits import habitual_keys

pytestmark = pytest.mark.integration
expect = playwright_expect()

#: The WCAG 2 contrast ratio of every untyped character against the code's background,
#: from computed colors (the character's color at its ancestors' opacity over the code box).
CONTRASTS = """
() => {
  const rgba = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) throw new Error("not an rgb color: " + c);
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const code = document.getElementById("code");
  const bg = rgba(getComputedStyle(code).backgroundColor);
  const out = [];
  for (const ch of code.querySelectorAll(".ch:not(.done)")) {
    if (!ch.textContent.trim()) continue;
    let alpha = 1;
    for (let n = ch; n && n !== code.parentElement; n = n.parentElement)
      alpha *= Number(getComputedStyle(n).opacity);
    const [r, g, b, a] = rgba(getComputedStyle(ch).color);
    const k = alpha * a;
    const fg = [r * k + bg[0] * (1 - k), g * k + bg[1] * (1 - k), b * k + bg[2] * (1 - k)];
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({ ch: ch.textContent, ratio: (hi + 0.05) / (lo + 0.05) });
  }
  return out;
}
"""


#: Every token class the code's colors are given for (static/css/app.css), drawn as an
#: untyped character in the code box, so a color no test snippet shows is measured too.
TOKEN_CLASSES = [
    "attr",
    "attribute",
    "built_in",
    "bullet",
    "comment",
    "doctag",
    "keyword",
    "literal",
    "meta",
    "name",
    "number",
    "params",
    "property",
    "quote",
    "regexp",
    "section",
    "selector-tag",
    "string",
    "subst",
    "symbol",
    "tag",
    "template-variable",
    "title",
    "type",
    "variable",
]
PROBE = """
(classes) => {
  const code = document.querySelector("#code code");
  const probe = document.createElement("span");
  for (const c of classes) {
    const token = document.createElement("span");
    token.className = "hljs-" + c;
    const ch = document.createElement("span");
    ch.className = "ch";
    ch.textContent = "x";
    token.append(ch);
    probe.append(token);
  }
  probe.id = "probe";
  code.append(probe);
}
"""


def race_page_api(one: Player, path: str) -> Any:
    answer = one.page.request.get(path)
    assert answer.ok, path
    ndjson = answer.headers["content-type"].startswith("application/x-ndjson")
    return answer.text() if ndjson else answer.json()


def finished_race(one: Player) -> tuple[str, dict[str, Any]]:
    """Return the race id and the server's record of the race the page just finished."""
    link = one.page.locator("#replay-btn")
    expect(link).to_be_visible()
    race_id = (link.get_attribute("href") or "").rsplit("/", 1)[1]
    return race_id, race_page_api(one, f"/api/races/{race_id}")


def test_habitual_indentation_is_absorbed_and_the_server_agrees(
    player: Callable[..., Player],
) -> None:
    solo = player("Habit")
    practice(solo)
    text = solo.snippet_text()
    keys = habitual_keys(Course(text, CURRENT_RULES), "spaces")
    assert keys.count(" ") > text.count(" ") - text.count("    ") * 4  # indentation typed
    enter = keys.index("Enter")
    type_together([(solo.page, keys[: enter + 3])], seed=3)  # Enter and two habitual spaces
    expect(solo.page.locator("#code .err-run")).to_have_count(0)
    solo.shot("absorbed-indentation-typing")
    type_together([(solo.page, keys[enter + 3 :])], seed=4)
    expect(solo.page.locator("#results")).to_be_visible()
    expect(solo.page.locator("#stats .stat").nth(2)).to_contain_text("100.0")
    race_id, race = finished_race(solo)
    (standing,) = race["standings"]
    assert standing["accuracy"] == 100.0 and standing["completed"]
    log = race_page_api(solo, f"/api/races/{race_id}/log/{standing['player_id']}")
    assert json.loads(log.splitlines()[0])["rules"]["absorb_indent"] is True
    assert not solo.errors


def test_own_indentation_is_typed_and_the_setting_waits_for_the_next_round(
    player: Callable[..., Player],
) -> None:
    solo = player("Own")
    practice(solo)
    keys = solo.snippet_keys()
    type_together([(solo.page, keys[:3])], seed=4)  # the first key started the run
    wait_phase(solo.page, "racing")
    solo.page.click("#settings summary")
    solo.page.check("#set-own-indent")  # mid-run: the server keeps this run as it began
    expect(solo.page.locator("#set-indent-note")).to_have_text("Applies from the next round.")
    expect(solo.page.locator("#code .ch.auto")).not_to_have_count(0)
    solo.page.click("#code")  # back to the code: the keyboard types again
    solo.page.wait_for_function("document.activeElement.id === 'type-input'")
    type_together([(solo.page, keys[3:])], seed=5)
    expect(solo.page.locator("#results")).to_be_visible()
    first_race, _ = finished_race(solo)
    solo.page.click("#again-btn")  # the next run's lobby takes the setting to the seat
    wait_typing(solo.page)
    expect(solo.page.locator("#code .ch.auto")).to_have_count(0)
    expect(solo.page.locator("#set-indent-note")).to_have_text("")
    expect(solo.page.locator("#hint")).to_contain_text("Tab indents")
    text = solo.snippet_text()
    first = text.index("\n") + 1
    line = ["Enter" if c == "\n" else c for c in text[:first]]
    type_together([(solo.page, line)], seed=6)
    expect(solo.page.locator("#code .ch.done")).to_have_count(first)  # nothing filled in
    # The bar measures progress on the room's rules, as every other viewer's page does.
    room_course = Course(text, CURRENT_RULES)
    share = round(100 * (first - room_course.auto_before[first]) / room_course.typeable)
    expect(solo.page.locator("#track [aria-valuenow]")).to_have_attribute(
        "aria-valuenow", str(share)
    )
    rest = text[first:]
    keys = ["Tab" if rest.startswith("    ", i) else c for i, c in enumerate(rest)]
    stream, skip = [], 0
    for key in keys:  # a Tab stands for four spaces
        if skip:
            skip -= 1
            continue
        stream.append("Enter" if key == "\n" else key)
        skip = 3 if key == "Tab" else 0
    type_together([(solo.page, stream)], seed=7)
    expect(solo.page.locator("#results")).to_be_visible()
    race_id, race = finished_race(solo)
    assert race_id != first_race
    (standing,) = race["standings"]
    assert standing["accuracy"] == 100.0 and standing["completed"]
    log = race_page_api(solo, f"/api/races/{race_id}/log/{standing['player_id']}")
    assert json.loads(log.splitlines()[0])["rules"]["skip_indent"] is False
    assert not solo.errors


def test_settings_are_kept_across_a_reload_and_checked_on_read(
    player: Callable[..., Player],
) -> None:
    one = player("Keeper")
    practice(one)
    page = one.page
    page.click("#settings summary")
    page.select_option("#set-size", "20")
    page.uncheck("#set-smooth")
    page.select_option("#set-theme", "dark")
    assert page.evaluate("getComputedStyle(document.getElementById('code')).fontSize") == "20px"
    stored = json.loads(page.evaluate("localStorage.getItem('coderace.settings')"))
    assert stored == {
        "fontSize": 20,
        "smoothCaret": False,
        "ownIndent": False,
        "restartKey": "Shift+Tab",
    }
    page.reload()
    wait_typing(page)
    page.click("#settings summary")
    expect(page.locator("#set-size")).to_have_value("20")
    expect(page.locator("#set-smooth")).not_to_be_checked()
    expect(page.locator("#set-theme")).to_have_value("dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("html")).to_have_class(re.compile("caret-jumps"))
    assert page.evaluate("getComputedStyle(document.querySelector('.caret')).transitionDuration") == "0s"  # fmt: skip  # noqa: E501
    assert page.evaluate("getComputedStyle(document.getElementById('code')).fontSize") == "20px"
    # A value this page did not write is not taken: each bad field reads as its default.
    page.evaluate(
        "localStorage.setItem('coderace.settings', JSON.stringify("
        "{fontSize: 999, smoothCaret: 'no', ownIndent: true, extra: 1}))"
    )
    page.reload()
    wait_typing(page)
    page.click("#settings summary")
    expect(page.locator("#set-size")).to_have_value("")
    expect(page.locator("#set-smooth")).to_be_checked()
    expect(page.locator("#set-own-indent")).to_be_checked()
    page.evaluate("localStorage.setItem('coderace.settings', '[not json')")
    page.reload()
    wait_typing(page)
    expect(page.locator("#set-own-indent")).not_to_be_checked()
    assert page.evaluate("getComputedStyle(document.getElementById('code')).fontSize") == "16px"
    assert not one.errors


@pytest.mark.parametrize(
    ("scheme", "width"), [("light", "desktop"), ("dark", "desktop"), ("dark", "phone")]
)
@pytest.mark.parametrize("live", [replace(TIMING, private_countdown_ms=6000)], indirect=True)
def test_untyped_code_is_readable_and_the_countdown_leaves_it_alone(
    player: Callable[..., Player], scheme: str, width: str
) -> None:
    host = player("Host", color_scheme=scheme, viewport=PHONE if width == "phone" else DESKTOP)
    open_room(host, "python")
    page = host.page
    page.wait_for_selector("#code .hljs-keyword, #code [class^=hljs-]")  # highlighted
    lobby = page.evaluate(CONTRASTS)
    assert len(lobby) > 20
    worst = min(lobby, key=lambda c: c["ratio"])
    assert worst["ratio"] >= 4.5, f"{scheme}: {worst}"
    page.evaluate(PROBE, TOKEN_CLASSES)
    tokens = page.evaluate(CONTRASTS)[len(lobby) :]
    page.evaluate("document.getElementById('probe').remove()")
    assert len(tokens) == len(TOKEN_CLASSES)
    low = [(c, t["ratio"]) for c, t in zip(TOKEN_CLASSES, tokens, strict=True) if t["ratio"] < 4.5]
    assert not low, f"{scheme}: token colors under 4.5:1: {low}"
    page.click("#start-btn")
    wait_phase(page, "countdown")
    countdown = page.locator("#countdown")
    expect(countdown).to_be_visible()
    expect(countdown).to_have_text(re.compile(r"^[1-9]$"))
    during = page.evaluate(CONTRASTS)
    assert min(c["ratio"] for c in during) == pytest.approx(worst["ratio"])  # not dimmed
    digit, code = countdown.bounding_box(), page.locator("#code").bounding_box()
    assert digit is not None and code is not None
    apart = (
        digit["y"] + digit["height"] <= code["y"]
        or digit["x"] + digit["width"] <= code["x"]
        or digit["x"] >= code["x"] + code["width"]
        or digit["y"] >= code["y"] + code["height"]
    )
    assert apart, f"the countdown {digit} covers the code {code}"
    middle = (code["x"] + code["width"] / 2, code["y"] + code["height"] / 2)
    covered = page.evaluate(
        "([x, y]) => !document.getElementById('code').contains(document.elementFromPoint(x, y))",
        list(middle),
    )
    assert not covered, "something is drawn over the middle of the code"
    page.click("#settings summary")
    sticking_out = page.evaluate(
        "[...document.querySelectorAll('#countdown, #settings, #settings *')]"
        ".filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.id)"
    )
    assert not sticking_out, f"past the {width} screen's edge: {sticking_out}"
    host.shot(f"countdown-{scheme}-{width}")
    assert not host.errors


def test_own_indentation_chosen_in_the_lobby_reaches_the_seat(
    player: Callable[..., Player],
) -> None:
    host = player("Lobbyist")
    open_room(host, "python")
    page = host.page
    expect(page.locator("#code .ch.auto")).not_to_have_count(0)
    page.click("#settings summary")
    page.check("#set-own-indent")
    # The code is redrawn from the room view the server sends once the seat has the
    # setting: nothing is filled in for this racer any more.
    expect(page.locator("#code .ch.auto")).to_have_count(0)
    expect(page.locator("#set-indent-note")).to_have_text("")
    page.uncheck("#set-own-indent")
    expect(page.locator("#code .ch.auto")).not_to_have_count(0)
    assert not host.errors
