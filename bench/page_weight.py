"""Page weight and typing latency, measured in a real Chromium (Playwright).

Starts one embedded CodeRace (``python -m race.serve``, SQLite under a temporary folder),
then, each in a fresh browser context (an empty cache):

- bytes transferred per page: the encoded (compressed) body of every request the page
  makes until the network is idle (Playwright's ``request.sizes()``; WebSocket frames
  not counted), for the landing page, the race page (solo practice, ready to type), the
  results (the extra the race page fetches when a run ends: the chart library), the
  finished race's own page, and the snippet library; plus the race page visited again
  (what a warm cache still fetches);
- key press -> screen on the race page: from each keydown's timestamp to the first frame
  after the code display changed (requestAnimationFrame, then a task: the paint), p50/p95.

Prints figures; asserts nothing. ``make bench-pages``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from race.core.course import Course
from race.core.course import ideal_keys
from race.corpus import builtin

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]

#: Collected on the race page: keydown time stamps, and the latency of each key (ms).
PROBE = """
window.__lat = [];
let pending = null;
document.addEventListener("keydown", (e) => { pending = e.timeStamp; }, true);
new MutationObserver(() => {
  if (pending === null) return;
  const t0 = pending;
  pending = null;
  requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t0)));
}).observe(document, { subtree: true, childList: true, attributes: true,
  characterData: true });
"""


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start one embedded worker; return it and its URL once it answers."""
    port = free_port()
    env = {**os.environ, "CODERACE_INSTANCE": str(folder), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "race.serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


class Meter:
    """Counts the encoded body bytes of every finished request of one page."""

    def __init__(self, page: Any) -> None:
        self.requests: list[Any] = []
        page.on("requestfinished", self.remember)

    def remember(self, request: Any) -> None:
        """Keep a finished request (Playwright's handlers must be Python functions)."""
        self.requests.append(request)

    def total(self) -> tuple[int, int]:
        """Return (bytes, requests) so far, and start counting afresh."""
        done, self.requests = self.requests, []
        sizes = [r.sizes()["responseBodySize"] for r in done]
        fetched = [size for size in sizes if size > 0]  # the cache's answers count -1 or 0
        return sum(fetched), len(fetched)


def weigh(browser: Any, url: str) -> tuple[int, int]:
    """Return the bytes and requests of one page opened with an empty cache."""
    context = browser.new_context()
    page = context.new_page()
    meter = Meter(page)
    page.goto(url, wait_until="networkidle")
    figures = meter.total()
    context.close()
    return figures


def race_page(browser: Any, base: str, snippet: str, report: dict[str, tuple[int, int]]) -> str:
    """Weigh the race page, type the snippet for the latency, weigh the results; return the
    finished race's page URL."""
    context = browser.new_context(base_url=base)
    context.add_init_script(PROBE)
    page = context.new_page()
    meter = Meter(page)
    page.goto(f"/play/practice?snippet={snippet}", wait_until="networkidle")
    # Ready to type: a practice run waits for its first key, the typing area focused.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'type-input'", timeout=15_000
    )
    report["race page"] = meter.total()
    shown = page.locator("#code code").text_content() or ""  # the text the page shows
    for key in ideal_keys(Course(shown)):
        if key in ("Enter", "Tab", "Backspace"):
            page.keyboard.press(key)
        else:
            page.keyboard.type(key)
        time.sleep(0.07)
    page.wait_for_selector("#results:not([hidden])", timeout=15_000)
    page.wait_for_selector("#chart canvas", timeout=15_000)
    page.wait_for_load_state("networkidle")
    report["results (extra, on the race page)"] = meter.total()
    latencies = page.evaluate("window.__lat")
    report["__latency"] = latencies
    page.wait_for_selector("#replay-btn:not([hidden])", timeout=15_000)
    href = page.get_attribute("#replay-btn", "href") or ""
    meter.total()  # the page's polls for the stored race are not the reload's
    page.reload(wait_until="networkidle")
    page.wait_for_selector("#race", state="attached")
    report["race page again (warm cache)"] = meter.total()
    context.close()
    return href


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", ""))
    args = parser.parse_args()
    executable = args.chromium or shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    shortest = min((s for s in builtin() if s.language == "python"), key=lambda s: len(s.text))
    folder = Path(tempfile.mkdtemp(prefix="coderace-pages-"))
    proc, base = start_server(folder)
    report: dict[str, Any] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            report["landing"] = weigh(browser, f"{base}/")
            href = race_page(browser, base, shortest.id, report)
            if href:
                report["finished race page"] = weigh(browser, base + href)
            report["snippet library"] = weigh(browser, f"{base}/snippets")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    latencies = sorted(report.pop("__latency"))
    print(f"Bytes transferred (compressed bodies), fresh cache; snippet {shortest.id}")
    for name, (size, count) in report.items():
        print(f"  {name:36} {size / 1024:7.1f} KB  {count:3d} requests")
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        print(f"Key press -> screen on the race page: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        print(f"  ({len(latencies)} keys, normal CPU)")


if __name__ == "__main__":
    main()
