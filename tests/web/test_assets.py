"""Light pages: compressed responses, content-hashed asset URLs with long cache lifetimes,
every module under static/js in the import map (with the CSP still allowing it)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from race import create_app
from race.config import Config
from race.web.assets import HASHED_MAX_AGE

YEAR = f"max-age={HASHED_MAX_AGE}"


def get(client: FlaskClient, url: str, encoding: str = "identity") -> tuple[Headers, bytes]:
    """Fetch a URL; return its headers and body (the file it streamed is closed)."""
    with client.get(url, headers={"Accept-Encoding": encoding}) as answer:
        return answer.headers, answer.get_data()


def import_map(html: str) -> tuple[str, dict[str, str]]:
    """Return a page's import map, as written and as parsed."""
    found = re.search(r'<script type="importmap">(.*?)</script>', html, re.S)
    assert found, "the page has an import map"
    return found.group(1), json.loads(found.group(1))["imports"]


def test_a_big_script_is_sent_compressed(client: FlaskClient) -> None:
    html = client.get("/play/practice").get_data(as_text=True)
    _, imports = import_map(html)
    url = imports["socket.io-client"]
    plain, body = get(client, url)
    assert "Content-Encoding" not in plain
    squeezed, packed = get(client, url, "gzip, deflate, br")
    assert squeezed["Content-Encoding"] == "br"
    assert "Accept-Encoding" in squeezed["Vary"]
    assert brotli.decompress(packed) == body and len(packed) < len(body) / 2


def test_pages_are_compressed_with_gzip_for_a_client_without_brotli(client: FlaskClient) -> None:
    answer = client.get("/snippets", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"


def test_hashed_urls_are_cached_for_a_year_and_others_revalidate(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/static/js/home\.js\?v=[0-9a-f]{12})"', html)
    assert script, "the home page's script URL carries its hash"
    hashed, _ = get(client, script.group(1))
    assert YEAR in hashed["Cache-Control"] and "immutable" in hashed["Cache-Control"]
    for stale in ("/static/js/home.js", "/static/js/home.js?v=000000000000"):
        headers, body = get(client, stale)
        assert body and headers["Cache-Control"] == "no-cache", stale
    _, imports = import_map(html)
    vendor, _ = get(client, imports["highlight.js"])
    assert YEAR in vendor["Cache-Control"]


def test_every_module_under_static_js_is_in_the_import_map(app: Flask, client: FlaskClient) -> None:
    inline, imports = import_map(client.get("/").get_data(as_text=True))
    root = Path(app.static_folder or "") / "js"
    for path in root.rglob("*.js"):
        plain = "/static/" + path.relative_to(root.parent).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        assert imports[plain] == f"{plain}?v={digest}"
    policy = client.get("/").headers["Content-Security-Policy"]
    allowed = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{allowed}'" in policy and "'unsafe-inline'" not in policy


def test_a_changed_file_gets_a_new_url(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    static = tmp_path / "static"
    shutil.copytree(root / "static", static)
    config = Config({"CODERACE_INSTANCE": str(tmp_path / "i"), "CODERACE_TESTING": "1"})
    app = create_app(config)
    app.static_folder = str(static)
    client = app.test_client()

    def url() -> str:
        found = re.search(r'"(/static/js/dom\.js\?v=[0-9a-f]+)"', client.get("/").get_data(True))
        assert found
        return found.group(1)

    before = url()
    (static / "js" / "dom.js").write_text("// changed\n" + (static / "js" / "dom.js").read_text())
    after = url()
    assert after != before
    assert YEAR in get(client, after)[0]["Cache-Control"]
    assert get(client, before)[0]["Cache-Control"] == "no-cache"
    (static / "js" / "new-module.js").write_text("export const x = 1;\n")
    assert "/static/js/new-module.js?v=" in client.get("/").get_data(as_text=True)


def test_the_chart_library_is_not_loaded_before_a_chart_is_drawn() -> None:
    chart = (Path(__file__).resolve().parents[2] / "static/js/chart.js").read_text()
    assert not re.search(r'^import .* from "uplot"', chart, re.M)
    assert 'import("uplot")' in chart


@pytest.mark.parametrize("name", ["uplot.js"])
def test_the_minified_build_of_uplot_loads_as_a_module(client: FlaskClient, name: str) -> None:
    body = get(client, f"/vendor/{name}")[1].decode()
    assert body.startswith("/*! https://github.com/leeoniya/uPlot")
    assert body.rstrip().endswith("export default uPlot;")
    assert len(body) < 60_000  # the unminified ES build is ~146 KB
