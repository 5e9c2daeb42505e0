"""Real human typing turned into CodeRace key streams (test support for the verdict).

The data is the Aalto "136M Keystrokes" sample (Dhakal, Feit, Kristensson, Oulasvirta,
CHI 2018, doi:10.1145/3173574.3174220), non-commercial use with attribution. It is read
from ``../shared`` next to the repository at test time and never copied into the repo.

Each participant copied English sentences; we keep their keydowns in PRESS_TIME order,
drop modifier and navigation keys (SHIFT, CTRL, ALT, CAPS_LOCK, META, TAB, ESC, arrows;
a row without a letter is recovered from its keycode, as 51 participants' browsers sent
only keycodes), and replay every character keydown as the next action of a CodeRace
stream over a code snippet, at the participant's own times:

- a keydown that was right at that point of *their* sentence becomes the snippet's next
  correct key ("Enter" where the snippet has a newline);
- a wrong keydown becomes a wrong character, and their BKSP becomes "Backspace";
- sentences are joined with a pause equal to their own median interval, and the stream
  goes on (from their first sentence again if they run out) until the snippet is typed.

"Right at that point" follows CodeRace's own rule: a key is right when everything typed
before it in the sentence is still right and it is the next character of the text the
participant ended up with. Errors they never corrected are therefore not replayed as
errors (in CodeRace they would have had to fix them); ``Human.strict_accuracy`` counts
them too, for judging the accuracy floor.

``batches`` then groups the keys as the browser sends them (every 200 ms, received 20-80 ms
after the send, with the client clock off by up to ±100 ms).
"""

from __future__ import annotations

import csv
import difflib
import functools
import os
import random
import statistics
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from race.core.course import Course
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import Batch
from race.core.keys import Key
from race.core.scorer import Typist
from race.core.snippet import normalise

#: Where the dataset lives: ``../shared`` next to the repository (never inside it).
DATA_DIR = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "keystrokes" / "aalto136m"
)

#: The browser sent no letter for these rows (51 participants, nearly all their keys):
#: the character is recovered from KEYCODE rather than dropped, to keep their rhythm.
_NO_LETTER = frozenset({"", "NA"})
_BKSP = "BKSP"
#: Keycodes that carry no character (modifiers, Tab, Esc, Enter, OS keys): dropped.
_NON_CHAR_CODES = frozenset({8, 9, 13, 16, 17, 18, 20, 27, 91, 92, 93, 224})
#: US-layout keycode -> (unshifted, shifted) character, for browsers that only sent keycodes.
_PUNCT_CODES = {
    32: (" ", " "),
    59: (";", ":"),
    61: ("=", "+"),
    173: ("-", "_"),
    186: (";", ":"),
    187: ("=", "+"),
    188: (",", "<"),
    189: ("-", "_"),
    190: (".", ">"),
    191: ("/", "?"),
    192: ("`", "~"),
    219: ("[", "{"),
    220: ("\\", "|"),
    221: ("]", "}"),
    222: ("'", '"'),
}
_DIGIT_SHIFTED = ")!@#$%^&*("

#: Small original code snippets (inline on purpose: race/corpus is written elsewhere).
SNIPPETS: tuple[tuple[str, str], ...] = (
    (
        "python-median",
        "def median(values):\n"
        "    ordered = sorted(values)\n"
        "    mid = len(ordered) // 2\n"
        "    if len(ordered) % 2:\n"
        "        return ordered[mid]\n"
        "    return (ordered[mid - 1] + ordered[mid]) / 2\n",
    ),
    (
        "go-sum",
        "func sum(xs []int) int {\n"
        "    total := 0\n"
        "    for _, x := range xs {\n"
        "        total += x\n"
        "    }\n"
        "    return total\n"
        "}\n",
    ),
    (
        "sql-top-players",
        "SELECT p.name, MAX(r.wpm) AS best\n"
        "FROM players AS p\n"
        "JOIN results AS r ON r.player_id = p.id\n"
        "WHERE r.flagged = FALSE\n"
        "GROUP BY p.name\n"
        "ORDER BY best DESC\n"
        "LIMIT 10;\n",
    ),
    (
        "js-debounce",
        "function debounce(fn, ms) {\n"
        "    let timer = null;\n"
        "    return (...args) => {\n"
        "        clearTimeout(timer);\n"
        "        timer = setTimeout(() => fn(...args), ms);\n"
        "    };\n"
        "}\n",
    ),
)

