"""The stored keystroke log format and the wire parsing of keys."""

from __future__ import annotations

import pytest

from race.core.keylog import KeyLog
from race.core.keylog import LogError
from race.core.keylog import dump_log
from race.core.keylog import parse_log
from race.core.keys import MAX_BATCH_KEYS
from race.core.keys import Batch
from race.core.keys import parse_keys
from race.core.rules import Rules


def test_parse_minimal_log_takes_default_rules() -> None:
    log = parse_log(
        [
            '{"v": 1, "snippet": "ab", "rules": {}}',
            '{"recv_ms": 250, "keys": [[100, "a"], [200, "b"]]}',
        ],
        "x.jsonl",
    )
    assert log.rules == Rules() and log.indent == "spaces:4" and log.limit_ms is None
    assert log.batches == (Batch(250, ((100, "a"), (200, "b"))),)


def test_dump_then_parse_round_trips() -> None:
    log = KeyLog(
        snippet="if x:\n\ty",
        rules=Rules(skip_indent=False),
        indent="tab",
        limit_ms=90_000,
        batches=(Batch(10, ((5, "i"), (8, "Enter"))), Batch(400, ((390, "\u00e9"),))),
    )
    assert parse_log(dump_log(log), "mem") == log


@pytest.mark.parametrize(
    ("lines", "where", "message"),
    [
        ([], "f:1", "empty log"),
        (["nope"], "f:1", "not JSON"),
        (["[1]"], "f:1", "JSON object"),
        (['{"v": 2, "snippet": "a"}'], "f:1", '"v": 1'),
        (['{"v": 1, "snippet": ""}'], "f:1", "snippet"),
        (['{"v": 1, "snippet": "a", "rules": {"fast": true}}'], "f:1", "unknown rule"),
        (['{"v": 1, "snippet": "a", "rules": {"max_error_run": 0}}'], "f:1", "max_error_run"),
        (['{"v": 1, "snippet": "a", "extra": 1}'], "f:1", "unknown header"),
        (['{"v": 1, "snippet": "a", "indent": "tabs"}'], "f:1", "indent"),
        (['{"v": 1, "snippet": "a"}', "", '{"recv_ms": -1, "keys": []}'], "f:3", "recv_ms"),
        (['{"v": 1, "snippet": "a"}', '{"recv_ms": 1, "keys": [[1]]}'], "f:2", "keys\\[0\\]"),
        (['{"v": 1, "snippet": "a"}', '{"recv_ms": 1, "keys": [[1.5, "a"]]}'], "f:2", "t_ms"),
        (['{"v": 1, "snippet": "a"}', '{"recv_ms": 1, "keys": [[1, "ab"]]}'], "f:2", "not a key"),
        (
            ['{"v": 1, "snippet": "a"}', '{"recv_ms": 1, "keys": [], "x": 0}'],
            "f:2",
            "unknown batch",
        ),
    ],
)
def test_malformed_logs_name_file_and_line(lines: list[str], where: str, message: str) -> None:
    with pytest.raises(LogError, match=f"^{where}: .*{message}"):
        parse_log(lines, "f")


def test_parse_keys_accepts_specials_and_printable_characters() -> None:
    raw = [[0, "Enter"], [1, "Tab"], [2, "Backspace"], [3, "C-Backspace"], [4, " "], [5, "\u4e2d"]]
    assert parse_keys(raw) == tuple((t, k) for t, k in raw)


@pytest.mark.parametrize(
    "raw",
    [
        "ab",
        [[1, "\n"]],
        [[1, "\x00"]],
        [[True, "a"]],
        [[2**40, "a"]],
        [[1, "a", 3]],
        [{"t": 1}],
        [[0, "a"]] * (MAX_BATCH_KEYS + 1),
        [[1, "Shift"]],
    ],
)
def test_parse_keys_refuses_bad_input(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_keys(raw)
