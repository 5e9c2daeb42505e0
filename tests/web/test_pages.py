"""The pages, the snippet API and the vendor allowlist, through the Flask test client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from race import create_app
from race.config import Config
from race.corpus import builtin
from race.corpus import load_dir
from race.web.vendor import ASSETS
from race.web.vendor import MODULE_EXPORTS
from race.web.vendor import node_modules
from tests.realtime.conftest import SNIPPETS

CODE = "AbCdEfGh_-123456"


def page_data(html: str) -> dict[str, object]:
    """Return the JSON the race page hands its script."""
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html)
    assert found, "the race page carries its data"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_home_offers_quick_race_private_room_and_practice(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'action="/play/quick"' in html
    assert 'href="/play/private"' in html
    assert 'href="/play/practice"' in html
    for language in builtin().languages():
        assert f'<option value="{language}">' in html
    assert re.search(r'<section class="card" id="leaderboard" hidden', html)
    assert 'type="importmap"' in html


def test_snippets_page_lists_the_corpus(client: FlaskClient) -> None:
    page = client.get("/snippets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for snippet in builtin():
        assert str(escape(snippet.title)) in html
    assert f"{len(builtin())} snippets" in html


def test_snippet_api(client: FlaskClient) -> None:
    data = client.get("/api/snippets").get_json()
    assert len(data) == len(builtin())
    assert {"id", "title", "language", "difficulty", "lines", "chars"} <= set(data[0])


def small_corpus_app(tmp_path: Path) -> Flask:
    """Return an app whose corpus is the two short test snippets (``SNIPPETS``)."""
    folder = tmp_path / "corpus"
    for name, text in SNIPPETS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    config = Config({"CODERACE_INSTANCE": str(tmp_path / "i"), "CODERACE_TESTING": "1"})
    return create_app({**config.as_mapping(), "CORPUS": load_dir(folder)})


def test_pages_list_the_corpus_races_pick_from(tmp_path: Path) -> None:
    client = small_corpus_app(tmp_path).test_client()
    assert {s["id"] for s in client.get("/api/snippets").get_json()} == {"py-short", "go-short"}
    assert page_data(client.get("/play/quick").get_data(as_text=True))["languages"] == [
        "go",
        "python",
    ]


def test_room_page_for_a_well_formed_code(client: FlaskClient) -> None:
    page = client.get(f"/r/{CODE}")
    assert page.status_code == 200
    data = page_data(page.get_data(as_text=True))
    assert data["code"] == CODE and data["mode"] == "join" and data["watch"] is False
    watching = page_data(client.get(f"/r/{CODE}?watch=1").get_data(as_text=True))
    assert watching["watch"] is True
    grammars = data["grammars"]
    assert isinstance(grammars, dict) and grammars["html"].startswith("/vendor/hljs/xml.js?v=")


@pytest.mark.parametrize("code", ["short", "AbCdEfGh_-12345!", "x" * 17, "<script>x</script>"])
def test_room_page_refuses_malformed_codes(client: FlaskClient, code: str) -> None:
    answer = client.get(f"/r/{code}")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    if "/" not in code:  # "</script>" has a slash: no room route, the site's 404 page
        assert "There is no room with that code" in html
    assert "Back to the start" in html and "<script>x</script>" not in html


def test_missing_pages_get_the_site_page_and_the_api_gets_json(client: FlaskClient) -> None:
    page = client.get("/no/such/page")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert 'class="brand"' in html and "Back to the start" in html  # the site, a way back
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"
    wrong = client.post("/")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert "Not allowed" in wrong.get_data(as_text=True)
    api_wrong = client.post("/api/leaderboard")
    assert api_wrong.status_code == 405 and api_wrong.get_json()["error"]["code"] == (
        "method_not_allowed"
    )


def test_play_pages_ask_for_a_room(client: FlaskClient) -> None:
    for mode in ("quick", "private", "practice"):
        data = page_data(client.get(f"/play/{mode}?language=go").get_data(as_text=True))
        assert data["code"] is None and data["mode"] == mode and data["language"] == "go"
    odd = page_data(client.get("/play/quick?language=<b>cobol</b>").get_data(as_text=True))
    assert odd["language"] == "any"
    assert client.get("/play/tournament").status_code == 404


def test_page_data_cannot_break_out_of_its_script(client: FlaskClient) -> None:
    html = client.get("/play/quick?language=</script><script>alert(1)</script>").get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in html


def test_every_vendor_asset_is_served_from_node_modules(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        root = node_modules()
    if not (root / "socket.io-client").is_dir():
        pytest.skip("node_modules is not installed (run `make setup`)")
    for name, relative in ASSETS.items():
        answer = client.get(f"/vendor/{name}")
        assert answer.status_code == 200, name
        body = (root / relative).read_bytes()
        if name in MODULE_EXPORTS:  # a global-defining minified build, exported as a module
            body += f"\nexport default {MODULE_EXPORTS[name]};\n".encode()
        assert answer.get_data() == body
        if name.endswith(".js"):
            assert answer.mimetype == "text/javascript", name
        answer.close()


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/",
        "/vendor/nope.js",
        "/vendor/socket.io-client/package.json",
        "/vendor/../package.json",
        "/vendor/..%2fpackage.json",
        "/vendor/%2e%2e/%2e%2e/pyproject.toml",
        "/vendor/hljs/../../pyproject.toml",
        "/vendor//etc/passwd",
        "/vendor/hljs/core.js/..",
        "/vendor/hljs/python.js%00",
        "/vendor/HLJS/CORE.JS",
        "/vendor/hljs/brainfuck.js",
    ],
)
def test_vendor_serves_only_the_allowlist(client: FlaskClient, path: str) -> None:
    answer = client.get(path, follow_redirects=True)
    assert answer.status_code == 404, path


def test_vendor_allowlist_points_inside_node_modules() -> None:
    for relative in ASSETS.values():
        assert not Path(relative).is_absolute() and ".." not in Path(relative).parts


def test_secret_key_is_created_once_per_instance(app: Flask, tmp_path: Path) -> None:
    key_file = Path(app.config["INSTANCE_PATH"]) / "secret_key"
    assert key_file.read_text().strip() == app.config["SECRET_KEY"]
    assert len(app.config["SECRET_KEY"]) == 64


def test_a_practice_link_can_name_a_ghost(client: FlaskClient) -> None:
    run = "AAAAAAAAAAAAAAAAAAAAA1:p0123456789abcdef"
    data = page_data(client.get(f"/play/practice?ghost={run}").get_data(as_text=True))
    assert data["ghost"] == {"race": "AAAAAAAAAAAAAAAAAAAAA1", "player": "p0123456789abcdef"}
    # A broken link still opens the practice run; the page says the ghost is missing.
    broken = page_data(client.get("/play/practice?ghost=<b>").get_data(as_text=True))
    assert broken["ghost"] == {"invalid": "1"}
    assert page_data(client.get("/play/practice").get_data(as_text=True))["ghost"] is None
    assert page_data(client.get(f"/play/quick?ghost={run}").get_data(as_text=True))["ghost"] is None
