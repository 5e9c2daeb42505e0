"""Key streams of players who type indentation out of habit after an auto-indented Enter."""

from __future__ import annotations

import random

from race.core.course import Course
from race.core.course import ideal_keys
from race.core.keys import BACKSPACE
from race.core.keys import ENTER
from race.core.keys import TAB
from race.core.scorer import Typist


def indentation_keys(course: Course, line_start: int, style: str) -> list[str]:
    """Return the keys a habitual indenter types for the indentation at ``line_start``:
    one space per blank ("spaces"), or one Tab per indent unit ("tabs")."""
    end = course.skip_to[line_start]
    blanks = course.text[line_start:end]
    if style == "spaces":
        return [" " if ch == " " else TAB for ch in blanks]
    width = len(course.unit)
    if course.unit == "\t":
        return [TAB for _ in blanks]
    return [TAB] * (len(blanks) // width) + [" "] * (len(blanks) % width)


def habitual_keys(course: Course, style: str) -> list[str]:
    """Return the ideal keys with the indentation typed after every Enter (and at the start)."""
    out = indentation_keys(course, 0, style) if course.start else []
    pos = course.start
    for key in ideal_keys(course):
        out.append(key)
        if key == ENTER:
            line_start = course.text.index("\n", pos) + 1
            pos = course.skip_to[line_start]
            out.extend(indentation_keys(course, line_start, style))
        else:
            pos += 1
    return out


#: Slips in the middle of habitual indentation: a key too many, a typo and its fix, ...
SLIPS: list[list[str]] = [[" "], [TAB], ["x", BACKSPACE], [" ", BACKSPACE], [TAB, BACKSPACE], ["y"]]


def mixed_keys(rng: random.Random, course: Course) -> list[str]:
    """Return a habitual stream mixing spaces and Tabs, with slips in the indentation: a
    key too many (an error, or a key absorbed further on), a typo; most errors are seen
    and backspaced at once, as the player would."""
    out: list[str] = []
    typist = Typist(course)
    style = rng.choice(["spaces", "tabs"])
    for key in habitual_keys(course, style):
        keys = [key]
        if key in (" ", TAB) and rng.random() < 0.1:
            keys += rng.choice(SLIPS)
        elif key == ENTER and rng.random() < 0.1:
            style = "tabs" if style == "spaces" else "spaces"
        for k in keys:
            out.append(k)
            typist.feed([(len(out), k)])
        if typist.error_run and rng.random() < 0.9:
            fixes = [BACKSPACE] * len(typist.error_run)
            out.extend(fixes)
            typist.feed([(len(out), k) for k in fixes])
    return out
