"""The home page and the snippet listing."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from race.corpus import builtin


def test_index_lists_the_corpus(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for snippet in builtin():
        assert str(escape(snippet.title)) in html
    assert f"{len(builtin())} snippets" in html


def test_snippet_api(client: FlaskClient) -> None:
    data = client.get("/api/snippets").get_json()
    assert len(data) == len(builtin())
    assert {"id", "title", "language", "difficulty", "lines", "chars"} <= set(data[0])


def test_secret_key_is_created_once_per_instance(app: Flask, tmp_path: Path) -> None:
    key_file = Path(app.config["INSTANCE_PATH"]) / "secret_key"
    assert key_file.read_text().strip() == app.config["SECRET_KEY"]
    assert len(app.config["SECRET_KEY"]) == 64
