"""Private rooms: custom code, kick, lock, host hand-over, rematch; spectators."""

from __future__ import annotations

from collections.abc import Callable

import requests

from race.core.course import Course
from race.core.course import ideal_keys
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import type_keys

CUSTOM = "x = [1, 2]\r\nfor i in x:\r\n\tprint(i)   \r\n"


def test_private_room_with_custom_code_kick_lock_handover_rematch(
    connect: Callable[..., Client],
) -> None:
    host, bob, cy, dee = connect("Host"), connect("Bob"), connect("Cy"), connect("Dee")
    made = host.ok("create", {"custom": {"code": CUSTOM, "language": "python"}, "limit_s": 60})
    room = made["room"]
    code = room["code"]
    assert len(code) == 16 and room["kind"] == "private" and room["host"] == host.id
    assert room["snippet"]["text"] == "x = [1, 2]\nfor i in x:\n    print(i)"
    assert room["limit_ms"] == 60_000

    bob.ok("join", {"code": code})
    cy.ok("join", {"code": code})
    host.ok("kick", {"code": code, "player_id": cy.id})
    assert cy.wait("kicked")["code"] == code
    again = cy.call("join", {"code": code})
    assert again == {"ok": False, "code": "kicked", "message": again["message"]}

    host.ok("lock", {"code": code, "locked": True})
    locked = dee.call("join", {"code": code})
    assert not locked["ok"] and locked["code"] == "room_locked"
    assert dee.wait("error")["code"] == "room_locked"
    host.ok("lock", {"code": code, "locked": False})

    host.ok("leave", {"code": code})
    view = bob.wait("room", lambda r: r["host"] != host.id)
    assert view["host"] == bob.id and [r["id"] for r in view["racers"]] == [bob.id]

    dee.ok("join", {"code": code})
    bob.ok("start", {"code": code})
    counting = bob.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(counting["snippet"]["text"]))
    type_keys(bob, keys, counting["starts_at"])
    type_keys(dee, keys, counting["starts_at"])
    standings = bob.wait("standings")["standings"]
    assert [s["player_id"] for s in standings] == [bob.id, dee.id] or [
        s["player_id"] for s in standings
    ] == [dee.id, bob.id]
    assert all(s["completed"] for s in standings)

    bob.ok("rematch", {"code": code, "snippet_id": "go-short"})
    fresh = dee.wait("room", lambda r: r["round"] == 2)
    assert fresh["phase"] == "lobby" and fresh["snippet"]["id"] == "go-short"
    assert {r["id"] for r in fresh["racers"]} == {bob.id, dee.id}
    assert fresh["standings"] is None


def test_spectator_sees_progress_but_cannot_type(connect: Callable[..., Client]) -> None:
    host, fan = connect("Host"), connect("Fan")
    code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    watched = fan.ok("join", {"code": code, "role": "spectator"})
    assert [s["id"] for s in watched["room"]["spectators"]] == [fan.id]
    assert [r["id"] for r in watched["room"]["racers"]] == [host.id]
    host.ok("start", {"code": code})
    counting = host.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(counting["snippet"]["text"]))
    type_keys(host, keys[:10], counting["starts_at"])
    tick = fan.wait("tick", lambda t: any(p["pos"] > 0 for p in t["players"]))
    assert tick["players"][0]["id"] == host.id
    fan.round, fan.seq = 1, 0
    refused = fan.send_keys([(100, "d")])
    assert refused["code"] == "not_racer"


def test_only_the_host_controls_the_room(connect: Callable[..., Client]) -> None:
    host, guest = connect(), connect()
    code = host.ok("create", {})["room"]["code"]
    guest.ok("join", {"code": code})
    for event, payload in [
        ("start", {"code": code}),
        ("lock", {"code": code, "locked": True}),
        ("kick", {"code": code, "player_id": host.id}),
        ("configure", {"code": code, "limit_s": 30}),
        ("rematch", {"code": code}),
        ("end", {"code": code}),
    ]:
        answer = guest.call(event, payload)
        assert answer["code"] == "not_host", (event, answer)
    view = host.ok("join", {"code": code})["room"]
    assert view["phase"] == "lobby" and not view["locked"] and len(view["racers"]) == 2
    assert view["host"] == host.id