#: One replayed keydown: time from the sentence's first keydown, the character ("" for a
#: backspace), and whether it was right at that point.
Act = tuple[int, str, bool]


@dataclass(frozen=True, slots=True)
class Human:
    """One participant: their group, flags, and their sentences as replayable actions."""

    pid: int
    group: str
    flags: str
    sentences: tuple[tuple[Act, ...], ...]
    #: Median interval between their character keydowns within a sentence (the join pause).
    pause_ms: int
    #: Character keydowns judged right / wrong by CodeRace's rule (see the module doc).
    correct: int
    wrong: int
    #: Characters left wrong in their submitted text (compared with the prompt).
    uncorrected: int

    @property
    def accuracy(self) -> float:
        """Return the CodeRace-style accuracy of their keydowns, in percent."""
        total = self.correct + self.wrong
        return 100.0 * self.correct / total if total else 100.0

    @property
    def strict_accuracy(self) -> float:
        """Return the accuracy counting also the errors they never corrected, in percent."""
        total = self.correct + self.wrong
        return 100.0 * max(0, self.correct - self.uncorrected) / total if total else 100.0


def data_missing_reason() -> str | None:
    """Return why the dataset cannot be used here, or None when it is present."""
    if (DATA_DIR / "keystrokes.tsv").is_file():
        return None
    return (
        f"the human keystroke dataset is not at {DATA_DIR.resolve()} "
        "(it is read from ../shared next to the repo, never bundled)"
    )


def require_data() -> None:
    """Skip the calling test when the dataset is missing; fail instead when CI=true."""
    import pytest

    reason = data_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must have it")
    pytest.skip(reason)


@functools.cache
def load_humans() -> tuple[Human, ...]:
    """Read every participant of the sample, in participants.tsv order."""
    people = _read_tsv("participants.tsv")
    prompts = {
        (row["PARTICIPANT_ID"], row["TEST_SECTION_ID"]): row["SENTENCE"]
        for row in _read_tsv("sentences.tsv")
    }
    rows: dict[str, dict[str, list[tuple[int, str, int]]]] = {}
    for row in _read_tsv("keystrokes.tsv"):
        code = int(row["KEYCODE"]) if row["KEYCODE"].lstrip("-").isdigit() else -1
        sentences = rows.setdefault(row["PARTICIPANT_ID"], {})
        keys = sentences.setdefault(row["TEST_SECTION_ID"], [])
        keys.append((int(row["PRESS_TIME"]), row["LETTER"], code))
    humans: list[Human] = []
    for person in people:
        pid = person["PARTICIPANT_ID"]
        sections = rows.get(pid, {})
        ordered = sorted(sections.items(), key=lambda kv: min(p for p, _, _ in kv[1]))
        humans.append(
            _human(
                int(pid),
                person["GROUP"],
                person["FLAGS"],
                [(prompts.get((pid, sid), ""), keys) for sid, keys in ordered],
            )
        )
    return tuple(humans)


