"""Cheating clients through the real protocol end up flagged; honest racers are unaffected."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from race.core.course import Course
from race.core.course import ideal_keys
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import human_gaps
from tests.realtime.harness import poll_json
from tests.realtime.harness import server_ms

CODE = (
    "def total(items):\n"
    "    return sum(item.price * item.count for item in items)\n"
    "print(total(cart), len(cart), max(prices))\n"
)


def honest_times(n: int, seed: int, start: int) -> list[int]:
    """Human-like key times from ``start``."""
    t, out = start, []
    for gap in human_gaps(n, 110.0, seed=seed):
        t += gap
        out.append(t)
    return out


def send_live(
    client: Client,
    keys: list[str],
    times: list[int],
    starts_at: int,
    *,
    claim: Callable[[int], int] = lambda t: t,
) -> list[dict[str, Any]]:
    """Send each key when its real time comes, stamped ``claim(t)``, 4 keys a batch."""
    acks = []
    for i in range(0, len(keys), 4):
        chunk = list(zip(times[i : i + 4], keys[i : i + 4], strict=True))
        wait = starts_at + chunk[-1][0] - server_ms()
        if wait > 0:
            time.sleep(wait / 1000)
        acks.append(client.send_keys([(claim(t), k) for t, k in chunk]))
    return acks


def test_cheaters_are_flagged_and_ranked_after_honest_racers(
    connect: Callable[..., Client],
) -> None:
    host = connect("Honest")
    made = host.ok("create", {"custom": {"code": CODE}, "limit_s": 60})
    code = made["room"]["code"]
    cheaters = {
        name: connect(name)
        for name in ("Paster", "Metronome", "Jitter", "Future", "Late", "Bragger")
    }
    for c in cheaters.values():
        c.ok("join", {"code": code})
    host.ok("start", {"code": code})
    room = host.wait("room", lambda r: r["phase"] == "countdown")
    starts, keys = room["starts_at"], ideal_keys(Course(room["snippet"]["text"]))
    n = len(keys)
    time.sleep(max(0, starts - server_ms()) / 1000 + 0.05)
    rng = random.Random(3)
    begin = server_ms() - starts + 100
    bragger_answers: list[dict[str, Any]] = []

    def paste() -> None:
        t = server_ms() - starts + 2000
        time.sleep(2)
        cheaters["Paster"].send_keys([(t, k) for k in keys[:200]])

    def metronome() -> None:
        send_live(cheaters["Metronome"], keys, [begin + 85 * (i + 1) for i in range(n)], starts)

    def jitter() -> None:
        times = [begin + round(85 * (i + 1) + rng.uniform(-12, 12)) for i in range(n)]
        send_live(cheaters["Jitter"], keys, times, starts)

    def future() -> None:
        send_live(
            cheaters["Future"], keys, honest_times(n, 7, begin), starts, claim=lambda t: t + 1500
        )

    def late() -> None:
        send_live(
            cheaters["Late"],
            keys,
            honest_times(n, 8, begin + 6000),
            starts,
            claim=lambda t: t - 5500,
        )

    def bragger() -> None:
        c = cheaters["Bragger"]
        answer = c.call(
            "keys",
            {"code": code, "round": 1, "seq": 0, "keys": [[begin + 100, keys[0]]], "wpm": 300.0},
        )
        bragger_answers.append(answer)
        c.ok("leave", {"code": code})  # gives up; the race need not wait for them

    def honest() -> None:
        send_live(host, keys, honest_times(n, 9, begin), starts)

    threads = [
        threading.Thread(target=f)
        for f in (paste, metronome, jitter, future, late, bragger, honest)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bragger_answers[0]["code"] == "bad_payload"  # a client's own WPM is refused outright

    standings = host.wait("standings", timeout=30)["standings"]
    by_name = {s["name"]: s for s in standings}
    assert standings[0]["name"] == "Honest" and not by_name["Honest"]["flagged"]
    assert by_name["Honest"]["completed"] and by_name["Honest"]["accuracy"] == 100.0
    expected = {
        "Paster": "paste_burst",
        "Metronome": "too_regular",
        "Jitter": "too_regular",
        "Future": "ts_future",
        "Late": "ts_stale",
    }
    for name, reason in expected.items():
        assert by_name[name]["flagged"] and reason in by_name[name]["reasons"], by_name[name]
    assert not by_name["Bragger"]["completed"]
    flagged_places = [s["place"] for s in standings if s["flagged"]]
    assert min(flagged_places) > max(
        s["place"] for s in standings if not s["flagged"] and s["completed"]
    )


def test_a_replayed_log_is_flagged_and_kept_off_the_leaderboard(
    server: Server, connect: Callable[..., Client]
) -> None:
    ada = connect("Ada")
    code = ada.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    ada.ok("configure", {"code": code, "public_results": True})  # on the boards
    ada.ok("start", {"code": code})
    room = ada.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(room["snippet"]["text"]))
    time.sleep(max(0, room["starts_at"] - server_ms()) / 1000)
    send_live(
        ada,
        keys,
        honest_times(len(keys), 11, server_ms() - room["starts_at"] + 100),
        room["starts_at"],
    )
    ada.wait("standings")
    log = poll_json(f"{server.url}/api/races/{room['race_id']}/log/{ada.id}")
    stolen = [key for line in log.splitlines()[1:] for key in json.loads(line)["keys"]]

    copycat = connect("Copycat")
    code2 = copycat.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    copycat.ok("configure", {"code": code2, "public_results": True})
    copycat.ok("start", {"code": code2})
    room2 = copycat.wait("room", lambda r: r["phase"] == "countdown")
    time.sleep(max(0, room2["starts_at"] - server_ms()) / 1000)
    offset = server_ms() - room2["starts_at"] + 100 - stolen[0][0]
    send_live(copycat, [k for _, k in stolen], [t + offset for t, _ in stolen], room2["starts_at"])
    copycat.wait("standings")

    race = poll_json(f"{server.url}/api/races/{room2['race_id']}")
    mine = race["standings"][0]
    assert mine["flagged"] and "replayed_log" in mine["reasons"]
    board = poll_json(f"{server.url}/api/leaderboard?snippet=py-short&player={copycat.id}")
    assert [row["player_id"] for row in board["top"]] == [ada.id]
    assert board["you"] is None
