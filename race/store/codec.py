"""Rooms to JSON and back, for stores that keep them outside the process."""

from __future__ import annotations

import json
from dataclasses import asdict
from dataclasses import fields
from typing import Any

from race.core.record import legacy_race_id
from race.core.room import Ghost
from race.core.room import Room
from race.core.room import Seat
from race.core.room import Standing
from race.core.room import lists_results
from race.core.rules import Rules
from race.core.snippet import Snippet
from race.core.timing import Timing

#: 2: rooms carry race ids, listing, banned browsers, abandoned rounds (and ``limit_set``;
#: when absent, a private room's limit stays as it did, others follow their snippet). A worker reads
#: rooms of every version in ``READS`` and ignores fields it does not know (a newer
#: worker's), so the next version can add fields without breaking this one. A field added
#: with a default that means "unknown" keeps the version (a seat's ``conn``: "" when a
#: worker without it wrote the room, and a disconnect then applies as it did before).
CODEC_VERSION = 2
READS = frozenset({1, 2})


def encode_room(room: Room) -> str:
    """Return a room as compact JSON."""
    data = asdict(room)
    data["_v"] = CODEC_VERSION
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_room(raw: str | bytes) -> Room:
    """Rebuild a room from ``encode_room``'s JSON."""
    data: dict[str, Any] = json.loads(raw)
    if data.pop("_v", None) not in READS:
        raise ValueError("room was stored by an incompatible version")
    data = _known(Room, data)
    # A room stored by a worker from before race ids were random carries none.
    data.setdefault("race_id", legacy_race_id(data["code"], data["round"]))
    data["snippet"] = Snippet(**data["snippet"])
    data.setdefault("public_results", lists_results(data["kind"], data["snippet"]))
    # Before limits followed the snippet, a private room's limit stayed as it was.
    data.setdefault("limit_set", data["kind"] == "private")
    # A rule this worker does not know is dropped; one the room's writer did not know
    # takes its default, the rule as it was before (``race.core.rules``).
    data["rules"] = Rules(**_known(Rules, data["rules"]))
    data["timing"] = Timing(**_known(Timing, data["timing"]))
    data["seats"] = tuple(Seat(**_known(Seat, s)) for s in data["seats"])
    data["banned"] = tuple(data["banned"])
    data["banned_browsers"] = tuple(data.get("banned_browsers", ()))  # none before kicks held
    data["standings"] = tuple(
        Standing(**{**_known(Standing, s), "reasons": tuple(s["reasons"])})
        for s in data["standings"]
    )
    data["ghosts"] = tuple(Ghost(**_known(Ghost, g)) for g in data.get("ghosts", ()))
    return Room(**data)


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keep the fields of ``data`` that the record ``kind`` has."""
    names = {f.name for f in fields(kind)}
    return {k: v for k, v in data.items() if k in names}
