"""Browser fixtures: Debian's Chromium driven by Playwright against an in-process server.

Chromium comes from the system (``apt-get install chromium``); Playwright's own browser
download is not used. Without Chromium or Playwright the browser tests skip, except on CI
(``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pytest

from race import create_app
from race.config import Config
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.timing import Timing
from race.corpus import Corpus
from race.corpus import load_dir
from tests.realtime.conftest import write_snippets
from tests.realtime.harness import Server

if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import BrowserContext
    from playwright.sync_api import ConsoleMessage
    from playwright.sync_api import Dialog
    from playwright.sync_api import Error
    from playwright.sync_api import Page
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}

#: Phases short enough for tests, long enough for two browsers to get in; a long grace so a
#: racer whose network drops keeps their seat.
TIMING = Timing(
    quick_countdown_ms=2500,
    join_closes_ms=500,
    private_countdown_ms=1500,
    practice_countdown_ms=800,
    lonely_after_ms=60_000,
    ghost_offer_ms=60_000,
    grace_ms=30_000,
)


def _unavailable(message: str) -> None:
    """Fail on CI, skip elsewhere: CI must never pass by not running the browser."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def playwright_expect() -> Any:
    """Return Playwright's ``expect`` (a test module calls this at import: skip or fail)."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        _unavailable("Playwright is not installed: `pip install playwright`")
        raise
    return expect


def chromium_path() -> str:
    """Return the system Chromium, from CHROMIUM_PATH or the usual places."""
    candidates = [
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    _unavailable("Chromium is not installed: `apt-get install -y chromium` (or set CHROMIUM_PATH)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once for the session."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: `pip install playwright`")
        raise
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """Return the tiny corpus of the realtime tests (one short snippet per language)."""
    return load_dir(write_snippets(tmp_path / "corpus"))


@pytest.fixture
def serve(tmp_path: Path, corpus: Corpus) -> Iterator[Callable[..., Server]]:
    """Return a factory of servers (fresh app, short timings); all stop after the test."""
    servers: list[Server] = []

    def make(timing: Timing = TIMING, settings: dict[str, str] | None = None) -> Server:
        config = Config(
            {
                "CODERACE_INSTANCE": str(tmp_path / f"instance{len(servers)}"),
                "CODERACE_TESTING": "1",
                "CODERACE_WORKER": "threading",
                **(settings or {}),
            }
        ).as_mapping()
        server = Server(create_app({**config, "CORPUS": corpus, "TIMING": timing})).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def live(request: pytest.FixtureRequest, serve: Callable[..., Server]) -> Server:
    """Serve the app with the test timings; indirect parametrisation gives other timings
    (a ``Timing``) or settings (a dict, e.g. ``{"CODERACE_MAX_RACERS": "1.5"}``)."""
    param: Timing | dict[str, str] = getattr(request, "param", TIMING)
    if isinstance(param, dict):
        return serve(TIMING, param)
    return serve(param)


@dataclass
class Player:
    """One browser context (one person) with the page they look at."""

    context: BrowserContext
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Every console error, failed loads included ("... status of 404 ..."): a test that
    #: wants a quiet console asserts on it (going offline logs errors of its own).
    console: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        """Save a screenshot of the whole page under artifacts/screenshots/."""
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def snippet_text(self) -> str:
        """Return the snippet the page shows."""
        return self.page.locator("#code code").text_content() or ""

    def snippet_keys(self) -> list[str]:
        """Return the keys that type the shown snippet exactly (indentation is auto-filled)."""
        return ideal_keys(Course(self.snippet_text()))


@pytest.fixture
def player(browser: Browser, live: Server) -> Iterator[Callable[..., Player]]:
    """Return a factory of players (separate contexts, so separate identities)."""
    made: list[Player] = []

    def make(
        name: str | None = None, viewport: ViewportSize | None = None, **options: Any
    ) -> Player:
        context = browser.new_context(base_url=live.url, viewport=viewport or DESKTOP, **options)
        if name:
            context.add_init_script(f"localStorage.setItem('coderace.name', {json.dumps(name)})")
        page = context.new_page()
        page.set_default_timeout(10_000)
        one = Player(context, page)

        def on_dialog(dialog: Dialog) -> None:
            one.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_error(error: Error) -> None:
            one.errors.append(str(error))

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                one.console.append(message.text)
            # A script, style or socket the Content-Security-Policy blocked is an error too.
            if message.type == "error" and "Content Security Policy" in message.text:
                one.errors.append(message.text)

        page.on("dialog", on_dialog)
        page.on("pageerror", on_error)
        page.on("console", on_console)
        made.append(one)
        return one

    yield make
    for one in made:
        one.context.close()


def gaps(n: int, rng: random.Random, mean_ms: float = 120.0) -> list[float]:
    """Return human-like pauses between keys (lognormal, CV about 0.5), in seconds."""
    sigma = 0.5
    mu = math.log(mean_ms) - sigma**2 / 2
    return [max(45.0, rng.lognormvariate(mu, sigma)) / 1000 for _ in range(n)]


def press(page: Page, key: str) -> None:
    """Press one protocol key as a real key event."""
    if key in ("Enter", "Tab", "Backspace"):
        page.keyboard.press(key)
    elif key == "C-Backspace":
        page.keyboard.press("Control+Backspace")
    else:
        page.keyboard.type(key)


def type_together(streams: list[tuple[Page, list[str]]], seed: int = 1) -> None:
    """Type several key streams at once, each with its own human-like rhythm.

    Each page's next key is due a random pause after its previous one actually went out,
    so keys never bunch up when the driver falls behind.
    """
    rng = random.Random(seed)
    now = time.monotonic()
    due = [now + 0.05 * i for i in range(len(streams))]
    index = [0] * len(streams)
    while True:
        open_ = [i for i, (_, keys) in enumerate(streams) if index[i] < len(keys)]
        if not open_:
            return
        i = min(open_, key=lambda j: due[j])
        wait = due[i] - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        page, keys = streams[i]
        press(page, keys[index[i]])
        index[i] += 1
        due[i] = time.monotonic() + gaps(1, rng)[0]


def wait_phase(page: Page, phase: str, timeout: float = 10_000) -> None:
    """Wait until the race page shows a phase (lobby, countdown, racing, finished)."""
    page.wait_for_selector(f"#race[data-phase={phase}]", timeout=timeout, state="attached")


def wait_typing(page: Page) -> None:
    """Wait until the page takes keys: the race has started, or a practice run waits for
    its first key (which starts its clock)."""
    page.wait_for_function(
        """() => {
          const race = document.getElementById('race');
          const open = race.dataset.phase === 'racing'
            || (race.dataset.kind === 'practice' && race.dataset.phase === 'lobby');
          return open && document.activeElement && document.activeElement.id === 'type-input';
        }"""
    )