def test_keys_are_scored_against_the_snippet_the_host_chose_last(
    connect: Callable[..., Client],
) -> None:
    host = connect()
    code = host.ok("create", {"snippet_id": "go-short"})["room"]["code"]
    host.ok("configure", {"code": code, "snippet_id": "py-short"})
    host.ok("start", {"code": code})
    room = host.wait("room", lambda r: r["phase"] == "countdown")
    assert room["snippet"]["id"] == "py-short"
    keys = ideal_keys(Course(room["snippet"]["text"]))
    acks = type_keys(host, keys[:6], room["starts_at"])
    assert acks[-1]["pos"] == 6 and acks[-1]["error_run"] == ""


def test_the_host_ends_a_race_that_idle_racers_would_drag_out(
    connect: Callable[..., Client],
) -> None:
    host, idle = connect("Host"), connect("Idle")
    code = host.ok("create", {"snippet_id": "py-short", "limit_s": 300})["room"]["code"]
    idle.ok("join", {"code": code})
    assert host.call("end", {"code": code})["code"] == "bad_phase"  # nothing running yet
    host.ok("start", {"code": code})
    counting = idle.wait("room", lambda r: r["phase"] == "countdown")
    keys = ideal_keys(Course(counting["snippet"]["text"]))
    type_keys(host, keys[:6], counting["starts_at"])  # a start, then both stop typing
    host.wait("room", lambda r: r["phase"] == "racing")
    assert idle.call("end", {"code": code})["code"] == "not_host"
    host.ok("end", {"code": code})
    final = [c.wait("standings")["standings"] for c in (host, idle)]
    assert final[0] == final[1]
    assert [s["player_id"] for s in final[0]] == [host.id, idle.id]  # by progress
    assert not any(s["completed"] for s in final[0])
    assert final[0][0]["duration_ms"] < 60_000  # timed to the end, not the 300 s limit
    late = host.send_keys([[final[0][0]["duration_ms"] + 10, keys[6]]])
    assert not late["ok"]
    assert len(host.all("standings")) == 1 and host.call("end", {"code": code})["code"] == (
        "bad_phase"
    )


def test_the_host_sets_whether_results_are_listed_publicly(connect: Callable[..., Client]) -> None:
    host, guest = connect("Host"), connect("Guest")
    room = host.ok("create", {"snippet_id": "go-short"})["room"]
    code = room["code"]
    assert room["public_results"] is False  # private results are not listed unless asked
    joined = guest.ok("join", {"code": code})["room"]
    assert joined["public_results"] is False
    refused = guest.call("configure", {"code": code, "public_results": True})
    assert not refused["ok"] and refused["code"] == "not_host"
    wrong = host.call("configure", {"code": code, "public_results": "yes"})
    assert not wrong["ok"] and wrong["code"] == "bad_payload"
    host.ok("configure", {"code": code, "public_results": True})
    assert guest.wait("room", lambda r: r["public_results"])["limit_ms"] == room["limit_ms"]
    quick = connect("Q").ok("quick", {})["room"]
    assert quick["public_results"] is True


def browser_cookie(url: str) -> dict[str, str]:
    """Open the race page as a browser does; return the session cookie it was given."""
    page = requests.get(f"{url}/play/private", timeout=5)
    assert page.status_code == 200 and "session" in page.cookies
    return {"Cookie": f"session={page.cookies['session']}"}


def test_a_kick_holds_against_the_same_browser_under_a_new_guest_name(
    server: Server, connect: Callable[..., Client]
) -> None:
    host = connect("Host")
    code = host.ok("create", {"snippet_id": "py-short"})["room"]["code"]
    cookie = browser_cookie(server.url)
    cy = Client(server.url, name="Cy", headers=cookie)
    fresh = Client(server.url, name="Cy Again", headers=cookie)  # no token: a new guest
    other_browser = Client(server.url, name="Dee", headers=browser_cookie(server.url))
    try:
        assert fresh.id != cy.id
        cy.ok("join", {"code": code})
        host.ok("kick", {"code": code, "player_id": cy.id})
        assert cy.wait("kicked")["code"] == code
        again = fresh.call("join", {"code": code})
        assert again == {"ok": False, "code": "kicked", "message": again["message"]}
        assert other_browser.call("join", {"code": code})["ok"]
    finally:
        for one in (cy, fresh, other_browser):
            one.close()
