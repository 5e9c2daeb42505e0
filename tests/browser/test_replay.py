"""Replays and ghost races in a real Chromium: a finished practice run raced again as a
ghost, and replayed on its results page at the positions the server computed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.browser.conftest import Player
from tests.browser.conftest import playwright_expect
from tests.browser.conftest import type_together
from tests.browser.conftest import wait_typing
from tests.browser.test_race import practice
from tests.realtime.harness import Server
from tests.realtime.harness import poll_json

pytestmark = pytest.mark.integration
expect = playwright_expect()


def pos_at(frames: list[list[Any]], t: int) -> int:
    """Return the cursor of the frame in force at t (the server's frames)."""
    return int([f for f in frames if f[0] <= t][-1][1])


def test_a_run_is_raced_as_a_ghost_and_replayed(
    player: Callable[..., Player], live: Server
) -> None:
    solo = player("Solo")
    practice(solo)
    keys = solo.snippet_keys()
    text = solo.snippet_text()
    type_together([(solo.page, keys)], seed=11)
    # Offered once the race is stored (a moment after it ends), so the link works at once.
    ghost_link = solo.page.locator("#ghost-btn")
    expect(ghost_link).to_be_visible()
    expect(solo.page.locator("#replay-btn")).to_be_visible()
    href = ghost_link.get_attribute("href") or ""
    race_id, player_id = href.split("ghost=", 1)[1].replace("%3A", ":").split(":")
    ghost_link.click()

    # Race against it: the same snippet, a second lane, and a caret that moves on its own.
    wait_typing(solo.page)
    expect(solo.page.locator("#notice")).to_be_hidden()
    answer = requests.get(f"{live.url}/api/races/{race_id}/trace", timeout=5)
    assert answer.status_code == 200, (href, answer.status_code, answer.text[:300])
    (run,) = answer.json()["players"]
    assert run["player_id"] == player_id and run["frames"][-1][1] == len(text)
    assert solo.snippet_text() == text
    ghost = solo.page.locator("#code .ghost")
    expect(ghost).to_have_count(1)
    expect(ghost.locator(".tag")).to_have_text("Solo (ghost)")
    expect(solo.page.locator(".lane.ghost-lane")).to_have_count(1)
    before = ghost.evaluate("n => n.style.transform")
    solo.page.wait_for_timeout(1500)
    assert ghost.evaluate("n => n.style.transform") != before, "the ghost did not move"
    solo.shot("ghost-race-desktop")
    # A reload comes back to the room and to its ghost.
    assert f"ghost={race_id}" in solo.page.url.replace("%3A", ":")
    code = solo.page.url.split("/r/", 1)[1].split("?")[0]
    solo.page.reload()
    wait_typing(solo.page)
    expect(solo.page.locator("#code .ghost .tag")).to_have_text("Solo (ghost)")
    type_together([(solo.page, keys)], seed=12)
    expect(solo.page.locator("#results")).to_be_visible()
    said = solo.page.locator("#ghost-result").text_content() or ""
    shown = re.search(r"([0-9.]+) WPM", said)
    assert shown and abs(float(shown.group(1)) - run["net_wpm"]) <= 0.05, said
    expect(solo.page.locator("#replay-btn")).to_be_visible(timeout=15_000)
    stored = (solo.page.locator("#replay-btn").get_attribute("href") or "").split("/races/")[1]
    assert stored != race_id and code not in stored  # this round's own random id
    mine = poll_json(f"{live.url}/api/races/{stored}/trace")["players"][0]
    won = mine["duration_ms"] < run["frames"][-1][0]
    assert said.startswith("You beat the ghost." if won else "The ghost won."), said
    assert not solo.errors

    # The replay of the first run: the race as it ended, then any moment of it.
    solo.page.goto(f"/races/{race_id}")
    expect(solo.page.locator(".replay-controls")).to_be_visible()
    expect(solo.page.locator("#replay-track .lane")).to_have_count(1)
    expect(solo.page.locator("#replay-track .you-tag")).to_be_hidden()
    done = solo.page.locator("#replay-code .ch.done")
    expect(done).to_have_count(len(text))
    seek = "(n, t) => { n.value = String(t); n.dispatchEvent(new Event('input')); }"
    middle = run["frames"][-1][0] // 2 + 3
    solo.page.eval_on_selector("#replay-seek", seek, middle)
    expect(done).to_have_count(pos_at(run["frames"], middle))
    solo.page.focus("#replay-seek")
    solo.page.keyboard.press("ArrowLeft")  # a second back
    expect(done).to_have_count(pos_at(run["frames"], middle - 1000))
    solo.page.click("#replay-play")
    expect(solo.page.locator("#replay-play")).to_have_attribute("aria-pressed", "true")
    solo.page.select_option("#replay-speed", "4")
    expect(done).to_have_count(len(text), timeout=15_000)
    expect(solo.page.locator("#replay-play")).to_have_attribute("aria-pressed", "false")
    solo.shot("replay-desktop")
    assert not solo.errors


def test_a_broken_ghost_link_still_opens_a_practice_run(player: Callable[..., Player]) -> None:
    solo = player("Solo")
    solo.page.goto("/play/practice?ghost=AAAAAAAAAAAAAAAAAAAAAA:p0000000000000000")
    wait_typing(solo.page)
    expect(solo.page.locator("#notice")).to_contain_text("No ghost to race")
    expect(solo.page.locator("#code .ghost")).to_have_count(0)
    expect(solo.page.locator(".lane")).to_have_count(1)
