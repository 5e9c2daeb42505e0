"""What each snippet shows, on the pages: the library's cards and API carry its about and
concept tags, and a search finds a snippet by a concept."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient
from markupsafe import escape

from race.corpus import builtin
from tests.web.test_library import card
from tests.web.test_library import cards
from tests.web.test_pages import small_corpus_app


def test_every_library_card_says_what_its_snippet_shows(client: FlaskClient) -> None:
    html = client.get("/snippets").get_data(as_text=True)
    for snippet in builtin():
        about = builtin().abouts[snippet.id]
        markup = card(html, snippet.id)
        assert f'<p class="snippet-about">{escape(about.text)}</p>' in markup
        tags = re.findall(r'<span class="concept">([^<]+)</span>', markup)
        assert tags == list(about.concepts)


def test_a_search_finds_snippets_by_concept(client: FlaskClient) -> None:
    html = client.get("/snippets?q=request-hooks").get_data(as_text=True)
    expected = [s.id for s in builtin() if "request-hooks" in builtin().abouts[s.id].concepts]
    assert expected and cards(html) == expected


def test_the_snippet_api_carries_about_and_concepts(client: FlaskClient) -> None:
    rows = {row["id"]: row for row in client.get("/api/snippets").get_json()}
    assert set(rows) == set(builtin().by_id)
    for snippet_id, about in builtin().abouts.items():
        assert rows[snippet_id]["about"] == about.text
        assert rows[snippet_id]["concepts"] == list(about.concepts)


def test_a_configured_corpus_shows_its_own_abouts(tmp_path: Path) -> None:
    client = small_corpus_app(tmp_path).test_client()
    html = client.get("/snippets").get_data(as_text=True)
    assert "made for the tests" in card(html, "py-short")
    assert '<span class="concept">testing</span>' in card(html, "go-short")


def test_the_flask_track_page_lists_its_steps_in_order(client: FlaskClient) -> None:
    track = builtin().tracks["flask"]
    page = client.get("/tracks/flask")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<h1>{escape(track.title)}</h1>" in html
    listed = re.findall(r'<li class="track-step" data-id="([^"]+)">', html)
    assert listed == [step.snippet for step in track.steps]
    for step in track.steps:
        markup = re.search(rf'data-id="{step.snippet}">(.*?)</li>', html, re.S)
        assert markup, step.snippet
        body = markup.group(1)
        assert str(escape(builtin().abouts[step.snippet].text)) in body
        goal = f"<strong>{step.accuracy} %</strong> accuracy at <strong>{step.wpm} wpm</strong>"
        assert goal in body
        assert f'href="/play/practice?snippet={step.snippet}"' in body


def test_an_unknown_track_is_a_404(client: FlaskClient) -> None:
    missing = client.get("/tracks/cobol")
    assert missing.status_code == 404
    assert "no such track" in missing.get_data(as_text=True)


def test_the_landing_links_the_flask_track(client: FlaskClient, tmp_path: Path) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/tracks/flask"' in html and "Learn Flask by typing it" in html
    steps = len(builtin().tracks["flask"].steps)
    assert f"{steps} real Flask examples" in html
    bare = small_corpus_app(tmp_path).test_client().get("/").get_data(as_text=True)
    assert "/tracks/flask" not in bare  # a corpus without the track offers none
    assert small_corpus_app(tmp_path / "b").test_client().get("/tracks/flask").status_code == 404
