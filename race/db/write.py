"""Saving a finished race record (``race.core.record.record``), exactly once.

The race row's key is the race id and each result's unique key is (race, player); every
insert is ``ON CONFLICT DO NOTHING``, and the bests are only counted by the call that
inserted the race, so a retried or duplicated record adds nothing. The caller commits.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import zlib
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from race.core.keylog import parse_log
from race.core.record import OLD_RACE_ID
from race.core.record import legacy_race_id
from race.core.replay import MIN_INTERVALS
from race.core.replay import same_rhythm
from race.core.replay import unpack
from race.core.snippet import Snippet as CorpusSnippet
from race.core.trace import trace
from race.db import bests
from race.db.dialect import insert
from race.db.models import KeyLog
from race.db.models import Player
from race.db.models import Race
from race.db.models import Rejected
from race.db.models import Result
from race.db.models import Snippet

log = logging.getLogger(__name__)

#: The reason code a replayed stream is flagged with (added when the race is stored).
REPLAYED = "replayed_log"
#: Stored results a new one is compared with: the fastest on the same snippet version.
REPLAY_CANDIDATES = 50


def from_ms(ms: int) -> datetime:
    """Return an aware UTC datetime for server milliseconds since the epoch."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def content_hash(indent: str, text: str) -> str:
    """Return the version key of a snippet's text (with its indent style)."""
    return hashlib.sha256(f"{indent}\n{text}".encode()).hexdigest()


def snippet_version(session: Session, snippet: dict[str, Any], now: datetime) -> int:
    """Return the id of this exact snippet text, adding the version if it is new."""
    digest = content_hash(snippet["indent"], snippet["text"])
    slug = str(snippet["id"])
    stmt = insert(session, Snippet).values(
        slug=slug,
        content_hash=digest,
        title=snippet["title"],
        language=snippet["language"],
        difficulty=snippet["difficulty"],
        indent=snippet["indent"],
        text=snippet["text"],
        created_at=now,
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["slug", "content_hash"]))
    found = select(Snippet.id).where(Snippet.slug == slug, Snippet.content_hash == digest)
    return int(session.scalars(found).one())


def sync_corpus(session: Session, snippets: Iterable[CorpusSnippet], now: datetime) -> int:
    """Add the version of every corpus snippet that is not stored yet; return how many."""
    known = {
        (slug, digest)
        for slug, digest in session.execute(select(Snippet.slug, Snippet.content_hash))
    }
    added = 0
    for s in snippets:
        if (s.id, content_hash(s.indent, s.text)) not in known:
            fields = ("id", "title", "language", "difficulty", "indent", "text")
            snippet_version(session, {k: getattr(s, k) for k in fields}, now)
            added += 1
    return added


def touch_player(session: Session, player_id: str, name: str, now: datetime) -> None:
    """Add a guest on first sight; a guest's name follows their latest result."""
    stmt = insert(session, Player).values(id=player_id, name=name, created_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Player.id],
        set_={"name": stmt.excluded.name},
        where=Player.username.is_(None),
    )
    session.execute(stmt)


def pack_log(lines: list[str], name: str = "log") -> KeyLog:
    """Return a keystroke log (its JSONL lines) compressed for storage, with the frames
    of its replay computed once, here (a log that cannot be traced keeps none)."""
    raw = "\n".join(lines).encode()
    try:
        frames = json.dumps(trace_json(lines, name))
    except ValueError as exc:  # a LogError: never expected of a log the server wrote
        log.error("%s: no frames for an unreadable log: %s", name, exc)
        packed = None
    else:
        packed = zlib.compress(frames.encode(), 6)
    return KeyLog(
        codec="zlib",
        data=zlib.compress(raw, 6),
        lines=len(lines),
        size=len(raw),
        frames=packed,
    )


def unpack_log(log: KeyLog) -> list[str]:
    """Return the JSONL lines of a stored keystroke log."""
    if log.codec != "zlib":
        raise ValueError(f"unknown keylog codec {log.codec!r}")
    raw = zlib.decompress(log.data).decode()
    return raw.split("\n") if raw else []


def trace_json(lines: list[str], name: str) -> list[list[object]]:
    """Return the frames of a log's replay as the API serves them (raises ``LogError``)."""
    return [f.as_json() for f in trace(parse_log(lines, name))]


def unpack_frames(log: KeyLog) -> list[list[object]] | None:
    """Return the stored frames of a log's replay, or None if it has none."""
    if log.frames is None:
        return None
    if log.codec != "zlib":
        raise ValueError(f"unknown keylog codec {log.codec!r}")
    frames: list[list[object]] = json.loads(zlib.decompress(log.frames))
    return frames


