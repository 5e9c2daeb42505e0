"""Keystroke streams: the key names, a batch of keys, and strict parsing of wire values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ENTER = "Enter"
TAB = "Tab"
BACKSPACE = "Backspace"
WORD_BACKSPACE = "C-Backspace"
SPECIAL_KEYS = frozenset({ENTER, TAB, BACKSPACE, WORD_BACKSPACE})

#: A key as it travels: milliseconds since the race start, and the key.
Key = tuple[int, str]

#: Timestamps beyond this (about 24 days) are refused outright as nonsense.
MAX_T_MS = 2**31 - 1
#: A single batch may carry at most this many keys (a client sends a batch every ~200 ms).
MAX_BATCH_KEYS = 256


@dataclass(frozen=True, slots=True)
class Batch:
    """Keys the server received together, and when (``recv_ms``, from the race start)."""

    recv_ms: int
    keys: tuple[Key, ...]


def is_key(key: object) -> bool:
    """Tell whether a value names a key: a special key or one printable character."""
    if not isinstance(key, str):
        return False
    if key in SPECIAL_KEYS:
        return True
    return len(key) == 1 and key.isprintable()


def parse_keys(raw: object) -> tuple[Key, ...]:
    """Parse ``[[t_ms, key], ...]`` from the wire; raise ``ValueError`` naming the bad item."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise ValueError("keys must be a list of [t_ms, key] pairs")
    if len(raw) > MAX_BATCH_KEYS:
        raise ValueError(f"a batch holds at most {MAX_BATCH_KEYS} keys, not {len(raw)}")
    keys: list[Key] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Sequence) or isinstance(item, str | bytes) or len(item) != 2:
            raise ValueError(f"keys[{i}] must be a [t_ms, key] pair")
        t, key = item
        if not isinstance(t, int) or isinstance(t, bool) or not -MAX_T_MS <= t <= MAX_T_MS:
            raise ValueError(f"keys[{i}]: t_ms must be an integer of at most {MAX_T_MS}")
        if not is_key(key):
            raise ValueError(f"keys[{i}]: {key!r} is not a key")
        keys.append((t, key))
    return tuple(keys)
