"""The built-in snippet corpus: ``*.snip`` files beside this module, loaded and checked once.

Tracks (``tracks/*.toml`` in the same folder) are loaded with it and checked against it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from pathlib import Path
from types import MappingProxyType

from race.core.lesson import About
from race.core.snippet import DIFFICULTIES
from race.core.snippet import Snippet
from race.core.snippet import SnippetError
from race.core.snippet import parse_snippet
from race.core.track import Track
from race.core.track import make_track

CORPUS_DIR = Path(__file__).parent
#: The folder of track files inside a corpus folder (optional).
TRACKS_DIR = "tracks"
#: Track files read from one corpus folder at most (each names its snippets).
MAX_TRACKS = 50


@dataclass(frozen=True)
class Corpus:
    """The snippets by id (read-only), in a stable order: language, difficulty, id."""

    by_id: Mapping[str, Snippet] = field(default_factory=dict)
    #: What each snippet shows, by snippet id (every corpus snippet has one).
    abouts: Mapping[str, About] = field(default_factory=dict)
    #: The tracks through this corpus, by id, in file-name order.
    tracks: Mapping[str, Track] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Snippet]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, snippet_id: str) -> Snippet | None:
        """Return the snippet with this id, or None."""
        return self.by_id.get(snippet_id)

    def about(self, snippet: Snippet) -> About | None:
        """Return what a snippet shows, if it is this corpus's snippet with this very text."""
        own = self.by_id.get(snippet.id)
        if own is None or own.text != snippet.text or own.indent != snippet.indent:
            return None  # custom code, or a version of the snippet this corpus no longer has
        return self.abouts.get(snippet.id)

    def languages(self) -> list[str]:
        """Return the languages that have at least one snippet."""
        return sorted({s.language for s in self})

    def select(self, language: str | None = None, difficulty: str | None = None) -> list[Snippet]:
        """Return the snippets matching a language and difficulty (None matches any)."""
        return [
            s
            for s in self
            if (language is None or s.language == language)
            and (difficulty is None or s.difficulty == difficulty)
        ]


def load_dir(directory: Path) -> Corpus:
    """Load every ``*.snip`` file under a directory; errors name the file and the problem.

    A file's name must be its id and its folder (if any) its language.
    """
    if not directory.is_dir():
        raise SnippetError(f"{directory}: no such snippet folder")
    snippets: dict[str, Snippet] = {}
    abouts: dict[str, About] = {}
    origin: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.snip")):
        name = str(path.relative_to(directory))
        try:
            source = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SnippetError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        snippet, about = parse_snippet(source, name)
        if snippet.id != path.stem:
            raise SnippetError(f"{name}: id {snippet.id!r} does not match the file name")
        folder = path.parent.relative_to(directory)
        if folder.parts and folder.parts[0] != snippet.language:
            raise SnippetError(f"{name}: language {snippet.language!r} but in folder {folder}")
        if snippet.id in snippets:
            raise SnippetError(f"{name}: id {snippet.id!r} is already used by {origin[snippet.id]}")
        snippets[snippet.id] = snippet
        abouts[snippet.id] = about
        origin[snippet.id] = path.relative_to(directory)
    ordered = sorted(
        snippets.values(), key=lambda s: (s.language, DIFFICULTIES.index(s.difficulty), s.id)
    )
    tracks = load_tracks(directory / TRACKS_DIR, snippets.keys())
    return Corpus(
        MappingProxyType({s.id: s for s in ordered}),
        MappingProxyType({s.id: abouts[s.id] for s in ordered}),
        MappingProxyType(tracks),
    )


def load_tracks(directory: Path, known: Iterable[str]) -> dict[str, Track]:
    """Load every ``*.toml`` track in a folder (none if it is absent); errors name the file."""
    if not directory.is_dir():
        return {}
    ids = frozenset(known)
    paths = sorted(directory.glob("*.toml"))
    if len(paths) > MAX_TRACKS:
        raise SnippetError(f"{directory}: {len(paths)} track files; the limit is {MAX_TRACKS}")
    tracks: dict[str, Track] = {}
    for path in paths:
        name = f"{TRACKS_DIR}/{path.name}"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise SnippetError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SnippetError(f"{name}: not valid TOML ({exc})") from None
        try:
            tracks[path.stem] = make_track(path.stem, data, ids)
        except ValueError as exc:
            raise SnippetError(f"{name}: {exc}") from None
    return tracks


@cache
def builtin() -> Corpus:
    """Return the corpus shipped with the package (loaded once per process)."""
    corpus = load_dir(CORPUS_DIR)
    if not corpus:
        raise SnippetError(f"{CORPUS_DIR}: the built-in corpus is empty (package built wrongly?)")
    return corpus
