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
