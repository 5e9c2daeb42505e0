"""Solo practice at typing speed over real websockets: the clock starts at the first key,
a restart (mid-run or after) is the room's next round, and a run left unfinished is
dropped from the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from race.core.practice import FIRST_KEY_SLACK_MS
from race.corpus import Corpus
from race.corpus import load_dir
from tests.realtime.conftest import ABOUT
from tests.realtime.conftest import SNIPPETS
from tests.realtime.conftest import write_snippets
from tests.realtime.harness import Client
from tests.realtime.harness import Server
from tests.realtime.harness import server_ms
from tests.realtime.harness import type_keys
from tests.realtime.test_quick_race import keys_for

#: A second Python snippet, so there is a next one in the language.
OTHER_PYTHON = (
    "id: py-other\ntitle: Other Python\nlanguage: python\ndifficulty: easy\n"
    f"indent: spaces:4\n{ABOUT}---\nx = 1\ny = 2\nprint(x + y)\n"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The tiny test corpus with a second Python snippet."""
    return load_dir(
        write_snippets(tmp_path / "corpus", {**SNIPPETS, "python/py-other.snip": OTHER_PYTHON})
    )


def _go(client: Client, at: int) -> dict:
    answer = client.ok("go", {"code": client.code, "round": client.round, "at": at})
    return answer["room"]


def test_a_ready_run_waits_for_its_first_key_then_is_scored(
    server: Server, connect: Callable[..., Client]
) -> None:
    a = connect("Ada")
    ready = a.ok("practice", {"language": "python", "ready": True})
    room = ready["room"]
    assert room["phase"] == "lobby" and room["starts_at"] is None
    refused = a.send_keys([[10, "d"]])
    assert refused["ok"] is False and refused["code"] == "not_started"

    first = server_ms() - 150
    started = _go(a, first)
    assert started["starts_at"] == first and started["phase"] in ("countdown", "racing")
    assert _go(a, first + 500)["starts_at"] == first  # sent again: nothing changes
    type_keys(a, keys_for(a, ready), started["starts_at"])
    standings = a.wait("standings")["standings"]
    assert standings[0]["completed"] and standings[0]["player_id"] == a.id


def test_a_first_key_claimed_too_early_starts_at_the_slack(
    server: Server, connect: Callable[..., Client]
) -> None:
    a = connect("Ada")
    a.ok("practice", {"language": "python", "ready": True})
    before = server_ms()
    started = _go(a, 0)
    assert before - FIRST_KEY_SLACK_MS <= started["starts_at"] <= server_ms()


def test_a_restart_mid_run_opens_the_next_round_and_drops_the_run(
    server: Server, connect: Callable[..., Client]
) -> None:
    a = connect("Ada")
    ready = a.ok("practice", {"language": "python", "ready": True})
    code = a.code
    started = _go(a, server_ms())
    keys = keys_for(a, ready)
    type_keys(a, keys[:5], started["starts_at"], batch=5)
    store = server.app.extensions["coderace"].store
    assert store.read_log(code, 1, a.id) != []

    again = a.ok("restart", {"code": code})
    assert again["room"]["code"] == code and again["room"]["round"] == 2
    assert again["room"]["phase"] == "lobby" and again["you"]["pos"] == 0
    assert again["room"]["snippet"]["id"] == ready["room"]["snippet"]["id"]
    assert store.read_log(code, 1, a.id) == []  # the unfinished run is not kept
    stale = a.call("keys", {"code": code, "round": 1, "seq": 1, "keys": [[900, "x"]]})
    assert stale["ok"] is False

    started = _go(a, server_ms())
    type_keys(a, keys, started["starts_at"])
    standings = a.wait("standings", lambda d: d["round"] == 2)["standings"]
    assert standings[0]["completed"]


def test_next_picks_another_snippet_in_the_language(
    server: Server, connect: Callable[..., Client]
) -> None:
    a = connect("Ada")
    ready = a.ok("practice", {"language": "python", "ready": True})
    was = ready["room"]["snippet"]
    nxt = a.ok("restart", {"code": a.code, "next": True})["room"]["snippet"]
    assert nxt["language"] == was["language"] == "python"
    assert nxt["id"] != was["id"]
    back = a.ok("restart", {"code": a.code, "next": True})["room"]["snippet"]
    assert back["id"] == was["id"]  # two Python snippets: next goes back to the first


def test_only_the_runner_restarts_and_only_in_practice(
    server: Server, connect: Callable[..., Client]
) -> None:
    a, b = connect("Ada"), connect("Bob")
    a.ok("practice", {"language": "python", "ready": True})
    refused = b.call("restart", {"code": a.code})
    assert refused["ok"] is False and refused["code"] == "not_in_room"
    b.ok("quick", {"language": "python"})
    refused = b.call("restart", {"code": b.code})
    assert refused["ok"] is False and refused["code"] == "not_practice"
