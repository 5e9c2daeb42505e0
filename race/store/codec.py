"""Rooms to JSON and back, for stores that keep them outside the process."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from race.core.record import legacy_race_id
from race.core.room import Room
from race.core.room import Seat
from race.core.room import Standing
from race.core.room import lists_results
from race.core.rules import Rules
from race.core.snippet import Snippet
from race.core.timing import Timing

CODEC_VERSION = 1


def encode_room(room: Room) -> str:
    """Return a room as compact JSON."""
    data = asdict(room)
    data["_v"] = CODEC_VERSION
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_room(raw: str | bytes) -> Room:
    """Rebuild a room from ``encode_room``'s JSON."""
    data: dict[str, Any] = json.loads(raw)
    if data.pop("_v", None) != CODEC_VERSION:
        raise ValueError("room was stored by an incompatible version")
    # A room stored by a worker from before race ids were random carries none.
    data.setdefault("race_id", legacy_race_id(data["code"], data["round"]))
    data["snippet"] = Snippet(**data["snippet"])
    data.setdefault("public_results", lists_results(data["kind"], data["snippet"]))
    data["rules"] = Rules(**data["rules"])
    data["timing"] = Timing(**data["timing"])
    data["seats"] = tuple(Seat(**s) for s in data["seats"])
    data["banned"] = tuple(data["banned"])
    data["banned_browsers"] = tuple(data.get("banned_browsers", ()))  # none before kicks held
    data["standings"] = tuple(
        Standing(**{**s, "reasons": tuple(s["reasons"])}) for s in data["standings"]
    )
    return Room(**data)
