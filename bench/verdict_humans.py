"""Print the verdict's false flags on real humans, its catch rate on bots, and its speed.

Reads the Aalto 136M sample from ../shared (never bundled; see docs/anticheat.md).
No assertions: the tests assert, this prints the tables the doc quotes.

    .venv/bin/python bench/verdict_humans.py [--rotations N] [--bots N]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import math
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keys import BACKSPACE
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Key
from race.core.scorer import fold
from race.core.snippet import normalise
from race.core.verdict import REASON_CODES
from race.core.verdict import judge

ROOT = Path(__file__).resolve().parents[1]


def load_support() -> Any:
    """Import tests/humans.py (the dataset replay) from the repository root."""
    sys.path.insert(0, str(ROOT))
    return importlib.import_module("tests.humans")


def lengths(h: Any) -> dict[str, Course]:
    """Return courses of several lengths built from the inline snippets."""
    texts = [text for _, text in h.SNIPPETS]
    return {
        "tiny": Course(normalise("x = [i * i for i in range(10)]\nprint(sum(x))\nreturn x")),
        **{name: course for name, course in h.courses()},
        "all four": Course(normalise("\n".join(texts))),
        "all x3": Course(normalise("\n".join(texts * 3))),
    }


def false_flags(h: Any, courses: dict[str, Course], rotations: int) -> None:
    """Judge every participant, starting at several of their sentences, on every course."""
    people = h.load_humans()
    runs: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for person in people:
        group = person.group if not person.flags or person.group == "flagged" else "fast+flags"
        for off in range(rotations):
            rotated = dataclasses.replace(
                person, sentences=person.sentences[off:] + person.sentences[:off]
            )
            for i, course in enumerate(courses.values()):
                seed = person.pid * 1000 + off * 10 + i
                batches = h.batches(h.stream(rotated, course, seed), seed)
                fig = figures(fold(course, [k for b in batches for k in b.keys]))
                v = judge(course, batches, fig)
                runs[group] += 1
                if v.flagged:
                    flagged[group] += 1
                    reasons.update(f"{group}:{c}" for c in v.codes)
    print(f"\nFalse flags: {rotations} starting sentence(s) x {len(courses)} courses per person")
    print(f"  {'group':16} {'streams':>8} {'flagged':>8} {'rate':>7}")
    for group in ("general_random", "fast", "fast+flags", "flagged"):
        rate = flagged[group] / runs[group] if runs[group] else 0.0
        print(f"  {group:16} {runs[group]:8} {flagged[group]:8} {rate:7.2%}")
    for key, n in sorted(reasons.items()):
        print(f"    {key}: {n}")


def bot_gap(kind: str, amount: float, mean: float, rng: random.Random) -> float:
    """Return one interval of a bot typing at ``mean`` ms with the given jitter."""
    if kind == "uniform":
        return mean * rng.uniform(1 - amount, 1 + amount)
    if kind == "gaussian":
        return rng.gauss(mean, mean * amount)
    if kind == "lognormal":
        return mean * math.exp(rng.gauss(0, amount))
    return mean


def bot_stream(course: Course, kind: str, amount: float, seed: int) -> list[Key]:
    """Type the course perfectly at one mean interval (60-200 ms) with jitter."""
    rng = random.Random(seed)
    mean = rng.choice((60.0, 80.0, 110.0, 150.0, 200.0))
    t, out = rng.randint(300, 900), []
    for key in ideal_keys(course):
        out.append((t, key))
        t += max(0, round(bot_gap(kind, amount, mean, rng)))
    return out


VARIANTS = (
    ("fixed interval", "fixed", 0.0),
    ("uniform +-10%", "uniform", 0.1),
    ("uniform +-20%", "uniform", 0.2),
    ("uniform +-30%", "uniform", 0.3),
    ("gaussian 10%", "gaussian", 0.1),
    ("gaussian 20%", "gaussian", 0.2),
    ("gaussian 30%", "gaussian", 0.3),
    ("lognormal sigma 0.3", "lognormal", 0.3),
)


def bots(h: Any, courses: dict[str, Course], trials: int) -> None:
    """Print the share of jittered bots flagged too_regular, per variant and course length."""
    chosen = {k: courses[k] for k in ("tiny", "python-median", "all four", "all x3")}
    print(f"\nRegularity: share of bots flagged too_regular ({trials} bots per cell)")
    header = "".join(f"{k} ({len(ideal_keys(c))} keys)".rjust(26) for k, c in chosen.items())
    print(f"  {'variant':22}{header}")
    for label, kind, amount in VARIANTS:
        cells = []
        for course in chosen.values():
            caught = 0
            for seed in range(trials):
                keys = bot_stream(course, kind, amount, seed)
                v = judge(course, h.batches(keys, seed), figures(fold(course, keys)))
                caught += "too_regular" in v.codes
            cells.append(f"{caught / trials:.0%}".rjust(26))
        print(f"  {label:22}{''.join(cells)}")
    speedups(h, chosen)


def speedups(h: Any, courses: dict[str, Course]) -> None:
    """Print the share of fast real typists caught once their rhythm is sped up."""
    fast = [p for p in h.load_humans() if p.group == "fast" and not p.flags]
    print(f"\nSpeed: {len(fast)} fast typists' own rhythm scaled to a target WPM")
    print(f"  {'target':22}" + "".join(k.rjust(26) for k in courses))
    for target in (170, 190, 210, 250, 300):
        cells = []
        for course in courses.values():
            caught = 0
            for person in fast:
                keys = h.stream(person, course, person.pid)
                typing = [t for t, k in keys if k not in (BACKSPACE, WORD_BACKSPACE)]
                scale = 12_000 * (len(typing) - 1) / (typing[-1] - typing[0]) / target
                t0 = keys[0][0]
                keys = [(t0 + round((t - t0) * scale), k) for t, k in keys]
                v = judge(course, h.batches(keys, 1), figures(fold(course, keys)))
                caught += "speed_implausible" in v.codes
            cells.append(f"{caught / len(fast):.0%}".rjust(26))
        print(f"  {f'{target} WPM':22}{''.join(cells)}")


def speed(h: Any) -> None:
    """Print judge()'s time on a 5,000-key stream of a real typist."""
    course = Course(normalise("\n".join(text for _, text in h.SNIPPETS * 12)))
    person = next(p for p in h.load_humans() if p.pid == 155979)
    keys = h.stream(person, course, 1)[:5000]
    batches = h.batches(keys, 1)
    fig = figures(fold(course, keys))
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        judge(course, batches, fig)
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"\njudge() on {len(keys):,} keys in {len(batches):,} batches: median "
        f"{statistics.median(samples):.2f} ms, best {min(samples):.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rotations", type=int, default=5, help="starting sentences per person")
    parser.add_argument("--bots", type=int, default=200, help="bots per variant and length")
    args = parser.parse_args()
    h = load_support()
    reason = h.data_missing_reason()
    if reason is not None:
        print(f"bench/verdict_humans.py: {reason}", file=sys.stderr)
        sys.exit(2)
    courses = lengths(h)
    print("reason codes:", ", ".join(REASON_CODES))
    false_flags(h, courses, args.rotations)
    bots(h, courses, args.bots)
    speed(h)


if __name__ == "__main__":
    main()
