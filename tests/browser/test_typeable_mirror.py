"""The paste box's check (static/js/typeable.js) says what the server's does, in its words:
the one limit, control characters, and the characters a keyboard cannot type."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

from race.core.snippet import LOOKALIKES
from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import custom_snippet
from tests.browser.test_typing_mirror import node

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("typeable_driver.mjs")
TYPEABLE_JS = ROOT / "static" / "js" / "typeable.js"
#: Typed code, look-alikes, and what cannot be typed: accented and combining letters,
#: symbols, an emoji (two UTF-16 units, one character), invisible marks, control characters.
ALPHABET = [
    *"abc XYZ 019 ()[]{}=+-*/#'\"\\~`",
    "\n",
    "\r\n",
    *LOOKALIKES,
    *"\u2713\u2014\u2013\u00e9\u00fc\u0301\u20ac\u00a7\u2192\U0001f642\u200e\u00ad\u3000",
    *"\x01\x1b\x7f\x85\u2028\ufeff",
]


def server_says(code: str) -> str | None:
    """Return the server's refusal of pasted code (None: taken)."""
    try:
        custom_snippet(code)
    except ValueError as exc:
        return str(exc)
    return None


def test_the_browser_refuses_pasted_code_as_the_server_does_in_its_words() -> None:
    rng = random.Random(15)
    cases = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))) for _ in range(600)]
    cases += ["x" * MAX_CUSTOM_CHARS, "x" * (MAX_CUSTOM_CHARS + 1), "\U0001f642" * 1_500]
    cases += ["".join(rng.sample(ALPHABET[-20:], 14)) + "x"]  # more than five to name
    expected = [server_says(code) for code in cases]
    kept = [(c, e) for c, e in zip(cases, expected, strict=True) if e != "custom code is empty"]
    payload = [{"code": c, "max": MAX_CUSTOM_CHARS, "lookalikes": LOOKALIKES} for c, _ in kept]
    run = subprocess.run(
        [node(), str(DRIVER), str(TYPEABLE_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    said = json.loads(run.stdout)
    assert len(said) == len(kept)
    for (code, server), browser in zip(kept, said, strict=True):
        assert browser == server, code
    outcomes = {str(e).split(" ")[0] for _, e in kept}
    assert {"None", "control", "the"} <= outcomes  # taken, control, over the limit
    assert any(e and e.endswith("cannot be typed on a keyboard") for _, e in kept)
    assert any(e and " more cannot be typed" in e for _, e in kept)
