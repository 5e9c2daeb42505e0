"""How long a room's phases last and how long a race may be: the defaults, and the
``Timing`` a room carries (tests shorten it; the rules stay the same)."""

from __future__ import annotations

from dataclasses import dataclass

from race.core.snippet import Snippet

#: A quick race counts down this long once a second racer is in.
QUICK_COUNTDOWN_MS = 12_000
#: Newcomers can still join a counting-down lobby until this long before the start.
JOIN_CLOSES_BEFORE_START_MS = 3_000
PRIVATE_COUNTDOWN_MS = 5_000
PRACTICE_COUNTDOWN_MS = 3_000
#: A lone racer in a quick lobby is offered to race ghosts now (or keep waiting, or
#: practise solo) after this.
GHOST_OFFER_AFTER_MS = 5_000
#: One who keeps waiting is asked again after this.
LONELY_AFTER_MS = 30_000
#: A race against ghosts counts down this long: a human arriving meanwhile races too.
GHOST_COUNTDOWN_MS = 8_000
#: A disconnected player keeps their seat this long.
GRACE_MS = 30_000
MIN_LIMIT_MS = 15_000
MAX_LIMIT_MS = 600_000
#: Default limits give a 20 WPM typist time to finish, within these bounds.
DEFAULT_LIMIT_FLOOR_MS = 60_000
DEFAULT_LIMIT_CEIL_MS = 300_000
SLOW_WPM = 20


@dataclass(frozen=True, slots=True)
class Timing:
    """How long each waiting phase lasts (the constants above; tests shorten them)."""

    quick_countdown_ms: int = QUICK_COUNTDOWN_MS
    join_closes_ms: int = JOIN_CLOSES_BEFORE_START_MS
    private_countdown_ms: int = PRIVATE_COUNTDOWN_MS
    practice_countdown_ms: int = PRACTICE_COUNTDOWN_MS
    lonely_after_ms: int = LONELY_AFTER_MS
    ghost_offer_ms: int = GHOST_OFFER_AFTER_MS
    ghost_countdown_ms: int = GHOST_COUNTDOWN_MS
    grace_ms: int = GRACE_MS


def default_limit_ms(snippet: Snippet) -> int:
    """Return a time limit that lets a slow typist finish, rounded up to 5 seconds."""
    ms = len(snippet.text) * 60_000 // (SLOW_WPM * 5)
    ms = min(max(ms, DEFAULT_LIMIT_FLOOR_MS), DEFAULT_LIMIT_CEIL_MS)
    return -(-ms // 5_000) * 5_000