def save_race(session: Session, record: dict[str, Any], now: datetime | None = None) -> bool:
    """Write a finished race and its results; False if the race was already saved."""
    now = now or datetime.now(UTC)
    snippet = record["snippet"]
    snippet_id = snippet_version(session, snippet, now)
    finished = from_ms(int(record["finished_at"]))
    race_id = str(record["race_id"])
    if OLD_RACE_ID.match(race_id):  # left in the outbox by a worker from before 0004
        if _saved_before(session, str(record["code"]), int(record["round"])):
            return False
        race_id = legacy_race_id(str(record["code"]), int(record["round"]))
    race = {
        "id": race_id,
        "code": str(record["code"]),
        "round": int(record["round"]),
        "mode": str(record["kind"]),
        "language": str(snippet["language"]),
        "snippet_id": snippet_id,
        "rules": dict(record["rules"]),
        "limit_ms": int(record["limit_ms"]),
        "started_at": from_ms(int(record["starts_at"])),
        "finished_at": finished,
        "public": listed(record),
    }
    added = session.execute(
        insert(session, Race).values(race).on_conflict_do_nothing(index_elements=[Race.id])
    )
    if added.rowcount == 0:  # type: ignore[attr-defined]
        return False
    series, missed, logs = record["series"], record["missed"], record["logs"]
    signatures = {str(pid): base64.b64decode(sig) for pid, sig in record.get("rhythms", {}).items()}
    copied = replayed(session, snippet_id, signatures)
    for standing in record["standings"]:
        pid = str(standing["player_id"])
        reasons = list(standing.get("reasons", []))
        if pid in copied:
            reasons.append(REPLAYED)
        touch_player(session, pid, standing["name"], now)
        result = Result(
            race_id=race["id"],
            player_id=pid,
            name=standing["name"],
            place=int(standing["place"]),
            net_wpm=float(standing["net_wpm"]),
            raw_wpm=float(standing["raw_wpm"]),
            accuracy=float(standing["accuracy"]),
            consistency=float(standing["consistency"]),
            progress=float(standing["progress"]),
            duration_ms=int(standing["duration_ms"]),
            completed=bool(standing["completed"]),
            flagged=bool(standing["flagged"]) or pid in copied,
            reasons=reasons,
            series=[[p["wpm"], p["raw"], p["errors"]] for p in series.get(pid, [])],
            missed=[list(m) for m in missed.get(pid, [])],
            language=race["language"],
            snippet_id=snippet_id,
            finished_at=finished,
            rhythm=signatures.get(pid),
            public=race["public"],
        )
        session.add(result)
        session.flush()
        if pid in logs:
            keylog = pack_log([str(line) for line in logs[pid]], f"{race['id']}/{pid}")
            keylog.result_id = result.id
            session.add(keylog)
        if bests.eligible(result.completed, result.flagged, str(snippet["id"]), result.public):
            bests.record(session, result, now)
    session.flush()
    return True


def listed(record: dict[str, Any]) -> bool:
    """Tell whether a finished race shows on boards and strangers' views of profiles: as
    its room said (``public``), else quick races and practice on corpus snippets."""
    if "public" in record:
        return bool(record["public"])
    return str(record["kind"]) != "private" and str(record["snippet"]["id"]) != bests.CUSTOM


def _saved_before(session: Session, code: str, round_: int) -> bool:
    """Tell whether a round was saved before migration 0004 gave it a random id."""
    found = select(Race.id).where(Race.code == code, Race.round == round_).limit(1)
    return session.scalar(found) is not None


def replayed(session: Session, snippet_id: int, signatures: dict[str, bytes]) -> set[str]:
    """Return the players whose rhythm copies a stored result or another racer's here.

    Compared with the fastest ``REPLAY_CANDIDATES`` stored results on the same snippet
    version (what a cheater would copy) and with each other.
    """
    mine = {pid: unpack(sig) for pid, sig in signatures.items() if sig}
    mine = {pid: sig for pid, sig in mine.items() if len(sig) >= MIN_INTERVALS}
    if not mine:
        return set()
    query = (
        select(Result.rhythm)
        .where(Result.snippet_id == snippet_id, Result.rhythm.is_not(None))
        .order_by(Result.net_wpm.desc())
        .limit(REPLAY_CANDIDATES)
    )
    stored = [unpack(raw) for raw in session.scalars(query) if raw]
    copied = {pid for pid, sig in mine.items() if any(same_rhythm(sig, old) for old in stored)}
    pids = sorted(mine)
    for i, a in enumerate(pids):
        for b in pids[i + 1 :]:
            if same_rhythm(mine[a], mine[b]):
                copied |= {a, b}
    return copied


def reject(session: Session, record: dict[str, Any], error: str) -> None:
    """Keep a record that can never be saved, with the reason, for a person to look at."""
    stmt = insert(session, Rejected).values(
        race_id=str(record.get("race_id", "?"))[:64],
        payload=json.dumps(record),
        error=error[:2000],
        created_at=datetime.now(UTC),
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["race_id"]))
