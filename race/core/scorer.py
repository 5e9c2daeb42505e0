"""The server-side scorer: a fold of keystrokes over a snippet into the player's typing state.

``Typist`` folds keys over a ``Course`` (``race.core.course``: the snippet prepared once
per rules, and where each editing key moves the cursor). The fold only looks at keys,
never at how they were batched, so any re-batching of a stream gives the same state.
Timestamps that go backwards are clamped forward here (the verdict is where they are judged).

Absorbed indentation (``Rules.absorb_indent``): after a correct Enter, ``absorb`` holds
how many filled-in indentation characters before the cursor the player may still type
over; with no error run, a space (or Tab) matching them is taken in without counting. A
wrong key and its Backspace leave the window as it was; a key that moves the cursor
closes it. The window is part of the state (``Progress.absorb``), so a browser reset to
the server's state resumes it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from race.core.course import Course
from race.core.course import word_cut
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.keys import WORD_BACKSPACE
from race.core.keys import Key

#: Per-second buckets stop here (an hour; races are capped at ten minutes). Later keys
#: count in the last bucket, so a forged timestamp cannot make the fold allocate more.
MAX_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Progress:
    """The typing state after some prefix of a stream."""

    #: Length of the correct prefix of the snippet (auto-filled indentation included).
    pos: int
    #: Wrong characters typed after the correct prefix, to be backspaced.
    error_run: str
    #: Characters the player typed themselves that are in place now (no auto-indent).
    net_chars: int
    correct: int
    incorrect: int
    corrected: int
    backspaces: int
    finished: bool
    finish_ms: int | None
    #: Timestamp of the last key folded (0 before any key).
    last_ms: int
    keys: int
    #: Filled-in indentation before ``pos`` that spaces or Tab may still be typed over.
    absorb: int = 0


class Typist:
    """One player's typing, folded key by key over a ``Course``."""

    __slots__ = (
        "_sec",
        "_sec_err",
        "_sec_typed",
        "absorb",
        "backspaces",
        "correct",
        "corrected",
        "course",
        "error_run",
        "errors_by_sec",
        "finish_ms",
        "incorrect",
        "keys",
        "last_ms",
        "missed",
        "net_by_sec",
        "pos",
        "typed_by_sec",
    )

    def __init__(self, course: Course) -> None:
        self.course = course
        self.pos = course.start
        self.absorb = course.start if course.absorbs else 0
        self.error_run = ""
        self.correct = self.incorrect = self.corrected = self.backspaces = self.keys = 0
        self.finish_ms: int | None = None
        self.last_ms = 0
        #: Errors per expected character (counted when an error run opens).
        self.missed: dict[str, int] = {}
        # Per-second buckets: characters typed, wrong characters, net chars at the last key.
        self.typed_by_sec: list[int] = []
        self.errors_by_sec: list[int] = []
        self.net_by_sec: list[int] = []
        self._sec = -1
        self._sec_typed = 0
        self._sec_err = 0

    @property
    def finished(self) -> bool:
        """Tell whether the whole snippet has been typed."""
        return self.finish_ms is not None

    def feed(self, keys: Iterable[Key]) -> None:
        """Fold keys into the state; keys after the finishing key are ignored."""
        if self.finish_ms is not None:
            return
        course = self.course
        text = course.text
        n = course.length
        skip_to = course.skip_to
        cap = course.rules.max_error_run
        absorbs = course.absorbs
        pos = self.pos
        left = self.absorb
        err = self.error_run
        correct = self.correct
        incorrect = self.incorrect
        last = self.last_ms
        sec = self._sec
        sec_typed = self._sec_typed
        sec_err = self._sec_err
        count = 0
        for t, key in keys:
            count += 1
            if t > last:  # noqa: PLR1730 - max() is slower in the hot loop
                last = t
            s = last // 1000
            if s != sec:
                if s >= MAX_SECONDS:  # a forged far-future key must not grow the buckets
                    s = MAX_SECONDS - 1
                if s != sec:
                    if sec >= 0:
                        self._close_second(sec, sec_typed, sec_err, pos)
                    sec = s
                    sec_typed = sec_err = 0
            if len(key) == 1 or key == ENTER:
                if left and key == " " and not err and text[pos - left] == " ":
                    left -= 1
                    continue
                ch = "\n" if key == ENTER else key
                sec_typed += 1
                if not err and pos < n and text[pos] == ch:
                    correct += 1
                    pos += 1
                    left = 0
                    if ch == "\n":
                        landed = skip_to[pos]
                        if absorbs:
                            left = landed - pos
                        pos = landed
                    if pos == n:
                        self.finish_ms = last
                        break
                else:
                    incorrect += 1
                    sec_err += 1
                    if not err:
                        expected = text[pos] if pos < n else ""
                        self.missed[expected] = self.missed.get(expected, 0) + 1
                    if len(err) < cap:
                        err += ch
                continue
            # Rare keys leave the fast path: sync the locals, apply, reload.
            self.pos, self.error_run, self.correct, self.incorrect = pos, err, correct, incorrect
            self.absorb = left
            if key == BACKSPACE:
                self._backspace()
            elif key == WORD_BACKSPACE:
                self._word_backspace()
            elif key == TAB:
                typed, wrong = self._tab(last)
                sec_typed += typed
                sec_err += wrong
            pos, err, correct, incorrect = self.pos, self.error_run, self.correct, self.incorrect
            left = self.absorb
            if self.finished:  # Tab can type the last characters
                break
        self.pos, self.error_run, self.correct, self.incorrect = pos, err, correct, incorrect
        self.absorb = left
        self.last_ms = last
        self.keys += count
        self._sec, self._sec_typed, self._sec_err = sec, sec_typed, sec_err
        if self.finish_ms is not None:
            self._close_second(sec, sec_typed, sec_err, pos)

    def _close_second(self, sec: int, typed: int, errors: int, pos: int) -> None:
        gap = sec + 1 - len(self.typed_by_sec)
        if gap > 0:
            carry = self.net_by_sec[-1] if self.net_by_sec else 0
            self.typed_by_sec.extend([0] * gap)
            self.errors_by_sec.extend([0] * gap)
            self.net_by_sec.extend([carry] * gap)
        self.typed_by_sec[sec] = typed
        self.errors_by_sec[sec] = errors
        self.net_by_sec[sec] = pos - self.course.auto_before[pos]

    def _backspace(self) -> None:
        self.backspaces += 1
        if self.error_run:
            self.error_run = self.error_run[:-1]
            self.corrected += 1
        elif self.pos > self.course.start:
            self.pos = self.course.back_over_indent(self.pos - 1)
            self.absorb = 0

    def _word_backspace(self) -> None:
        self.backspaces += 1
        course = self.course
        pos, err = self.pos, self.error_run
        if (
            not err
            and pos > course.start
            and (course.text[pos - 1] == "\n" or course.is_auto[pos - 1])
        ):
            self.pos = self.course.back_over_indent(pos - 1)
            self.absorb = 0
            return
        typed = course.text[:pos] + err
        cut = word_cut(typed)
        if cut >= pos:
            self.corrected += len(err) - (cut - pos)
            self.error_run = err[: cut - pos]
        else:
            self.corrected += len(err)
            self.error_run = ""
            self.pos = max(course.skip_to[cut], course.start)
            if self.pos != pos:
                self.absorb = 0

    def _tab(self, t: int) -> tuple[int, int]:
        """Type one indentation unit (to the next tab stop for spaces); return typed, wrong.
        Over filled-in indentation it is absorbed instead, typing nothing."""
        if self.absorb and not self.error_run:
            reach = self.course.absorb_tab(self.pos, self.absorb)
            if reach:
                self.absorb -= reach
                return 0, 0
        unit = self.course.tab_text(self.course.text[: self.pos] + self.error_run)
        before = self.incorrect
        for ch in unit:
            self.feed_char(ch, t)
            if self.finish_ms is not None:
                break
        return len(unit), self.incorrect - before

    def feed_char(self, ch: str, t: int) -> None:
        """Type one character at time ``t`` without per-second bookkeeping (used by Tab)."""
        course = self.course
        pos = self.pos
        if not self.error_run and pos < course.length and course.text[pos] == ch:
            self.correct += 1
            self.pos = pos + 1
            self.absorb = 0
            if self.pos == course.length:
                self.finish_ms = t
            return
        self.incorrect += 1
        if not self.error_run:
            expected = course.text[pos] if pos < course.length else ""
            self.missed[expected] = self.missed.get(expected, 0) + 1
        if len(self.error_run) < course.rules.max_error_run:
            self.error_run += ch

    def copy(self) -> Typist:
        """Return an independent copy: folding into it leaves this one as it is."""
        twin = Typist.__new__(Typist)
        for name in Typist.__slots__:
            setattr(twin, name, getattr(self, name))
        twin.missed = dict(self.missed)
        twin.typed_by_sec = list(self.typed_by_sec)
        twin.errors_by_sec = list(self.errors_by_sec)
        twin.net_by_sec = list(self.net_by_sec)
        return twin

    def progress(self) -> Progress:
        """Return the current state as an immutable snapshot."""
        course = self.course
        return Progress(
            pos=self.pos,
            error_run=self.error_run,
            net_chars=self.pos - course.auto_before[self.pos],
            correct=self.correct,
            incorrect=self.incorrect,
            corrected=self.corrected,
            backspaces=self.backspaces,
            finished=self.finish_ms is not None,
            finish_ms=self.finish_ms,
            last_ms=self.last_ms,
            keys=self.keys,
            absorb=self.absorb,
        )

    def seconds(self) -> tuple[list[int], list[int], list[int]]:
        """Return per-second (typed chars, wrong chars, net chars at the second's end)."""
        typed, errors, net = (
            list(self.typed_by_sec),
            list(self.errors_by_sec),
            list(self.net_by_sec),
        )
        if self.finish_ms is None and self._sec >= 0:
            gap = self._sec + 1 - len(typed)
            carry = net[-1] if net else 0
            typed += [0] * gap
            errors += [0] * gap
            net += [carry] * gap
            typed[self._sec] = self._sec_typed
            errors[self._sec] = self._sec_err
            net[self._sec] = self.pos - self.course.auto_before[self.pos]
        return typed, errors, net


def fold(course: Course, keys: Iterable[Key]) -> Typist:
    """Fold a whole key stream from the start and return the typist."""
    typist = Typist(course)
    typist.feed(keys)
    return typist
