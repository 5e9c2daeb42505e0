"""A snippet prepared for scoring: its auto-indentation tables, where the editing keys
move the cursor (Backspace over indentation, Tab, Ctrl+Backspace), and the keys that type it.

``Course`` is computed once per snippet and rules; the scorer (``race.core.scorer``) folds
keys over it. With ``skip_indent`` on, a line's leading blanks are filled in after Enter:
the tables say which characters are auto-filled and where the cursor lands past them.
With ``absorb_indent`` also on, spaces and Tabs typed over that filled-in indentation
are taken in silently (``absorb_tab`` says how far a Tab reaches).
"""

from __future__ import annotations

from race.core.rules import Rules

_BLANKS = frozenset(" \t")
_BLANKS_OR_NL = frozenset(" \t\n")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Course:
    """A snippet prepared for scoring: the text, the rules and the auto-indentation tables."""

    __slots__ = (
        "absorbs",
        "auto_before",
        "is_auto",
        "length",
        "rules",
        "skip_to",
        "text",
        "typeable",
        "unit",
    )

    def __init__(self, text: str, rules: Rules | None = None, indent_unit: str = "    ") -> None:
        self.text = text
        self.rules = rules or Rules()
        self.unit = indent_unit
        #: Keys typed over filled-in indentation are absorbed (``Typist.absorb``).
        self.absorbs = self.rules.skip_indent and self.rules.absorb_indent
        n = self.length = len(text)
        is_auto = [False] * (n + 1)
        skip_to = list(range(n + 1))
        if self.rules.skip_indent:
            line_start = 0
            while line_start <= n:
                end = line_start
                while end < n and text[end] in _BLANKS:
                    end += 1
                for i in range(line_start, end):
                    is_auto[i] = True
                    skip_to[i] = end
                nl = text.find("\n", end)
                if nl < 0:
                    break
                line_start = nl + 1
        auto_before = [0] * (n + 1)
        for i in range(n):
            auto_before[i + 1] = auto_before[i] + is_auto[i]
        self.is_auto = is_auto
        self.skip_to = skip_to
        self.auto_before = auto_before
        #: Characters a player types themselves (the snippet less the auto-filled indentation).
        self.typeable = n - auto_before[n]

    @property
    def start(self) -> int:
        """Return the cursor position before the first key (past any leading indentation)."""
        return self.skip_to[0]

    def back_over_indent(self, pos: int) -> int:
        """Move a cursor that landed on auto-filled indentation back to before its newline."""
        is_auto = self.is_auto
        while pos > 0 and is_auto[pos]:
            pos -= 1
        return max(pos, self.start)

    def absorb_tab(self, pos: int, left: int) -> int:
        """Return how many of the ``left`` filled-in indentation characters before ``pos``
        one Tab absorbs: the Tab's own text where the player's typing of it reached, if
        the indentation goes on with exactly that text; else 0 (the Tab is typed)."""
        at = pos - left
        unit = self.tab_text(self.text[self.text.rfind("\n", 0, at) + 1 : at])
        return len(unit) if len(unit) <= left and self.text.startswith(unit, at) else 0

    def tab_text(self, typed: str) -> str:
        """Return what Tab types after ``typed``: one indent unit (to the next stop for spaces)."""
        unit = self.unit
        if unit == "\t":
            return unit
        column = len(typed) - (typed.rfind("\n") + 1)
        return " " * (len(unit) - column % len(unit))


def word_cut(typed: str) -> int:
    """Return where Ctrl+Backspace stops: back over blanks, then one word or symbol run."""
    end = i = len(typed)
    while i > 0 and typed[i - 1] in _BLANKS:
        i -= 1
    if i > 0 and typed[i - 1] in _WORD:
        while i > 0 and typed[i - 1] in _WORD:
            i -= 1
    else:
        while i > 0 and typed[i - 1] not in _WORD and typed[i - 1] not in _BLANKS_OR_NL:
            i -= 1
    return min(i, end - 1) if end > 0 else 0


def ideal_keys(course: Course) -> list[str]:
    """Return the keys that type a course exactly (Enter for newlines, indentation skipped)."""
    out: list[str] = []
    text, skip_to = course.text, course.skip_to
    i = course.start
    while i < course.length:
        ch = text[i]
        if ch == "\n":
            out.append("Enter")
            i = skip_to[i + 1]
        else:
            out.append(ch)
            i += 1
    return out
