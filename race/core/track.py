"""Tracks: ordered steps through the corpus, each a snippet with a goal to reach on it."""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_TRACK_TITLE_CHARS = 80
MAX_TRACK_ABOUT_CHARS = 400
MAX_STEPS = 30
#: A step's accuracy goal, in percent: at least this (a lower goal would teach sloppiness).
MIN_GOAL_ACCURACY = 80
MAX_GOAL_ACCURACY = 100
#: A step's speed goal, in net words per minute.
MIN_GOAL_WPM = 5
MAX_GOAL_WPM = 150
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$")
_TRACK_KEYS = frozenset({"title", "about", "steps"})
_STEP_KEYS = frozenset({"snippet", "accuracy", "wpm"})


@dataclass(frozen=True, slots=True)
class Step:
    """One step: type this snippet at this accuracy (percent) and net speed (WPM) or better."""

    snippet: str
    accuracy: int
    wpm: int


@dataclass(frozen=True, slots=True)
class Track:
    """A named sequence of steps, in the order a learner takes them."""

    id: str
    title: str
    about: str
    steps: tuple[Step, ...]


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty string")
    value = " ".join(value.split())
    if len(value) > limit:
        raise ValueError(f"{key} has {len(value)} characters; the limit is {limit}")
    return value


def _whole(step: Mapping[str, Any], key: str, low: int, high: int, where: str) -> int:
    value = step.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: {key} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{where}: {key} {value} is outside {low}-{high}")
    return value


def make_step(raw: Any, number: int, known: Collection[str]) -> Step:
    """Validate one step table (``number`` counts from 1, for messages)."""
    where = f"step {number}"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} is not a table")
    unknown = sorted(set(raw) - _STEP_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    snippet = raw.get("snippet")
    if not isinstance(snippet, str) or not snippet:
        raise ValueError(f"{where}: snippet must be a snippet id")
    if snippet not in known:
        raise ValueError(f"{where}: no snippet {snippet!r} in the corpus")
    accuracy = _whole(raw, "accuracy", MIN_GOAL_ACCURACY, MAX_GOAL_ACCURACY, where)
    wpm = _whole(raw, "wpm", MIN_GOAL_WPM, MAX_GOAL_WPM, where)
    return Step(snippet, accuracy, wpm)


def make_track(track_id: str, data: Mapping[str, Any], known: Collection[str]) -> Track:
    """Validate a track's data against the snippet ids that exist (``ValueError`` if bad).

    Steps name distinct snippets, and the WPM goal never falls from one step to the next.
    """
    if not _ID_RE.match(track_id):
        raise ValueError(f"track id {track_id!r} must be 2-32 characters of a-z, 0-9 and '-'")
    unknown = sorted(set(data) - _TRACK_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}")
    title = _text(data, "title", MAX_TRACK_TITLE_CHARS)
    about = _text(data, "about", MAX_TRACK_ABOUT_CHARS)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValueError("a track needs at least one [[steps]] table")
    if len(raw_steps) > MAX_STEPS:
        raise ValueError(f"a track has at most {MAX_STEPS} steps, not {len(raw_steps)}")
    steps = tuple(make_step(raw, n, known) for n, raw in enumerate(raw_steps, start=1))
    seen: set[str] = set()
    for n, step in enumerate(steps, start=1):
        if step.snippet in seen:
            raise ValueError(f"step {n}: snippet {step.snippet!r} is already a step")
        seen.add(step.snippet)
        if n > 1 and step.wpm < steps[n - 2].wpm:
            raise ValueError(
                f"step {n}: wpm {step.wpm} is below step {n - 1}'s {steps[n - 2].wpm}"
                " (goals rise along a track)"
            )
    return Track(track_id, title, about, steps)
