"""Code-aware error analysis of one player's race: speed and errors per token class, per
key and per bigram, and where the mistakes happened.

The analysis replays the keys through the scorer's own fold (``Typist``), one key at a
time, and watches what each key did: which characters it put in place, whether it opened
a mistake. So it counts exactly what the figures count (its errors per key are the
figures' ``missed``).

- A character's time is the time from the previous correct character to it: the
  hesitation before it and any mistake made and fixed on the way are its cost. The first
  correct character (timed from the start signal) and any gap over ``PAUSE_MS`` are not
  timed; the rest of the characters one Tab types at once are counted but not timed.
- A mistake is a wrong key where no error was pending (what ``missed`` counts), charged to
  the expected character and its token class.
- A bigram is two characters typed correctly one after the other (an auto-filled
  indentation between them does not separate them); its time is the second one's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from race.core.course import Course
from race.core.keylog import KeyLog
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import Key
from race.core.scorer import Typist
from race.core.snippet import indent_unit
from race.core.tokens import CLASS_OF_CODE
from race.core.tokens import CLASSES
from race.core.tokens import IDENTIFIER

#: A gap longer than this between two correct characters is a pause, not typing.
PAUSE_MS = 3000
#: Keys and bigrams listed, slowest first.
TOP_KEYS = 10
TOP_BIGRAMS = 10
#: Mistakes whose place is kept for the mistakes view (the rest are still counted).
MAX_MISTAKES = 200
#: A class, key or bigram needs this many timed characters before its speed is compared.
MIN_TIMED = 3


@dataclass(slots=True)
class Tally:
    """Characters typed right, how many of them were timed and in how long, and mistakes."""

    chars: int = 0
    timed: int = 0
    ms: int = 0
    errors: int = 0

    @property
    def ms_per_char(self) -> float | None:
        """Return the mean time per timed character, or None if none was timed."""
        return self.ms / self.timed if self.timed else None

    @property
    def error_rate(self) -> float:
        """Return the share of attempts that were mistakes, 0.0 to 1.0."""
        attempts = self.chars + self.errors
        return self.errors / attempts if attempts else 0.0


@dataclass(frozen=True, slots=True)
class Mistake:
    """A mistake: where in the snippet, the character typed instead, and when."""

    pos: int
    typed: str
    t_ms: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """A player's race, analysed."""

    by_class: dict[str, Tally]
    by_key: dict[str, Tally]
    by_bigram: dict[str, Tally]
    mistakes: tuple[Mistake, ...]
    #: Mistakes made in all (``mistakes`` keeps the first ``MAX_MISTAKES``).
    mistake_count: int


def analyse(course: Course, classes: str | None, keys: Iterable[Key]) -> Analysis:
    """Fold keys over a course and tally them by token class (``classes``: one code of
    ``race.core.tokens.CODES`` per character of the text, or None if unknown)."""
    if classes is not None and len(classes) != course.length:
        raise ValueError(f"{len(classes)} classes for a text of {course.length} characters")
    text = course.text
    by_class: dict[str, Tally] = {}
    by_key: dict[str, Tally] = {}
    by_bigram: dict[str, Tally] = {}
    mistakes: list[Mistake] = []
    count = 0
    typist = Typist(course)
    last_t: int | None = None
    last_pos = -1
    for key in keys:
        if typist.finished:
            break
        pos0, correct0 = typist.pos, typist.correct
        missed0 = sum(typist.missed.values()) if key[1] == TAB else 0
        pending0, incorrect0 = bool(typist.error_run), typist.incorrect
        typist.feed((key,))
        t = typist.last_ms
        for i in range(typist.correct - correct0):
            p = pos0 + i
            ch = text[p]
            gap = -1 if last_t is None or i else t - last_t
            timed = 0 <= gap <= PAUSE_MS
            cls = CLASS_OF_CODE[classes[p]] if classes is not None else None
            tallies = [by_key.setdefault(ch, Tally())]
            if cls is not None:
                tallies.append(by_class.setdefault(cls, Tally()))
            if timed and last_pos >= 0 and course.skip_to[last_pos + 1] == p:
                tallies.append(by_bigram.setdefault(text[last_pos] + ch, Tally()))
            for tally in tallies:
                tally.chars += 1
                if timed:
                    tally.timed += 1
                    tally.ms += gap
            last_t, last_pos = t, p
        if key[1] == TAB:
            opened = sum(typist.missed.values()) - missed0
        else:  # the scorer counts a mistake when a wrong key opens an error run
            opened = int(typist.incorrect > incorrect0 and not pending0)
        for _ in range(opened):
            p = typist.pos
            expected = text[p] if p < course.length else ""
            by_key.setdefault(expected, Tally()).errors += 1
            if classes is not None and p < course.length:
                by_class.setdefault(CLASS_OF_CODE[classes[p]], Tally()).errors += 1
            count += 1
            if len(mistakes) < MAX_MISTAKES:
                # the wrong character now first in the error run (Tab types blanks)
                typed = typist.error_run[:1] or ("\n" if key[1] == ENTER else key[1][:1])
                mistakes.append(Mistake(p, typed, t))
    return Analysis(by_class, by_key, by_bigram, tuple(mistakes), count)


