"""The room view carries what its snippet shows (about, concepts), and nothing for pasted code."""

from __future__ import annotations

from collections.abc import Callable

from tests.realtime.conftest import ABOUT
from tests.realtime.harness import Client
from tests.realtime.harness import Server

TEXT = ABOUT.split("\n")[0].removeprefix("about: ")


def test_a_corpus_snippet_comes_with_its_about(
    server: Server, connect: Callable[..., Client]
) -> None:
    a = connect("Ada")
    snippet = a.ok("practice", {"snippet_id": "py-short", "ready": True})["room"]["snippet"]
    assert snippet["about"] == TEXT
    assert snippet["concepts"] == ["testing"]
    restarted = a.ok("restart", {"code": a.code})["room"]["snippet"]
    assert restarted["about"] == TEXT  # every later view of the room carries it too


def test_pasted_code_has_no_about(server: Server, connect: Callable[..., Client]) -> None:
    a = connect("Ada")
    custom = {"code": "x = 1\ny = 2\nprint(x + y)\n", "language": "python"}
    snippet = a.ok("practice", {"custom": custom, "ready": True})["room"]["snippet"]
    assert snippet["about"] is None
    assert snippet["concepts"] == []
