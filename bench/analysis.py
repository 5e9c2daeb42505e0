"""Print what the error analysis costs per race on the longest built-in snippet (no
assertions): lexing (cold and cached), the analysis fold, and one player's whole read
path as ``GET /api/races/<id>`` runs it (unpack, parse, analyse, to JSON), plain and in an
eventlet green thread as the worker runs it."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import eventlet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scorer import long_stream
from race.core.analysis import analyse_log
from race.core.analysis import analysis_json
from race.core.course import Course
from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.keylog import parse_log
from race.core.keys import Batch
from race.core.review import review
from race.core.snippet import indent_unit
from race.corpus import builtin
from race.corpus.lexing import token_classes
from race.db.write import pack_log
from race.db.write import unpack_log


def best_ms(work: Callable[[], object], rounds: int) -> float:
    """Return the best wall time of ``rounds`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    """Run the analysis benchmark (``--quick``: few rounds, to check the script runs)."""
    rounds = 3 if "--quick" in sys.argv else 50
    snippet = max(builtin(), key=lambda s: len(s.text))
    course = Course(snippet.text, indent_unit=indent_unit(snippet.indent))
    keys = long_stream(course, 0.03)
    batches = tuple(
        Batch(keys[i + 5][0] if i + 5 < len(keys) else keys[-1][0], tuple(keys[i : i + 6]))
        for i in range(0, len(keys), 6)
    )
    log = KeyLog(snippet.text, indent=snippet.indent, batches=batches)
    stored = pack_log(dump_log(log))
    print(f"snippet {snippet.id} ({snippet.language}): {len(snippet.text)} chars, {len(keys)} keys")

    def cold() -> object:
        token_classes.cache_clear()
        return token_classes(snippet.language, snippet.text)

    classes = token_classes(snippet.language, snippet.text)

    def read() -> object:
        parsed = parse_log(unpack_log(stored), "bench")
        found = analysis_json(analyse_log(parsed, token_classes(snippet.language, parsed.snippet)))
        return json.dumps(found)

    def green() -> object:
        return eventlet.spawn(read).wait()

    rows = [
        ("lex the snippet (cold cache)", cold),
        ("lex the snippet (cached)", lambda: token_classes(snippet.language, snippet.text)),
        ("analysis fold only", lambda: analyse_log(log, classes)),
        ("scorer fold + verdict (for scale)", lambda: review(log)),
        ("one player's read: unpack+parse+analyse+JSON", read),
        ("the same in an eventlet green thread", green),
    ]
    for label, work in rows:
        print(f"{label:<48} {best_ms(work, rounds):8.2f} ms")
    per_player = best_ms(read, rounds)
    print(f"{'a race of 8 players (the API reads all)':<48} {8 * per_player:8.2f} ms")


if __name__ == "__main__":
    main()