def analyse_log(log: KeyLog, classes: str | None) -> Analysis:
    """Analyse a stored log as the scorer scores it (keys past the time limit do not count)."""
    course = Course(log.snippet, log.rules, indent_unit(log.indent))
    keys = (
        k
        for batch in log.batches
        for k in batch.keys
        if log.limit_ms is None or k[0] <= log.limit_ms
    )
    return analyse(course, classes, keys)


def baseline(by_class: dict[str, Tally]) -> str | None:
    """Return the class others are compared with: identifiers, or else the most timed class
    (None if no class has ``MIN_TIMED`` timed characters)."""
    timed = {c: t.timed for c, t in by_class.items() if t.timed >= MIN_TIMED}
    if not timed:
        return None
    return IDENTIFIER if IDENTIFIER in timed else max(timed, key=lambda c: (timed[c], c))


def slower(by_class: dict[str, Tally]) -> tuple[str, str, int] | None:
    """Return (slowest class, baseline class, percent slower), comparing the classes with at
    least ``MIN_TIMED`` timed characters; None if none is slower than the baseline."""
    base = baseline(by_class)
    if base is None:
        return None
    base_ms = by_class[base].ms_per_char
    others = [c for c in CLASSES if c in by_class and by_class[c].timed >= MIN_TIMED]
    others.remove(base)
    if not others or not base_ms:
        return None
    worst = max(others, key=lambda c: by_class[c].ms_per_char or 0.0)
    worst_ms = by_class[worst].ms_per_char
    if worst_ms is None or worst_ms <= base_ms:
        return None
    return worst, base, round(100 * (worst_ms / base_ms - 1))


def _tally_json(tally: Tally) -> dict[str, object]:
    ms = tally.ms_per_char
    return {
        "chars": tally.chars,
        "errors": tally.errors,
        "error_rate": round(tally.error_rate, 4),
        "ms_per_char": None if ms is None else round(ms, 1),
    }


def _slowest(tallies: dict[str, Tally], top: int) -> list[tuple[str, Tally]]:
    timed = [(k, t) for k, t in tallies.items() if t.timed >= MIN_TIMED]
    timed.sort(key=lambda kv: (-(kv[1].ms_per_char or 0.0), kv[0]))
    return timed[:top]


def analysis_json(analysis: Analysis) -> dict[str, object]:
    """Return an analysis as the results API serves it (every list bounded)."""
    found = slower(analysis.by_class)
    base = baseline(analysis.by_class)
    base_ms = analysis.by_class[base].ms_per_char if base else None
    classes = []
    for cls in CLASSES:
        tally = analysis.by_class.get(cls)
        if tally is None:
            continue
        ms = tally.ms_per_char
        vs = None
        if base_ms and ms is not None and tally.timed >= MIN_TIMED and cls != base:
            vs = round(100 * (ms / base_ms - 1))
        classes.append({"class": cls, **_tally_json(tally), "vs_baseline": vs})
    return {
        "classes": classes,
        "baseline": base,
        "slowest": None if found is None else {"class": found[0], "percent": found[2]},
        "keys": [{"key": k, **_tally_json(t)} for k, t in _slowest(analysis.by_key, TOP_KEYS)],
        "bigrams": [
            {"pair": k, **_tally_json(t)} for k, t in _slowest(analysis.by_bigram, TOP_BIGRAMS)
        ],
        "mistakes": [[m.pos, m.typed, m.t_ms] for m in analysis.mistakes],
        "mistake_count": analysis.mistake_count,
    }
