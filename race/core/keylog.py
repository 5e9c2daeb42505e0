"""The keystroke log format (JSON Lines): a header, then one line per received batch.

Line 1: ``{"v": 1, "snippet": "<normalised text>", "rules": {...}}`` with optional
``"indent"`` (default ``"spaces:4"``) and ``"limit_ms"`` (the race time limit).
Then one line per batch: ``{"recv_ms": N, "keys": [[t_ms, key], ...]}``; an optional
``"seq"`` is kept for the reader's benefit and ignored by scoring.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from race.core.keys import MAX_T_MS
from race.core.keys import Batch
from race.core.keys import parse_keys
from race.core.rules import Rules
from race.core.snippet import indent_unit

LOG_VERSION = 1
_HEADER_KEYS = frozenset({"v", "snippet", "rules", "indent", "limit_ms"})
_BATCH_KEYS = frozenset({"recv_ms", "keys", "seq"})


class LogError(ValueError):
    """A malformed log; the message names the source and the line."""


@dataclass(frozen=True, slots=True)
class KeyLog:
    """A stored race of one player: what was typed against, and every batch received."""

    snippet: str
    rules: Rules = field(default_factory=Rules)
    indent: str = "spaces:4"
    limit_ms: int | None = None
    batches: tuple[Batch, ...] = ()


def parse_log(lines: Iterable[str], name: str) -> KeyLog:
    """Parse a log's lines; raise ``LogError`` naming ``name`` and the line number."""
    header: dict[str, object] | None = None
    batches: list[Batch] = []
    lineno = 0
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj = _json_object(line, name, lineno)
        if header is None:
            header = obj
            _check_header(header, name, lineno)
            continue
        batches.append(_batch(obj, name, lineno))
    if header is None:
        raise LogError(f"{name}:{max(lineno, 1)}: empty log (no header line)")
    raw_rules = header.get("rules", {})
    assert isinstance(raw_rules, dict)
    limit = header.get("limit_ms")
    return KeyLog(
        snippet=str(header["snippet"]),
        rules=Rules.from_mapping(raw_rules),
        indent=str(header.get("indent", "spaces:4")),
        limit_ms=limit if isinstance(limit, int) else None,
        batches=tuple(batches),
    )


def _json_object(line: str, name: str, lineno: int) -> dict[str, object]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LogError(f"{name}:{lineno}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise LogError(f"{name}:{lineno}: a line must be a JSON object")
    return obj


def _check_header(header: dict[str, object], name: str, lineno: int) -> None:
    where = f"{name}:{lineno}"
    if header.get("v") != LOG_VERSION:
        raise LogError(f'{where}: header must have "v": {LOG_VERSION}')
    unknown = sorted(set(header) - _HEADER_KEYS)
    if unknown:
        raise LogError(f"{where}: unknown header key(s) {', '.join(unknown)}")
    if not isinstance(header.get("snippet"), str) or not header["snippet"]:
        raise LogError(f'{where}: header needs a non-empty "snippet" string')
    rules = header.get("rules", {})
    if not isinstance(rules, dict):
        raise LogError(f'{where}: "rules" must be an object')
    try:
        Rules.from_mapping(rules)
        indent_unit(str(header.get("indent", "spaces:4")))
    except (TypeError, ValueError) as exc:
        raise LogError(f"{where}: {exc}") from None
    limit = header.get("limit_ms")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0):
        raise LogError(f'{where}: "limit_ms" must be a positive integer')


def _batch(obj: dict[str, object], name: str, lineno: int) -> Batch:
    where = f"{name}:{lineno}"
    unknown = sorted(set(obj) - _BATCH_KEYS)
    if unknown:
        raise LogError(f"{where}: unknown batch key(s) {', '.join(unknown)}")
    recv = obj.get("recv_ms")
    if not isinstance(recv, int) or isinstance(recv, bool) or not 0 <= recv <= MAX_T_MS:
        raise LogError(f'{where}: "recv_ms" must be a non-negative integer')
    try:
        keys = parse_keys(obj.get("keys"))
    except ValueError as exc:
        raise LogError(f"{where}: {exc}") from None
    return Batch(recv, keys)


def dump_log(log: KeyLog) -> list[str]:
    """Return the log as JSON lines (no newlines), the inverse of ``parse_log``."""
    header: dict[str, object] = {"v": LOG_VERSION, "snippet": log.snippet}
    header["rules"] = {k: v for k, v in log.rules.to_dict().items() if v != getattr(Rules(), k)}
    if log.indent != "spaces:4":
        header["indent"] = log.indent
    if log.limit_ms is not None:
        header["limit_ms"] = log.limit_ms
    out = [json.dumps(header, separators=(",", ":"), ensure_ascii=False)]
    for b in log.batches:
        batch = {"recv_ms": b.recv_ms, "keys": [list(k) for k in b.keys]}
        out.append(json.dumps(batch, separators=(",", ":"), ensure_ascii=False))
    return out
