"""Per-round limits of one racer: how many keys and log bytes a round may hold.

Every batch is checked against these before it is folded or stored, so the work a round
can cost the server (its log in the store, its outbox record, the re-score at its end,
the frames of its replay) is bounded by the snippet, not by how long the round lasts or
how fast a client sends.
"""

from __future__ import annotations

#: Keys a racer may send per character they type themselves ...
KEYS_PER_CHAR = 4
#: ... plus this many more: a sloppy human makes about two keys per character (a wrong
#: key and its Backspace) on a bad stretch; four per character and this slack are far
#: beyond any stream in the human corpus (tests/core/test_bounds.py checks it).
KEY_SLACK = 400
#: Bytes of one racer's log in one round (the stored lines, as the store holds them).
#: An honest run of the longest snippet a host may paste (2,000 characters) stores about
#: 70 KB, and the whole key budget sent in full batches of the widest keys ~240 KB; a
#: client spending it in one-key batches meets this limit first.
MAX_LOG_BYTES = 384 * 1024


def key_budget(typeable: int) -> int:
    """Return how many keys a racer may send in a round of a snippet with ``typeable``
    characters to type (an empty batch counts as one key)."""
    return KEYS_PER_CHAR * typeable + KEY_SLACK


def batch_cost(keys: int) -> int:
    """Return what a batch of ``keys`` keys spends of the key budget."""
    return max(keys, 1)
