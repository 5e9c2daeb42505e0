"""Tracks load beside the corpus; a track naming a missing snippet or a bad goal is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from race.core.snippet import SnippetError
from race.core.track import MAX_GOAL_WPM
from race.core.track import MAX_STEPS
from race.core.track import MIN_GOAL_ACCURACY
from race.corpus import builtin
from race.corpus import load_dir

#: The order a learner meets Flask in (the issue's list), one snippet at least per topic.
FLASK_ORDER = [
    "flask-hello-routes",
    "flask-render-template",
    "flask-request-data",
    "flask-session-flash",
    "flask-error-handlers",
    "flask-request-hooks",
    "flask-blueprint-scores",
    "flask-app-factory",
    "flask-cli-command",
    "flask-sqlalchemy-models",
    "flask-sqlalchemy-queries",
    "flask-test-client",
    "flask-socketio-rooms",
]
SNIP = (
    "id: {id}\ntitle: {title}\nlanguage: python\ndifficulty: easy\nindent: spaces:4\n"
    "about: Adds two numbers and returns their total. The local name makes the sum readable.\n"
    "concepts: routing\n---\ndef add(a, b):\n    total = a + b\n    return total\n"
)
GOOD = """title = "Two steps"
about = "A short track for the tests."

[[steps]]
snippet = "one"
accuracy = 95
wpm = 20

[[steps]]
snippet = "two"
accuracy = 95
wpm = 25
"""

HEAD = GOOD.partition("[[steps]]")[0]


def _corpus(tmp_path: Path, track: str | bytes) -> Path:
    for snippet_id in ("one", "two"):
        path = tmp_path / "python" / f"{snippet_id}.snip"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SNIP.format(id=snippet_id, title=snippet_id.title()), encoding="utf-8")
    path = tmp_path / "tracks" / "mini.toml"
    path.parent.mkdir(exist_ok=True)
    if isinstance(track, bytes):
        path.write_bytes(track)
    else:
        path.write_text(track, encoding="utf-8")
    return tmp_path


def _refused(tmp_path: Path, track: str | bytes, *fragments: str) -> None:
    with pytest.raises(SnippetError) as info:
        load_dir(_corpus(tmp_path, track))
    message = str(info.value)
    assert "tracks/mini.toml" in message
    for fragment in fragments:
        assert fragment in message


# -- the built-in Flask track ------------------------------------------------------------


def test_flask_track_names_only_existing_snippets() -> None:
    corpus = builtin()
    track = corpus.tracks["flask"]
    assert track.title == "Learn Flask by typing it"
    assert all(corpus.get(step.snippet) is not None for step in track.steps)
    assert len({step.snippet for step in track.steps}) == len(track.steps)


def test_flask_track_follows_the_learning_order() -> None:
    ids = [step.snippet for step in builtin().tracks["flask"].steps]
    positions = [ids.index(snippet_id) for snippet_id in FLASK_ORDER]
    assert positions == sorted(positions)


def test_flask_track_goals_rise() -> None:
    steps = builtin().tracks["flask"].steps
    assert all(step.accuracy >= 95 for step in steps)
    wpms = [step.wpm for step in steps]
    assert wpms == sorted(wpms)
    assert wpms[-1] > wpms[0]


def test_a_corpus_without_tracks_has_none(tmp_path: Path) -> None:
    corpus = load_dir(_corpus(tmp_path, GOOD))
    assert list(corpus.tracks) == ["mini"]
    (tmp_path / "tracks" / "mini.toml").unlink()
    assert dict(load_dir(tmp_path).tracks) == {}


def test_loads_a_good_track(tmp_path: Path) -> None:
    track = load_dir(_corpus(tmp_path, GOOD)).tracks["mini"]
    assert [(s.snippet, s.accuracy, s.wpm) for s in track.steps] == [
        ("one", 95, 20),
        ("two", 95, 25),
    ]


# -- refusals ----------------------------------------------------------------------------


def test_missing_snippet_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace('"two"', '"three"'), "step 2", "no snippet 'three'")


def test_empty_track_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, HEAD, "at least one")


def test_too_many_steps_are_refused(tmp_path: Path) -> None:
    step = '[[steps]]\nsnippet = "one"\naccuracy = 95\nwpm = 20\n'
    _refused(tmp_path, HEAD + step * (MAX_STEPS + 1), f"{MAX_STEPS}")


def test_repeated_snippet_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace('"two"', '"one"'), "step 2", "already a step")


def test_low_accuracy_goal_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("accuracy = 95\nwpm = 25", f"accuracy = {MIN_GOAL_ACCURACY - 1}\nwpm = 25")
    _refused(tmp_path, text, "step 2", "accuracy")


def test_fractional_goal_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25", "wpm = 25.5"), "step 2", "whole number")


def test_text_goal_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25", 'wpm = "fast"'), "step 2", "whole number")


def test_boolean_goal_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("accuracy = 95\nwpm = 20", "accuracy = true\nwpm = 20")
    _refused(tmp_path, text, "step 1", "whole number")


def test_too_fast_goal_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25", f"wpm = {MAX_GOAL_WPM + 1}"), "step 2", "wpm")


def test_falling_wpm_goal_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25", "wpm = 15"), "step 2", "rise")


def test_missing_goal_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25\n", ""), "step 2", "wpm")


def test_unknown_step_key_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("wpm = 25", "wpm = 25\nspeed = 3"), "step 2", "speed")


def test_unknown_track_key_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, "colour = 'red'\n" + GOOD, "colour")


def test_missing_title_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace('title = "Two steps"\n', ""), "title")


def test_bad_toml_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD + "[[steps]\n", "not valid TOML")


def test_non_utf8_track_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD.replace("Two steps", "Deux \xe9tapes").encode("latin-1"), "UTF-8")
