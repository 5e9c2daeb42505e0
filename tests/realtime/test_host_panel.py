"""The host panel over the wire: one custom-code limit, untypeable characters refused by
name, a time limit that follows the snippet, rematch at once, and the host's role passed
on when the host leaves mid-race."""

from __future__ import annotations

from collections.abc import Callable

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.snippet import custom_snippet
from race.core.timing import default_limit_ms
from tests.realtime.harness import Client
from tests.realtime.harness import type_keys

LONG = "\n".join(f"total_{i} = compute(total_{i - 1}, step={i}) + offset" for i in range(30))
SHORT = "a = 1\nb = 2\nprint(a + b)"


def test_pasted_code_up_to_the_one_limit_is_taken_and_untypeable_code_is_refused_by_name(
    connect: Callable[..., Client],
) -> None:
    host = connect("Host")
    most = ("x = 1\n" * MAX_CUSTOM_CHARS)[:MAX_CUSTOM_CHARS]
    room = host.ok("create", {"custom": {"code": most}})["room"]
    assert room["snippet"]["id"] == "custom"
    code = room["code"]
    over = host.call("configure", {"code": code, "custom": {"code": most + "y"}})
    assert not over["ok"] and over["code"] == "bad_custom_code"
    fancy = "done = True  # \u2713\nx = 1 \u2014 2\nprint(done)"
    told = host.call("configure", {"code": code, "custom": {"code": fancy}})
    assert told == {
        "ok": False,
        "code": "bad_custom_code",
        "message": "\u2713 (U+2713), \u2014 (U+2014) cannot be typed on a keyboard",
    }
    again = host.ok("join", {"code": code})["room"]
    assert again["snippet"]["text"] == room["snippet"]["text"]  # refused: nothing changed


def test_the_time_limit_follows_the_snippet_unless_the_host_set_one(
    connect: Callable[..., Client],
) -> None:
    host = connect("Host")
    room = host.ok("create", {"custom": {"code": LONG}})["room"]
    code, long_limit = room["code"], room["limit_ms"]
    assert room["limit_auto"] and long_limit == default_limit_ms(custom_snippet(LONG))
    host.ok("configure", {"code": code, "custom": {"code": SHORT}})
    short = host.wait("room", lambda r: r["snippet"]["text"] == SHORT)
    assert short["limit_ms"] == default_limit_ms(custom_snippet(SHORT)) < long_limit
    host.ok("configure", {"code": code, "limit_s": 200})
    host.events.clear()
    host.ok("configure", {"code": code, "custom": {"code": LONG}})
    kept = host.wait("room")
    assert kept["limit_ms"] == 200_000 and not kept["limit_auto"]
    host.events.clear()
    host.ok("configure", {"code": code, "auto_limit": True})
    back = host.wait("room")
    assert back["limit_ms"] == long_limit
    both = host.call("configure", {"code": code, "auto_limit": True, "limit_s": 60})
    assert not both["ok"] and both["code"] == "bad_limit"


def _race_to_the_end(host: Client, guest: Client, code: str) -> None:
    host.ok("start", {"code": code})
    counting = host.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(counting["snippet"]["text"]))
    type_keys(host, keys, counting["starts_at"])
    type_keys(guest, keys, counting["starts_at"])
    host.wait("standings")


def test_rematch_starts_at_once_or_waits_in_the_lobby(connect: Callable[..., Client]) -> None:
    host, guest = connect("Host"), connect("Guest")
    code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    guest.ok("join", {"code": code})
    _race_to_the_end(host, guest, code)
    host.ok("rematch", {"code": code, "start": True})
    going = guest.wait("room", lambda r: r["round"] == 2)
    assert going["phase"] == "countdown" and going["starts_at"] > going["server_ms"]
    assert {r["id"] for r in going["racers"]} == {host.id, guest.id}
    guest.round = host.round = 2
    guest.seq = host.seq = 0
    keys = ideal_keys(Course(going["snippet"]["text"]))
    type_keys(host, keys, going["starts_at"])
    type_keys(guest, keys, going["starts_at"])
    assert guest.wait("standings", lambda s: s["round"] == 2)["standings"]
    host.ok("rematch", {"code": code})  # "Rematch in lobby": as before
    waiting = guest.wait("room", lambda r: r["round"] == 3)
    assert waiting["phase"] == "lobby" and waiting["starts_at"] is None


def test_a_host_leaving_mid_race_hands_the_room_to_the_earliest_racer_who_ends_it(
    connect: Callable[..., Client],
) -> None:
    host, fan, bea, cal = connect("Host"), connect("Fan"), connect("Bea"), connect("Cal")
    code = host.ok("create", {"snippet_id": "py-short", "limit_s": 300})["room"]["code"]
    fan.ok("join", {"code": code, "role": "spectator"})
    bea.ok("join", {"code": code})
    cal.ok("join", {"code": code})
    host.ok("start", {"code": code})
    counting = bea.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(counting["snippet"]["text"]))
    type_keys(bea, keys[:5], counting["starts_at"])
    bea.wait("room", lambda r: r["phase"] == "racing")
    host.ok("leave", {"code": code})
    passed = cal.wait("room", lambda r: r["host"] != host.id)
    assert passed["host"] == bea.id and passed["phase"] == "racing"
    assert cal.call("end", {"code": code})["code"] == "not_host"
    bea.ok("end", {"code": code})
    final = cal.wait("standings")["standings"]
    assert final[0]["player_id"] == bea.id  # the furthest along
    assert bea.wait("room", lambda r: r["phase"] == "finished")["host"] == bea.id
    bea.ok("rematch", {"code": code, "start": True})  # the new host runs the room on
    assert cal.wait("room", lambda r: r["round"] == 2)["phase"] == "countdown"


def test_a_host_gone_past_the_grace_window_mid_race_hands_the_room_on(
    connect: Callable[..., Client],
) -> None:
    host, bea = connect("Host"), connect("Bea")
    code = host.ok("create", {"snippet_id": "py-short", "limit_s": 300})["room"]["code"]
    bea.ok("join", {"code": code})
    host.ok("start", {"code": code})
    bea.wait("room", lambda r: r["phase"] == "racing")
    host.close()  # the tab closed: the seat is kept for the grace window (1.5 s here)
    away = bea.wait("room", lambda r: not r["racers"][0]["connected"])
    assert away["host"] == host.id
    passed = bea.wait("room", lambda r: r["host"] == bea.id)
    assert passed["phase"] == "racing" and passed["racers"][0]["left"]
    bea.ok("end", {"code": code})
    assert bea.wait("standings")["standings"]
