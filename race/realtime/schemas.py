"""The closed set of messages a client may send, validated before any logic sees them."""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError
from pydantic import field_validator

from race.core.keys import Key
from race.core.keys import parse_keys
from race.core.room import NO_SUCH_ROOM
from race.core.snippet import DIFFICULTIES
from race.core.snippet import LANGUAGES
from race.core.snippet import MAX_CUSTOM_CHARS
from race.core.timing import MAX_LIMIT_MS
from race.core.timing import MIN_LIMIT_MS

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{16}$")]
PlayerId = Annotated[str, Field(pattern=r"^p[0-9a-f]{16}$")]
SnippetId = Annotated[str, Field(pattern=r"^[a-z0-9-]{3,64}$")]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]
Difficulty = Literal[DIFFICULTIES]  # type: ignore[valid-type]
LimitS = Annotated[int, Field(ge=MIN_LIMIT_MS // 1000, le=MAX_LIMIT_MS // 1000)]


class Message(BaseModel):
    """Base of every incoming message: unknown fields and type coercion are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Hello(Message):
    """Connection auth: the token from a previous ``welcome``, an optional name, and the
    tab's own random id (``race.core.tabs``)."""

    token: Annotated[str, Field(max_length=512)] | None = None
    name: Annotated[str, Field(max_length=64)] | None = None
    tab: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,32}$")] | None = None


class Sync(Message):
    """Clock sync probe: the client's clock reading, echoed back with the server's."""

    c: Annotated[float, Field(ge=0, le=1e16)]


class SetName(Message):
    """Change the display name."""

    name: Annotated[str, Field(max_length=64)]


class Seating(Message):
    """A request that seats the player: whether they type their own indentation."""

    own_indent: bool = False


class Quick(Seating):
    """Join the open quick race for a language (or any)."""

    language: Language | Literal["any"] = "any"


class Custom(Message):
    """Code a host pasted (the one limit: ``MAX_CUSTOM_CHARS``, checked again once
    normalised, by ``race.core.snippet.custom_snippet``)."""

    code: Annotated[str, Field(min_length=1, max_length=MAX_CUSTOM_CHARS)]
    language: Language = "python"
    indent: Annotated[str, Field(pattern=r"^(tab|spaces:[1-8])$")] = "spaces:4"


class Pick(Message):
    """How a snippet is chosen: an id, or filters for a random pick, or custom code."""

    snippet_id: SnippetId | None = None
    language: Language | None = None
    difficulty: Difficulty | None = None
    custom: Custom | None = None


class Create(Pick, Seating):
    """Open a private room."""

    limit_s: LimitS | None = None


class Practice(Pick, Seating):
    """Start a solo practice run: at once after a short countdown, or (``ready``) when
    its first key is typed (``go``)."""

    ready: bool = False


class Join(Seating):
    """Join a room by code, to race or to watch."""

    code: Code
    role: Literal["racer", "spectator"] = "racer"
    #: Take over a seat another tab of this player holds (else refused ``other_tab``).
    take_over: bool = False


class InRoom(Message):
    """A message about one room."""

    code: Code


class Keys(InRoom):
    """A batch of keystrokes."""

    round: Annotated[int, Field(ge=1, le=1_000_000)]
    seq: Annotated[int, Field(ge=0, le=100_000)]
    keys: tuple[Key, ...]

    @field_validator("keys", mode="plain")
    @classmethod
    def _keys(cls, raw: Any) -> tuple[Key, ...]:
        return parse_keys(raw)


class Configure(InRoom, Pick):
    """Host: change the snippet, the time limit and/or whether results are listed.

    A limit set here stays when the snippet changes; ``auto_limit`` makes it follow the
    snippet's length again."""

    limit_s: LimitS | None = None
    auto_limit: bool = False
    public_results: bool | None = None


class OwnIndent(InRoom):
    """Type my own indentation (no auto-indent) from this round on, or not."""

    own: bool


class Lock(InRoom):
    """Host: lock or unlock the room."""

    locked: bool


class Kick(InRoom):
    """Host: remove a player."""

    player_id: PlayerId


class Rematch(InRoom, Pick):
    """Host: open the next round, on the same snippet unless one is picked: in the lobby,
    or with ``start`` straight into its countdown."""

    start: bool = False


class Restart(InRoom, Pick):
    """Practice: leave this run for a new one, on the same snippet unless one is picked,
    or (``next``) on another snippet in its language."""

    next: bool = False


class Go(InRoom):
    """Practice: the first key of a waiting run was typed at ``at`` (server ms)."""

    round: Annotated[int, Field(ge=1, le=1_000_000)]
    at: Annotated[int, Field(ge=0, le=2**53)]


#: Refusals of a value of the right type (not of a missing field, nor of a wrong type).
VALUE_ERRORS = frozenset(
    {
        "string_pattern_mismatch",
        "string_too_short",
        "string_too_long",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }
)
#: A payload refused for the value of one of these fields (by path) gets the field's own
#: code, the one a well-formed but unacceptable value gets: a name too long and a name with
#: markup are both ``bad_name``, and a malformed room code answers as a wrong one.
FIELD_CODES = {
    ("name",): "bad_name",
    ("limit_s",): "bad_limit",
    ("code",): "no_such_room",
    ("custom", "code"): "bad_custom_code",
}


def refusal(exc: ValidationError) -> tuple[str, str]:
    """Return the (code, message) of a payload that does not match its schema."""
    errors = exc.errors(include_input=False, include_url=False)
    fields = {e["loc"] for e in errors if e["type"] in VALUE_ERRORS}
    codes = {FIELD_CODES.get(tuple(str(p) for p in f)) for f in fields}
    if len(errors) == len(fields) and len(codes) == 1 and None not in codes:
        code = codes.pop()
        assert code is not None
        return code, NO_SUCH_ROOM if code == "no_such_room" else describe(exc)
    return "bad_payload", describe(exc)


def describe(exc: ValidationError) -> str:
    """Summarise a validation error in one line, without echoing the input."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False)[:3]:
        where = ".".join(str(p) for p in err["loc"]) or "payload"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
