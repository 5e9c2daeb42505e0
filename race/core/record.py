"""The end of a round, as data: each racer's review of their stored log, the standings
details every player is sent, and the record the results sink stores. Pure."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from race.core.keylog import KeyLog
from race.core.keylog import dump_log
from race.core.keylog import parse_log
from race.core.replay import pack
from race.core.replay import rhythm
from race.core.review import Review
from race.core.review import review
from race.core.room import Room

#: A race id: ``secrets.token_urlsafe(16)``, drawn by the engine when a round opens.
RACE_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
#: How race ids looked before they were opaque (``<room code>.<round>``).
OLD_RACE_ID = re.compile(r"^(?P<code>[A-Za-z0-9_-]{16})\.(?P<round>[0-9]{1,7})$")


def legacy_race_id(code: str, round_: int) -> str:
    """Return the id of a round opened before race ids were drawn at random (a room kept
    across the upgrade, or a record an older worker left in the outbox): a digest of the
    code and round, so every worker derives the same id and none can be read back into
    the code."""
    digest = hashlib.sha256(f"coderace-race:{code}.{round_}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One racer's round as the server judged it from their stored log."""

    review: Review
    #: The full log: its header (the snippet and rules) and the stored lines.
    log: list[str]
    #: The stream's rhythm signature (race.core.replay.pack, base64).
    rhythm: str


def review_racer(room: Room, player_id: str, lines: Sequence[str], end_ms: int) -> Reviewed:
    """Replay one racer's stored lines of the room's round and judge them."""
    rules = room.rules_for(player_id)
    header = dump_log(KeyLog(room.snippet.text, rules, room.snippet.indent, room.limit_ms))
    full = [*header, *lines]
    keylog = parse_log(full, f"{room.code}/{player_id}")
    signature = base64.b64encode(pack(rhythm(keylog.batches))).decode()
    return Reviewed(review(keylog, end_ms=end_ms), full, signature)


def details(reviews: Mapping[str, Review]) -> dict[str, dict[str, Any]]:
    """Return what the ``standings`` message says of each racer beyond their standing."""
    return {
        pid: {
            "series": [asdict(p) for p in r.figures.series],
            "missed": [list(m) for m in r.figures.missed[:10]],
            "correct": r.figures.correct,
            "incorrect": r.figures.incorrect,
            "corrected": r.figures.corrected,
            "reasons": [asdict(reason) for reason in r.verdict.reasons],
        }
        for pid, r in reviews.items()
    }


def record(room: Room, reviewed: Mapping[str, Reviewed]) -> dict[str, Any]:
    """Return the finished race as the results sink receives it."""
    snippet = room.snippet
    reviews = {pid: r.review for pid, r in reviewed.items()}
    return {
        "race_id": room.race_id,
        "code": room.code,
        "round": room.round,
        "kind": room.kind,
        "public": room.public_results,
        "snippet": {
            "id": snippet.id,
            "title": snippet.title,
            "language": snippet.language,
            "difficulty": snippet.difficulty,
            "indent": snippet.indent,
            "text": snippet.text,
        },
        "rules": room.rules.to_dict(),
        "limit_ms": room.limit_ms,
        "starts_at": room.starts_at,
        "finished_at": room.finished_at,
        "standings": [asdict(s) for s in room.standings],
        "series": {pid: [asdict(p) for p in r.figures.series] for pid, r in reviews.items()},
        "missed": {pid: list(r.figures.missed) for pid, r in reviews.items()},
        "logs": {pid: r.log for pid, r in reviewed.items()},
        "rhythms": {pid: r.rhythm for pid, r in reviewed.items()},
    }
