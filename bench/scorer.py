"""Print the scorer's throughput in keystrokes per second on a long stream (no assertions)."""

from __future__ import annotations

import random
import sys
import time

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keys import BACKSPACE
from race.core.keys import Key
from race.core.scorer import Typist

LINE = "    result = compute(values[i], factor=2) + offset  # keep going\n"


def long_stream(course: Course, error_rate: float, seed: int = 1) -> list[Key]:
    """Type the course at ~90 WPM with some typos that are backspaced at once."""
    rng = random.Random(seed)
    t, out = 0, []
    for key in ideal_keys(course):
        if rng.random() < error_rate:
            t += rng.randint(60, 200)
            out.append((t, "#"))
            t += rng.randint(60, 200)
            out.append((t, BACKSPACE))
        t += rng.randint(60, 200)
        out.append((t, key))
    return out


def measure(label: str, course: Course, keys: list[Key], batch: int) -> None:
    """Fold the stream in batches a few times and print the best rate."""
    best = float("inf")
    for _ in range(5):
        typist = Typist(course)
        start = time.perf_counter()
        for i in range(0, len(keys), batch):
            typist.feed(keys[i : i + batch])
        best = min(best, time.perf_counter() - start)
    assert typist.finished
    rate = len(keys) / best
    print(f"{label:<44} {len(keys):>9,} keys  {best * 1000:8.1f} ms  {rate:>12,.0f} keys/s")


def main() -> None:
    """Run the scorer benchmarks (``--quick``: a small stream, to check the script runs)."""
    lines = 200 if "--quick" in sys.argv else 20_000
    text = ("def body():\n" + LINE * lines).rstrip()
    course = Course(text)
    print(f"snippet: {len(text):,} chars, {course.typeable:,} typeable")
    clean = long_stream(course, 0.0)
    typos = long_stream(course, 0.03)
    measure("clean stream, batches of 8", course, clean, 8)
    measure("clean stream, one batch", course, clean, len(clean))
    measure("3% typos + backspace, batches of 8", course, typos, 8)
    typist = Typist(course)
    typist.feed(clean)
    start = time.perf_counter()
    figures(typist)
    print(
        f"figures() over {len(typist.typed_by_sec):,} seconds: "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
