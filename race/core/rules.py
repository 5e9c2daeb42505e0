"""Typing rules for code: what Enter, Tab and indentation do, and the error-run cap.

A field's default is what a log that does not name the field was scored under, so logs
stored before a rule existed replay as they did (``race verify`` agrees with the result
stored then). New rounds take ``CURRENT_RULES``: the same defaults with every rule added
since switched on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace

#: Wrong characters shown after the cursor before further keys stop changing anything.
DEFAULT_MAX_ERROR_RUN = 10


@dataclass(frozen=True, slots=True)
class Rules:
    """How a snippet is typed; the same rules run in the browser and on the server."""

    #: After Enter, the next line's leading indentation is filled in automatically.
    skip_indent: bool = True
    #: Spaces and Tabs typed over indentation that was filled in after Enter are taken in
    #: silently (not errors, not typed characters), up to that indentation: typing it out
    #: of habit costs nothing. Off in logs from before the rule.
    absorb_indent: bool = False
    #: Longest error run kept; keys past it count as errors and change nothing.
    max_error_run: int = DEFAULT_MAX_ERROR_RUN

    def __post_init__(self) -> None:
        if not isinstance(self.skip_indent, bool):
            raise ValueError("rules.skip_indent must be true or false")
        if not isinstance(self.absorb_indent, bool):
            raise ValueError("rules.absorb_indent must be true or false")
        if (
            not isinstance(self.max_error_run, int)
            or isinstance(self.max_error_run, bool)
            or not 1 <= self.max_error_run <= 100
        ):
            raise ValueError("rules.max_error_run must be an integer from 1 to 100")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object]) -> Rules:
        """Build rules from a mapping; keys left out take their defaults, unknown keys fail."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise ValueError(f"unknown rule(s): {', '.join(map(str, unknown))}")
        return cls(**raw)  # type: ignore[arg-type]

    def own_indentation(self) -> Rules:
        """Return these rules for a player who types their own indentation (none filled in)."""
        return replace(self, skip_indent=False)

    def to_dict(self) -> dict[str, object]:
        """Return the rules as a plain mapping (for logs and the browser)."""
        return asdict(self)


#: The rules new rounds are typed under.
CURRENT_RULES = Rules(absorb_indent=True)
