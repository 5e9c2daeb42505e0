"""Final standings: order the racers of a round from the server's own figures and verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from race.core.review import Review
from race.core.room import Room
from race.core.room import Standing


def standings(room: Room, reviews: Mapping[str, Review]) -> tuple[Standing, ...]:
    """Rank the racers: finishers by finish time, then the rest by progress; flagged last.

    A racer with no review (never typed) ranks with zero progress.
    """
    rows: list[tuple[tuple[float, ...], Standing]] = []
    for seat in room.racers:
        review = reviews.get(seat.player_id)
        if review is None:
            row = Standing(seat.player_id, seat.name, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, False, False)
            rows.append(((0, 1, 0, 0.0, 0.0), row))
            continue
        fig, verdict = review.figures, review.verdict
        row = Standing(
            player_id=seat.player_id,
            name=seat.name,
            place=0,
            net_wpm=fig.net_wpm,
            raw_wpm=fig.raw_wpm,
            accuracy=fig.accuracy,
            consistency=fig.consistency,
            progress=fig.progress,
            duration_ms=fig.duration_ms,
            completed=fig.completed,
            flagged=verdict.flagged,
            reasons=tuple(r.code for r in verdict.reasons),
        )
        finish = fig.duration_ms if fig.completed else 0
        key = (int(verdict.flagged), int(not fig.completed), finish, -fig.progress, -fig.net_wpm)
        rows.append((key, row))
    rows.sort(key=lambda kv: kv[0])
    return tuple(replace(row, place=i) for i, (_, row) in enumerate(rows, start=1))
