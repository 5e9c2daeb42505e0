"""Web hardening: the Content-Security-Policy (no inline script, no framing) on every
page, share links that ignore a client's X-Forwarded-Host, the secret file's mode, and
/metrics kept off the public side of nginx."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from race import create_app
from race.app import _instance_secret
from race.config import Config
from race.db.app import database
from race.db.write import save_race
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing

RACE_ID = "Aa0_-" + "A" * 17  # the shape of a random race id
PAGES = [
    "/",
    "/snippets",
    "/play/quick",
    "/r/AAAAAAAAAAAAAAAA",
    "/leaderboard",
    "/players/me",
    f"/players/{pid(1)}",
    f"/races/{RACE_ID}",
    "/login",
    "/register",
    "/no-such-page",
]
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


@pytest.fixture
def raced(app: Flask) -> Flask:
    """Return the app with one finished race stored."""
    with database(app).sessions() as session:
        save_race(session, record(RACE_ID, [standing(pid(1), "SwiftOtter001")]))
        session.commit()
    return app


def policy(answer: object) -> dict[str, list[str]]:
    """Return a response's Content-Security-Policy as directive -> sources."""
    raw = answer.headers["Content-Security-Policy"]  # type: ignore[attr-defined]
    parts = [p.split() for p in raw.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_no_inline_script_and_cannot_be_framed(
    raced: Flask, client: FlaskClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code in (200, 404), path
    found = policy(answer)
    assert found["frame-ancestors"] == ["'none'"]
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in found[directive] and "'unsafe-eval'" not in found[directive]
    assert found["style-src"] == ["'self'"] and found["object-src"] == ["'none'"]
    html = answer.get_data(as_text=True)
    allowed = {s.strip("'") for s in found["script-src"] if s.startswith("'sha256-")}
    for script in SCRIPT.finditer(html):
        attrs, body = script["attrs"], script["body"]
        if "src=" in attrs or 'type="application/json"' in attrs:
            assert "src=" not in attrs or not body.strip(), f"{path}: a script with src and code"
            continue  # loaded from this origin, or data the page reads (never run)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"sha256-{digest}" in allowed, f"{path}: inline script not allowed: {body[:60]}"
        assert 'type="importmap"' in attrs, f"{path}: an inline script other than the import map"
    assert not re.search(r"\son[a-z]+\s*=", html), f"{path}: an inline event handler"
    assert not re.search(r"<style|\sstyle\s*=", html), f"{path}: an inline style"


def test_the_json_api_carries_the_policy_too(client: FlaskClient) -> None:
    answer = client.get("/api/snippets")
    assert policy(answer)["frame-ancestors"] == ["'none'"]


def test_share_links_ignore_a_client_chosen_forwarded_host(tmp_path: Path) -> None:
    config = Config(
        {
            "CODERACE_INSTANCE": str(tmp_path / "instance"),
            "CODERACE_TESTING": "1",
            "CODERACE_WORKER": "threading",
            "TRUSTED_PROXIES": "1",
        }
    )
    app = create_app(config)
    with database(app).sessions() as session:
        save_race(session, record(RACE_ID, [standing(pid(1))]))
        session.commit()
    answer = app.test_client().get(
        f"/races/{RACE_ID}",
        headers={
            "Host": "coderace.example",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.9",
        },
    )
    html = answer.get_data(as_text=True)
    assert f'value="https://coderace.example/races/{RACE_ID}"' in html
    assert "evil.example" not in html


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Create files as a careless process would: readable and writable by everyone."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_the_secret_file_is_0600_from_its_creation(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[tuple[str, int]] = []
    real_open = os.open

    def watched_open(path: str, flags: int, mode: int = 0o777, **kw: object) -> int:
        if flags & os.O_CREAT:
            created.append((os.fspath(path), mode))
        return real_open(path, flags, mode, **kw)  # type: ignore[arg-type]

    def no_chmod(*_: object, **__: object) -> None:
        raise AssertionError("the secret file's mode must be set when it is created")

    monkeypatch.setattr(os, "open", watched_open)
    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    instance = tmp_path / "instance"
    app = create_app(Config({"CODERACE_INSTANCE": str(instance), "CODERACE_WORKER": "threading"}))
    key = instance / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().strip() == app.config["SECRET_KEY"]
    drafts = [(p, m) for p, m in created if "secret" in p]
    assert drafts and all(m == 0o600 for _, m in drafts)
    assert sorted(p.name for p in instance.iterdir() if "secret" in p.name) == ["secret_key"]


def test_workers_starting_together_share_one_secret(tmp_path: Path) -> None:
    keys: list[str] = []
    go = threading.Barrier(8)

    def start() -> None:
        go.wait()
        keys.append(_instance_secret(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert keys[0] == (tmp_path / "secret_key").read_text().strip()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_nginx_never_serves_metrics_to_the_public() -> None:
    site = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location = /metrics \{(?P<body>[^}]*)\}", site)
    assert block is not None, "deploy/nginx.conf has no /metrics location"
    assert "deny all;" in block["body"] and "proxy_pass" not in block["body"]
