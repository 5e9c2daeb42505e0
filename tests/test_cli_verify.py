"""`race verify`: one JSON verdict per log, clear errors for malformed ones, exit status 2."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from race.cli import main
from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.keys import Batch
from race.core.rules import Rules

TEXT = "def area(r):\n    return 3.14159 * r * r\nprint(area(2), area(10))"


def write_log(path: Path, gaps: list[int], keys: list[str]) -> None:
    """Write a human-like log of typing ``keys``, batched every ~200 ms."""
    t, stamped = 0, []
    for gap, key in zip(gaps, keys, strict=True):
        t += gap
        stamped.append((t, key))
    batches = [
        Batch(stamped[i : i + 3][-1][0] + 60, tuple(stamped[i : i + 3]))
        for i in range(0, len(stamped), 3)
    ]
    log = KeyLog(TEXT, Rules(), "spaces:4", 60_000, tuple(batches))
    path.write_text("\n".join(dump_log(log)) + "\n")


def test_verifies_hundreds_of_logs_one_json_line_each(tmp_path: Path) -> None:
    keys = ideal_keys(Course(TEXT))
    paths = []
    for i in range(300):
        rng = random.Random(i)
        path = tmp_path / f"race{i:03}.jsonl"
        write_log(path, [max(20, round(rng.lognormvariate(4.8, 0.45))) for _ in keys], keys)
        paths.append(str(path))
    bot = tmp_path / "bot.jsonl"
    write_log(bot, [45] * len(keys), keys)
    result = CliRunner().invoke(main, ["verify", *paths, str(bot)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 301
    assert set(lines[0]) == {
        "file", "wpm", "raw_wpm", "accuracy", "consistency", "completed", "flagged", "reasons"
    }  # fmt: skip
    assert all(line["completed"] and line["accuracy"] == 100.0 for line in lines)
    assert not any(line["flagged"] for line in lines[:300])
    assert lines[-1]["flagged"] and "too_regular" in [r["code"] for r in lines[-1]["reasons"]]


def test_a_malformed_log_names_file_and_line_and_the_rest_are_verified(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    keys = ideal_keys(Course(TEXT))
    write_log(good, [150] * len(keys), keys)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"v": 1, "snippet": "x", "rules": {}}\n{"recv_ms": 1, "keys": [[1]]}\n')
    missing = tmp_path / "missing.jsonl"
    result = CliRunner().invoke(main, ["verify", str(bad), str(good), str(missing)])
    assert result.exit_code == 2
    assert f"race verify: {bad}:2: keys[0] must be a [t_ms, key] pair" in result.stderr
    assert f"race verify: {missing}:0: cannot read" in result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["file"] for v in verdicts] == [str(good)]


def test_a_log_from_before_absorbed_indentation_verifies_as_it_was_scored(tmp_path: Path) -> None:
    from race.core.rules import CURRENT_RULES
    from tests.core.habits import habitual_keys

    keys = habitual_keys(Course(TEXT, CURRENT_RULES), "spaces")
    paths = []
    for rules in (Rules(), CURRENT_RULES):  # stored before the rule, and after it
        t, stamped = 0, []
        for i, key in enumerate(keys):
            t += 140 + (i * 37) % 90
            stamped.append((t, key))
        batches = tuple(Batch(stamped[i : i + 4][-1][0] + 50, tuple(stamped[i : i + 4])) for i in range(0, len(stamped), 4))  # fmt: skip  # noqa: E501
        path = tmp_path / f"{rules.absorb_indent}.jsonl"
        path.write_text("\n".join(dump_log(KeyLog(TEXT, rules, "spaces:4", 60_000, batches))))
        paths.append(str(path))
    assert '"rules":{}' in Path(paths[0]).read_text()  # what an old log's header says
    result = CliRunner().invoke(main, ["verify", *paths])
    old, new = (json.loads(line) for line in result.output.splitlines())
    assert old["accuracy"] < 100.0  # four errors, as then
    assert new["accuracy"] == 100.0 and new["completed"]
