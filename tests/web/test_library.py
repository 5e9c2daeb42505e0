"""The snippet library (/snippets): previews, best times from stored results, search and
the language filter, language names, and bad query strings refused with a clear 400."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from race.core.snippet import LANGUAGE_NAMES
from race.corpus import builtin
from race.web.library import PREVIEW_LINE_CHARS
from race.web.library import PREVIEW_LINES
from race.web.library import preview
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing
from tests.web.test_board import save
from tests.web.test_pages import small_corpus_app


@pytest.fixture
def small(tmp_path: Path) -> Flask:
    """Return an app whose corpus is two short snippets (py-short matches tests.db.records)."""
    return small_corpus_app(tmp_path)


def cards(html: str) -> list[str]:
    """Return the snippet ids of the library's cards, in order."""
    return re.findall(r'<li class="snippet-card" data-language="[a-z]+" data-id="([^"]+)"', html)


def card(html: str, snippet_id: str) -> str:
    """Return one card's markup."""
    found = re.search(rf'data-id="{snippet_id}">(.*?)</li>', html, re.S)
    assert found, f"no card for {snippet_id}"
    return found.group(1)


def test_every_snippet_has_a_preview_figures_and_a_practise_button(client: FlaskClient) -> None:
    html = client.get("/snippets").get_data(as_text=True)
    assert cards(html) == [s.id for s in builtin()]
    first = next(iter(builtin()))
    body = card(html, first.id)
    assert f'href="/play/practice?snippet={first.id}"' in body
    assert f"{first.lines} lines" in body and f"{len(first.text)} characters" in body
    assert f"diff-{first.difficulty}" in body
    assert "no time yet" in body and "/leaderboard?snippet=" not in body
    code = re.search(r"<code>(.*?)</code>", body, re.S)
    assert code and code.group(1).split("\n")[0].strip() in first.text


def test_a_preview_keeps_whole_lines_and_never_cuts_a_word() -> None:
    text = "\n".join(f"line {i}" for i in range(10))
    shown = preview(text).split("\n")
    assert shown[:PREVIEW_LINES] == [f"line {i}" for i in range(PREVIEW_LINES)]
    assert shown[-1] == "…"
    assert preview("a\nb") == "a\nb"
    words = " ".join(f"word{i:02d}" for i in range(30))
    cut = preview(words)
    assert len(cut) <= PREVIEW_LINE_CHARS and cut.endswith(" …")
    assert all(w in words.split() for w in cut.removesuffix(" …").split())


def test_best_time_comes_from_stored_unflagged_results(small: Flask) -> None:
    save(
        small,
        record(
            "BBBBBBBBBBBBBBBBBBBBB1",
            [standing(pid(1), "Ada", 70.0), standing(pid(2), "Bo", 90.0, flagged=True)],
        ),
        record("BBBBBBBBBBBBBBBBBBBBB2", [standing(pid(3), "Cy", 65.0)], kind="practice"),
    )
    from race.db.app import database
    from race.db.models import Result

    with database(small).sessions() as session:  # Cy's run was the fastest unflagged one
        for r in session.query(Result):
            r.duration_ms = {pid(1): 15_000, pid(2): 3_000, pid(3): 9_400}[r.player_id]
        session.commit()
    html = small.test_client().get("/snippets").get_data(as_text=True)
    short = card(html, "py-short")
    assert re.search(r'<strong class="best">9\.4 s</strong> \(70 wpm\)', short), short
    assert 'href="/leaderboard?snippet=py-short"' in short
    assert "no time yet" in card(html, "go-short")


def test_the_language_filter_and_the_search_narrow_the_list(small: Flask) -> None:
    client = small.test_client()
    assert cards(client.get("/snippets?language=go").get_data(as_text=True)) == ["go-short"]
    assert cards(client.get("/snippets?q=fmt.Println").get_data(as_text=True)) == ["go-short"]
    assert cards(client.get("/snippets?q=short+python").get_data(as_text=True)) == ["py-short"]
    both = client.get("/snippets?language=&q=").get_data(as_text=True)
    assert sorted(cards(both)) == ["go-short", "py-short"]
    none = client.get("/snippets?language=python&q=fmt").get_data(as_text=True)
    assert cards(none) == [] and '<p class="empty" id="library-empty">' in none
    assert "0 of 2 snippets match." in none


def test_languages_have_their_proper_names_on_every_page(client: FlaskClient) -> None:
    library = client.get("/snippets").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    for language in builtin().languages():
        name = LANGUAGE_NAMES[language]
        assert f'<option value="{language}">{name}</option>' in home
        assert f">{name}</option>" in library
        assert f'<span class="tag">{name}</span>' in library
    assert "Css" not in library and ">css<" not in library
    names = re.search(r'id="language-names">(.*?)</script>', home)
    assert names and '"javascript": "JavaScript"' in names.group(1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("language=cobol", "language must be one of"),
        ("language=%3Cscript%3E", "language must be one of"),
        ("q=" + "x" * 81, "at most 80 characters"),
    ],
)
def test_a_bad_query_is_refused_with_a_clear_400(
    client: FlaskClient, query: str, message: str
) -> None:
    answer = client.get(f"/snippets?{query}")
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)


def test_odd_but_harmless_queries_are_read_sensibly(small: Flask) -> None:
    client = small.test_client()
    for query in ("language=any", "language=GO", "q=%20%20", "page=7", "q=%00"):
        assert client.get(f"/snippets?{query}").status_code == 200, query
    assert cards(client.get("/snippets?language=GO").get_data(as_text=True)) == ["go-short"]


def test_practice_opens_on_a_named_snippet_and_refuses_an_unknown_one(client: FlaskClient) -> None:
    first = next(iter(builtin()))
    html = client.get(f"/play/practice?snippet={first.id}").get_data(as_text=True)
    assert f'"snippet": "{first.id}"' in html
    missing = client.get("/play/practice?snippet=no-such-snippet")
    assert missing.status_code == 404 and "snippet library" in missing.get_data(as_text=True)
