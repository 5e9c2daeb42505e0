"""The built-in snippet corpus: ``*.snip`` files beside this module, loaded and checked once."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from pathlib import Path
from types import MappingProxyType

from race.core.snippet import DIFFICULTIES
from race.core.snippet import Snippet
from race.core.snippet import SnippetError
from race.core.snippet import parse_snippet

CORPUS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Corpus:
    """The snippets by id (read-only), in a stable order: language, difficulty, id."""

    by_id: Mapping[str, Snippet] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Snippet]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, snippet_id: str) -> Snippet | None:
        """Return the snippet with this id, or None."""
        return self.by_id.get(snippet_id)

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
    origin: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.snip")):
        name = str(path.relative_to(directory))
        try:
            source = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SnippetError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        snippet = parse_snippet(source, name)
        if snippet.id != path.stem:
            raise SnippetError(f"{name}: id {snippet.id!r} does not match the file name")
        folder = path.parent.relative_to(directory)
        if folder.parts and folder.parts[0] != snippet.language:
            raise SnippetError(f"{name}: language {snippet.language!r} but in folder {folder}")
        if snippet.id in snippets:
            raise SnippetError(f"{name}: id {snippet.id!r} is already used by {origin[snippet.id]}")
        snippets[snippet.id] = snippet
        origin[snippet.id] = path.relative_to(directory)
    ordered = sorted(
        snippets.values(), key=lambda s: (s.language, DIFFICULTIES.index(s.difficulty), s.id)
    )
    return Corpus(MappingProxyType({s.id: s for s in ordered}))


@cache
def builtin() -> Corpus:
    """Return the corpus shipped with the package (loaded once per process)."""
    corpus = load_dir(CORPUS_DIR)
    if not corpus:
        raise SnippetError(f"{CORPUS_DIR}: the built-in corpus is empty (package built wrongly?)")
    return corpus
