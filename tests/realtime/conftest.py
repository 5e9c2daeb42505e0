"""Fixtures for live-race tests: a server on a loopback port with short timings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path

import pytest

from race import create_app
from race.config import Config
from race.core.timing import Timing
from race.corpus import Corpus
from race.corpus import load_dir
from tests.realtime.harness import Client
from tests.realtime.harness import Server

#: Short phases so a race takes seconds; the rules are the same as in production.
FAST = Timing(
    quick_countdown_ms=1500,
    join_closes_ms=500,
    private_countdown_ms=800,
    practice_countdown_ms=300,
    lonely_after_ms=1500,
    ghost_offer_ms=1500,
    ghost_countdown_ms=1500,
    grace_ms=1500,
)

#: The ``about`` and ``concepts`` header lines every test snippet carries (the loader needs them).
ABOUT = (
    "about: A snippet only a few keys long, made for the tests. "
    "It keeps each of their races quick.\n"
    "concepts: testing\n"
)

SNIPPETS = {
    "python/py-short.snip": (
        "id: py-short\ntitle: Short Python\nlanguage: python\ndifficulty: easy\n"
        f"indent: spaces:4\n{ABOUT}---\ndef add(a, b):\n    return a + b\nprint(add(1, 2))\n"
    ),
    "go/go-short.snip": (
        f"id: go-short\ntitle: Short Go\nlanguage: go\ndifficulty: easy\nindent: tab\n{ABOUT}"
        "---\nfunc main() {\n\tfmt.Println(1)\n}\n"
    ),
}


def write_snippets(folder: Path, files: Mapping[str, str] = SNIPPETS) -> Path:
    """Write corpus files (``language/name.snip``, ``tracks/name.toml``) under ``folder``."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """Return a tiny corpus of short snippets so races finish in seconds."""
    return load_dir(write_snippets(tmp_path / "corpus"))


@pytest.fixture
def server_factory(tmp_path: Path, corpus: Corpus) -> Iterator[Callable[..., Server]]:
    """Return a factory of started servers (extra settings as keyword arguments)."""
    started: list[Server] = []

    def make(**settings: object) -> Server:
        config = Config(
            {
                "CODERACE_INSTANCE": str(tmp_path / f"instance{len(started)}"),
                "CODERACE_TESTING": "1",
                "CODERACE_WORKER": "threading",
            }
        ).as_mapping()
        app = create_app({**config, "CORPUS": corpus, "TIMING": FAST, **settings})
        srv = Server(app).start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    """Serve a fresh app (in-process store and sink) on a free loopback port."""
    return server_factory()


@pytest.fixture
def connect(server: Server) -> Iterator[Callable[..., Client]]:
    """Return a factory of connected clients; all are closed after the test."""
    clients: list[Client] = []

    def make(name: str | None = None, token: str | None = None) -> Client:
        client = Client(server.url, name=name, token=token)
        clients.append(client)
        return client

    yield make
    # Closing waits for the server's websocket close frame; close them all at once.
    closers = [threading.Thread(target=c.close) for c in clients if c.sio.connected]
    for t in closers:
        t.start()
    for t in closers:
        t.join(timeout=5)
