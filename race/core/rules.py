"""Typing rules for code: what Enter, Tab and indentation do, and the error-run cap."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import fields

#: Wrong characters shown after the cursor before further keys stop changing anything.
DEFAULT_MAX_ERROR_RUN = 10


@dataclass(frozen=True, slots=True)
class Rules:
    """How a snippet is typed; the same rules run in the browser and on the server."""

    #: After Enter, the next line's leading indentation is filled in automatically.
    skip_indent: bool = True
    #: Longest error run kept; keys past it count as errors and change nothing.
    max_error_run: int = DEFAULT_MAX_ERROR_RUN

    def __post_init__(self) -> None:
        if not isinstance(self.skip_indent, bool):
            raise ValueError("rules.skip_indent must be true or false")
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

    def to_dict(self) -> dict[str, object]:
        """Return the rules as a plain mapping (for logs and the browser)."""
        return asdict(self)
