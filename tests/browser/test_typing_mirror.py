"""The browser's typing mirror (static/js/typing.js) folds keys exactly like the server's scorer."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.rules import Rules
from race.core.scorer import Typist
from race.core.snippet import indent_unit
from race.core.snippet import normalise
from race.corpus import builtin
from tests.core.habits import mixed_keys

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("mirror_driver.mjs")
TYPING_JS = ROOT / "static" / "js" / "typing.js"

EXTRA = [
    ("def f(x):\n\tif x:\n\t\treturn [x, 'é']\n\treturn None", "tab"),
    (
        'fn main() {\n  let v = vec![1, 2];\n  for i in v {\n    println!("{i}");\n  }\n}',
        "spaces:2",
    ),
    ("    x = 1\n  y = 2\n\nz = 'ü🙂' # emoji\n        w", "spaces:4"),
    ("a\n\n\n    b\n\tc", "spaces:8"),
]
#: Rule sets the streams are folded under: the current ones, the old defaults and variants.
RULES: list[dict[str, object]] = [
    {"absorb_indent": True},
    {},
    {"skip_indent": False},
    {"max_error_run": 3},
    {"absorb_indent": True, "max_error_run": 2},
    {"absorb_indent": True, "skip_indent": False},
]
NOISE = [*"abcxyz_01 ({[]}).,;:'\"\\#@!é🙂", "Enter", "Tab", "Backspace", "C-Backspace"]


def node() -> str:
    """Return the node binary, or skip (fail on CI) without it."""
    found = shutil.which("node")
    if found is None:
        message = "node is needed to run the browser's typing rules (make setup installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def stream(rng: random.Random, course: Course) -> list[str]:
    """Return a key stream mixing the right keys with typos, fixes, Tabs and Enters."""
    right = ideal_keys(course)
    keys: list[str] = []
    i = 0
    while i < len(right) and len(keys) < 400:
        roll = rng.random()
        if roll < 0.72:
            keys.append(right[i])
            i += 1
        elif roll < 0.9:
            keys.extend(rng.choice(NOISE) for _ in range(rng.randint(1, 14)))
        else:
            keys.extend(rng.choice(["Backspace", "C-Backspace"]) for _ in range(rng.randint(1, 4)))
            i = max(0, i - rng.randint(0, 3))
    keys.extend(rng.choice(NOISE) for _ in range(rng.randint(0, 5)))
    return keys


def habitual(rng: random.Random, course: Course) -> list[str]:
    """Return a stream of a player who types indentation out of habit after each Enter
    (spaces or Tabs, sometimes too many, sometimes a typo or a fix in the middle)."""
    keys = mixed_keys(rng, course)
    if rng.random() < 0.3:  # and sloppy elsewhere too
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(keys) + 1)
            keys[at:at] = [rng.choice(NOISE) for _ in range(rng.randint(1, 4))]
    return keys[:600]


def cases() -> list[dict[str, Any]]:
    """Return random streams over corpus snippets and awkward hand-made ones: typing with
    typos and fixes, and typing with habitual indentation, under each rule set."""
    rng = random.Random(20240611)
    texts = [(s.text, s.indent) for s in builtin()]
    texts += [(normalise(t, indent), indent) for t, indent in EXTRA]
    out = []
    for n in range(480):
        text, indent = texts[n % len(texts)]
        rules = RULES[n % len(RULES)] if n % 2 else rng.choice(RULES)
        course = Course(text, Rules.from_mapping(rules), indent_unit(indent))
        keys = habitual(rng, course) if n % 3 else stream(rng, course)
        out.append({"text": text, "indent": indent, "rules": rules, "keys": keys})
    return out


def server_states(case: dict[str, Any]) -> list[list[object]]:
    """Fold a case key by key with the server's scorer."""
    rules = Rules.from_mapping(case["rules"])
    course = Course(case["text"], rules, indent_unit(case["indent"]))
    typist = Typist(course)
    states: list[list[object]] = [[typist.pos, typist.error_run, typist.absorb]]
    key: str
    for t, key in enumerate(case["keys"]):
        typist.feed([(t, key)])
        states.append([typist.pos, typist.error_run, typist.absorb])
    return states


def test_browser_mirror_matches_the_server_scorer_key_by_key() -> None:
    all_cases = cases()
    run = subprocess.run(
        [node(), str(DRIVER), str(TYPING_JS)],
        input=json.dumps(all_cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    browser = json.loads(run.stdout)
    assert len(browser) == len(all_cases)
    for case, got in zip(all_cases, browser, strict=True):
        want = server_states(case)
        for i, (mine, theirs) in enumerate(zip(got, want, strict=True)):
            assert mine == theirs, (
                f"after key {i} of {case['keys'][:i]!r} on {case['text']!r}: "
                f"browser {mine}, server {theirs}"
            )


def test_the_cases_cover_absorbed_indentation() -> None:
    """The generated streams do exercise the rule: many keys are absorbed, under its rules."""
    absorbed = 0
    for case in cases():
        if case["rules"].get("absorb_indent") and case["rules"].get("skip_indent", True):
            states = server_states(case)
            absorbed += sum(1 for a, b in itertools.pairwise(states) if b[2] < a[2])
    assert absorbed > 500
