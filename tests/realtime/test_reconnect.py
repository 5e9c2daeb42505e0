"""Reconnect: a dropped racer keeps their seat, resumes where the server says, and finishes."""

from __future__ import annotations

import time
from collections.abc import Callable

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.figures import figures
from race.core.keys import Key
from race.core.scorer import fold
from tests.realtime.harness import Client
from tests.realtime.harness import human_gaps
from tests.realtime.harness import server_ms


def send_paced(client: Client, stamped: list[Key], starts_at: int, batch: int = 4) -> None:
    """Send already-timestamped keys in real time."""
    for i in range(0, len(stamped), batch):
        chunk = stamped[i : i + batch]
        wait = starts_at + chunk[-1][0] - server_ms()
        if wait > 0:
            time.sleep(wait / 1000)
        assert client.send_keys(chunk)["ok"]


def test_racer_reconnects_mid_race_and_result_matches_uninterrupted_run(
    connect: Callable[..., Client],
) -> None:
    a, b = connect("Ann"), connect("Ben")
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    a.ok("start", {"code": code})
    room = a.wait("room", lambda r: r["phase"] == "countdown")
    starts_at = room["starts_at"]
    course = Course(room["snippet"]["text"])
    keys = ideal_keys(course)
    t, stamped = max(server_ms(), starts_at) - starts_at + 100, []
    for gap, key in zip(human_gaps(len(keys), 120.0, seed=3), keys, strict=True):
        t += gap
        stamped.append((t, key))
    # Typos and a correction in the middle, so the resumed state includes an error run.
    half = len(stamped) // 2
    t_mid = stamped[half - 1][0]
    fix = [
        (t_mid + 30, "#"),
        (t_mid + 60, "#"),
        (t_mid + 200, "Backspace"),
        (t_mid + 290, "Backspace"),
    ]
    stamped[half:half] = fix
    stamped[half + 4 :] = [(tt + 400, k) for tt, k in stamped[half + 4 :]]

    send_paced(a, stamped[: half + 2], starts_at)
    before = a.seq
    a.close()
    view = b.wait("room", lambda r: not r["racers"][0]["connected"])
    assert view["racers"][0]["id"] == a.id and not view["racers"][0]["left"]

    back = connect(token=a.token)
    assert back.id == a.id
    resumed = back.ok("join", {"code": code})
    you = resumed["you"]
    assert you["seq"] == before and you["error_run"] == "##"
    assert you["pos"] == fold(course, stamped[: half + 2]).pos
    assert resumed["room"]["racers"][0]["connected"]

    # A duplicate of the last acknowledged batch changes nothing.
    back.seq = before - 1
    dup = back.send_keys([list(k) for k in stamped[half - 2 : half + 2]])  # type: ignore[misc]
    assert dup["ok"] and dup["duplicate"] and dup["seq"] == before and dup["error_run"] == "##"
    back.seq = before

    send_paced(back, stamped[half + 2 :], starts_at)
    b.ok("leave", {"code": code})
    standing = next(s for s in back.wait("standings")["standings"] if s["player_id"] == a.id)
    uninterrupted = figures(fold(course, stamped))
    assert standing["completed"]
    assert standing["net_wpm"] == uninterrupted.net_wpm
    assert standing["raw_wpm"] == uninterrupted.raw_wpm
    assert standing["accuracy"] == uninterrupted.accuracy < 100.0
    assert standing["duration_ms"] == uninterrupted.duration_ms


def test_seq_gap_is_refused_and_changes_nothing(connect: Callable[..., Client]) -> None:
    a = connect()
    room = a.ok("practice", {"snippet_id": "py-short"})["room"]
    time.sleep(max(0, room["starts_at"] - server_ms()) / 1000 + 0.05)
    a.seq = 3
    gap = a.send_keys([(10, "d")])
    assert gap["code"] == "seq_gap" and "expected batch 0" in gap["message"]
    a.seq = 0
    assert a.send_keys([(server_ms() - room["starts_at"], "d")])["pos"] == 1


def test_forged_timestamps_are_refused(connect: Callable[..., Client]) -> None:
    a = connect()
    room = a.ok("practice", {"snippet_id": "py-short"})["room"]
    time.sleep(max(0, room["starts_at"] - server_ms()) / 1000 + 0.05)
    now = server_ms() - room["starts_at"]
    for keys in ([(-1, "d")], [(now, "d"), (now + 60_000, "e")], [(2**31 - 1, "d")]):
        answer = a.send_keys(keys)
        assert answer["code"] == "bad_timestamp", answer
    assert a.send_keys([(server_ms() - room["starts_at"], "d")])["pos"] == 1


def test_dropped_racer_leaves_after_grace_and_race_ends_without_them(
    connect: Callable[..., Client],
) -> None:
    a, b = connect("Ann"), connect("Ben")
    code = a.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    b.ok("join", {"code": code})
    a.ok("start", {"code": code})
    room = a.wait("room", lambda r: r["phase"] == "racing")
    b.close()
    gone = a.wait("room", lambda r: r["racers"][1]["left"], timeout=5)
    assert not gone["racers"][1]["connected"]
    keys = ideal_keys(Course(room["snippet"]["text"]))
    t0 = server_ms() - room["starts_at"]
    send_paced(
        a, [(t0 + 110 * i + (i % 3) * 40, k) for i, k in enumerate(keys, 1)], room["starts_at"]
    )
    standings = a.wait("standings")["standings"]
    assert [s["player_id"] for s in standings] == [a.id, b.id]
    assert standings[0]["completed"] and not standings[1]["completed"]
