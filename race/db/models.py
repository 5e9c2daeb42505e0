"""The results schema: players, snippet versions, races, results, keystroke logs, bests."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any
from typing import ClassVar

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Dialect
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

#: Stable constraint names, so migrations can name what they change.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
#: Ids of the ``p`` + 16 hex characters kind (race.identity).
PLAYER_ID = 17
#: A race id is random, 22 characters (race.realtime.engine.new_race_id); older ones were
#: ``<room code>.<round>`` until migration 0004 replaced them.
RACE_ID = 32
NAME = 24
#: Big integer keys, except on SQLite where only INTEGER keys count up by themselves.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime everywhere (SQLite keeps naive UTC text; Postgres timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store UTC; refuse naive datetimes, which would be read in the server's zone."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware (UTC) one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Player(Base):
    """A guest (results only) or a registered player (username and password hash set)."""

    __tablename__ = "players"

    id: Mapped[str] = mapped_column(String(PLAYER_ID), primary_key=True)
    #: The latest display name seen (the username once registered).
    name: Mapped[str] = mapped_column(String(NAME))
    username: Mapped[str | None] = mapped_column(String(NAME))
    #: ``username.casefold()``: usernames are unique without regard to case.
    username_key: Mapped[str | None] = mapped_column(String(4 * NAME), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    registered_at: Mapped[datetime | None]
    #: Bumped by logout and password change; a session cookie behind it is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Snippet(Base):
    """One version of a snippet: a result always points at the exact text typed."""

    __tablename__ = "snippets"
    __table_args__ = (UniqueConstraint("slug", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The corpus id (``custom`` for pasted code).
    slug: Mapped[str] = mapped_column(String(64))
    #: sha256 of the indent style and the normalised text.
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(16))
    difficulty: Mapped[str] = mapped_column(String(8))
    indent: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Race(Base):
    """One finished round of a room."""

    __tablename__ = "races"
    __table_args__ = (CheckConstraint("mode IN ('practice', 'quick', 'private')", name="mode"),)

    id: Mapped[str] = mapped_column(String(RACE_ID), primary_key=True)
    code: Mapped[str] = mapped_column(String(24))
    round: Mapped[int]
    mode: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16))
    snippet_id: Mapped[int] = mapped_column(ForeignKey("snippets.id"))
    rules: Mapped[dict[str, Any]]
    limit_ms: Mapped[int]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime] = mapped_column(index=True)
    #: Listed on boards and to strangers' views of profiles (quick races and practice on
    #: corpus snippets; a private room only if its host opted in). Anyone holding the
    #: race's id can open it either way.
    public: Mapped[bool] = mapped_column(server_default=false())


class Result(Base):
    """One player's figures in one race, written exactly once (unique race and player)."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("race_id", "player_id"),
        # Profiles: a player's races by time; on Postgres the figures the averages read
        # ride along, so even a 30,000-race history averages from the index alone.
        Index(
            "ix_results_player_id_finished_at",
            "player_id",
            "finished_at",
            postgresql_include=["net_wpm", "accuracy", "completed", "flagged", "public"],
        ),
        # Replay checks: the fastest stored results of one snippet version.
        Index("ix_results_snippet_id_net_wpm", "snippet_id", "net_wpm"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    race_id: Mapped[str] = mapped_column(ForeignKey("races.id", ondelete="CASCADE"))
    player_id: Mapped[str] = mapped_column(ForeignKey("players.id"))
    #: The display name at the time of the race.
    name: Mapped[str] = mapped_column(String(NAME))
    place: Mapped[int]
    net_wpm: Mapped[float] = mapped_column(Float)
    raw_wpm: Mapped[float] = mapped_column(Float)
    accuracy: Mapped[float] = mapped_column(Float)
    consistency: Mapped[float] = mapped_column(Float)
    progress: Mapped[float] = mapped_column(Float)
    duration_ms: Mapped[int]
    completed: Mapped[bool]
    flagged: Mapped[bool]
    reasons: Mapped[list[Any]]
    #: Per-second points as ``[net wpm, raw wpm, errors]`` (loaded only when asked for).
    series: Mapped[list[Any]] = mapped_column(deferred=True)
    #: Most-missed characters as ``[char, errors]`` (loaded only when asked for).
    missed: Mapped[list[Any]] = mapped_column(deferred=True)
    #: The stream's rhythm signature (race.core.replay), to catch replayed logs.
    rhythm: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Copied from the race, so profile queries read one table.
    language: Mapped[str] = mapped_column(String(16))
    snippet_id: Mapped[int] = mapped_column(ForeignKey("snippets.id"))
    finished_at: Mapped[datetime]
    public: Mapped[bool] = mapped_column(server_default=false())


class KeyLog(Base):
    """A result's keystroke log (the JSONL of race.core.keylog), zlib-compressed."""

    __tablename__ = "keylogs"

    result_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("results.id", ondelete="CASCADE"), primary_key=True
    )
    codec: Mapped[str] = mapped_column(String(8))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    lines: Mapped[int]
    size: Mapped[int]
    #: The replay's frames (``race.core.trace``, a JSON list), in the same codec; None for
    #: a log that could not be traced, or one saved before frames were kept.
    frames: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Best(Base):
    """A player's best eligible result on one board for one period (kept by every write).

    ``board`` is ``l:<language>`` or ``s:<snippet version id>``; ``period`` is ``all``,
    ``d<YYYY-MM-DD>`` or ``w<YYYY-Www>`` (UTC days, ISO weeks). See ``race.db.bests``.
    """

    __tablename__ = "bests"
    __table_args__ = (
        Index("ix_bests_rank", "board", "period", "net_wpm", "finished_at"),
        Index("ix_bests_player_id_period", "player_id", "period"),
    )

    board: Mapped[str] = mapped_column(String(24), primary_key=True)
    period: Mapped[str] = mapped_column(String(12), primary_key=True)
    player_id: Mapped[str] = mapped_column(ForeignKey("players.id"), primary_key=True)
    result_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("results.id", ondelete="CASCADE"), index=True
    )
    net_wpm: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[datetime]


class Rejected(Base):
    """A finished race record that could never be saved (malformed): kept, not retried."""

    __tablename__ = "rejected"

    race_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