def _read_tsv(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _human(
    pid: int, group: str, flags: str, sections: list[tuple[str, list[tuple[int, str, int]]]]
) -> Human:
    sentences: list[tuple[Act, ...]] = []
    gaps: list[int] = []
    correct = wrong = uncorrected = 0
    for prompt, keys in sections:
        keys.sort(key=lambda k: k[0])  # stable: file order is already PRESS_TIME order
        events = _events(prompt, keys)
        if not events:
            continue
        first = events[0][0]
        target = _replay(events)
        acts: list[Act] = []
        good = err = 0
        for t, ch in events:
            if not ch:
                if err:
                    err -= 1
                elif good:
                    good -= 1
                acts.append((t - first, "", False))
                continue
            ok = not err and good < len(target) and target[good] == ch
            if ok:
                good += 1
                correct += 1
            else:
                err += 1
                wrong += 1
            acts.append((t - first, ch, ok))
        chars = [t for t, ch in events if ch]
        gaps += [b - a for a, b in pairwise(chars)]
        uncorrected += _uncorrected(target, prompt)
        sentences.append(tuple(acts))
    pause = int(statistics.median(gaps)) if gaps else 200
    return Human(pid, group, flags, tuple(sentences), pause, correct, wrong, uncorrected)


def _events(prompt: str, keys: list[tuple[int, str, int]]) -> list[tuple[int, str]]:
    """Turn raw keydowns into (time, char) with "" for a backspace; drop the rest."""
    events: list[tuple[int, str]] = []
    typed = 0  # rough position in the prompt, to recover the case of keycode-only keys
    for t, letter, code in keys:
        if letter == _BKSP:
            events.append((t, ""))
            typed = max(0, typed - 1)
            continue
        if letter in _NO_LETTER:
            expected = prompt[typed] if typed < len(prompt) else ""
            ch = _from_keycode(code, expected)
            if ch is None:
                continue
        elif len(letter) == 1 and letter.isprintable():
            ch = letter
        else:
            continue  # SHIFT, CTRL, ALT, CAPS_LOCK, TAB, arrows, ...: not typing
        events.append((t, ch))
        typed += 1
    return events


def _from_keycode(code: int, expected: str) -> str | None:
    """Recover a character from a keycode (the browser sent no letter), or None."""
    if code in _NON_CHAR_CODES:
        return None
    if 65 <= code <= 90:
        low = chr(code).lower()
        return expected if expected.lower() == low else low
    if 48 <= code <= 57:
        plain, shifted = chr(code), _DIGIT_SHIFTED[code - 48]
    elif code in _PUNCT_CODES:
        plain, shifted = _PUNCT_CODES[code]
    else:
        return None
    return shifted if expected == shifted else plain


def _replay(events: list[tuple[int, str]]) -> str:
    """Return the text the keydowns leave behind (characters appended, backspace pops)."""
    buf: list[str] = []
    for _, ch in events:
        if ch:
            buf.append(ch)
        elif buf:
            buf.pop()
    return "".join(buf)


def _uncorrected(typed: str, prompt: str) -> int:
    """Count errors left in the typed text: unmatched characters on the worse side."""
    if not prompt:
        return 0
    matcher = difflib.SequenceMatcher(None, typed.casefold(), prompt.casefold(), autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return max(len(typed) - matched, len(prompt) - matched)


def stream(human: Human, course: Course, seed: int) -> list[Key]:
    """Replay a participant's keydowns as a CodeRace stream that types the whole course."""
    rng = random.Random(seed)
    typist = Typist(course)
    text = course.text
    keys: list[Key] = []
    t = rng.randint(400, 1200)  # reaction to the race start
    if not human.sentences:
        return keys
    for _round in range(50):
        for sentence in human.sentences:
            base = t
            for dt, ch, ok in sentence:
                t = base + dt
                if not ch:
                    key = BACKSPACE
                elif ok and not typist.error_run and typist.pos < course.length:
                    nxt = text[typist.pos]
                    key = ENTER if nxt == "\n" else nxt
                else:
                    expected = text[typist.pos] if typist.pos < course.length else ""
                    key = ch if ch != expected else ("x" if expected != "x" else "z")
                keys.append((t, key))
                typist.feed(((t, key),))
                if typist.finished:
                    return keys
            t += human.pause_ms
    return keys


def batches(keys: Sequence[Key], seed: int, period_ms: int = 200) -> list[Batch]:
    """Group keys as the browser sends them: every ``period_ms``, received 20-80 ms later.

    The client also reads the server clock with a small error (up to ±100 ms), so its
    timestamps are shifted by one constant against the server's receive times.
    """
    rng = random.Random(seed)
    skew = rng.randint(-100, 100)
    out: list[Batch] = []
    group: list[Key] = []
    tick = -1
    for t, key in keys:
        k = t // period_ms
        if group and k != tick:
            out.append(_send(group, tick, period_ms, rng))
            group = []
        tick = k
        group.append((max(0, t + skew), key))
    if group:
        out.append(_send(group, tick, period_ms, rng))
    return out


def _send(group: list[Key], tick: int, period_ms: int, rng: random.Random) -> Batch:
    return Batch(recv_ms=(tick + 1) * period_ms + rng.randint(20, 80), keys=tuple(group))


def courses() -> list[tuple[str, Course]]:
    """Return the inline snippets prepared for scoring."""
    return [(name, Course(normalise(text))) for name, text in SNIPPETS]
