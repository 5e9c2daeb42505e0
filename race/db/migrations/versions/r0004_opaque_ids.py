"""Race ids become opaque, and races say whether they are listed publicly.

Every stored race gets a random id in place of its ``<room code>.<round>``, so no link,
profile or board gives a room's code away. ``races.public`` (copied to ``results``) says
whether a race shows on boards and on strangers' views of profiles: existing quick races
and practice on corpus snippets do, private rooms and pasted code do not (no host had
been asked); bests held by a race that is not public are dropped.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08

The races are copied under their new ids, their results pointed at the copies, and the
old rows deleted (results reference races with no ``ON UPDATE CASCADE``); keylogs and
bests reference results by their own key and keep it. A rejected record keeps its payload
for a person to read, under a new id too. Ids are mapped page by page (``PAGE``), so the
memory this takes does not grow with the table. The old ids are gone: a downgrade keeps
the new ones.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: Ids read and mapped per statement.
PAGE = 5_000


def new_id() -> str:
    """Return a race id as the engine draws them (race.realtime.engine.new_race_id)."""
    return secrets.token_urlsafe(16)


def pages(bind: sa.Connection, query: str, page: int = PAGE) -> Iterator[list[str]]:
    """Yield the ids a keyset query (``:after``, ``:page``) returns, one page at a time."""
    after = ""
    while True:
        ids = [str(row[0]) for row in bind.execute(sa.text(query), {"after": after, "page": page})]
        if not ids:
            return
        yield ids
        after = ids[-1]


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    _add_public()
    _refill_bests(bind)
    _opaque_ids(bind)


def _add_public() -> None:
    # Plain ALTERs, never batch mode: SQLite's batch copies the table and drops the old
    # one, and dropping races would cascade to their results.
    for table in ("races", "results"):
        op.add_column(
            table, sa.Column("public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        "UPDATE races SET public = (mode <> 'private'"
        " AND snippet_id NOT IN (SELECT id FROM snippets WHERE slug = 'custom'))"
    )
    op.execute(
        "UPDATE results SET public ="
        " (SELECT races.public FROM races WHERE races.id = results.race_id)"
    )
    _profile_index(["net_wpm", "accuracy", "completed", "flagged", "public"])


#: A player's results that may hold a best (race.db.bests.eligible, public only).
_ELIGIBLE = (
    "SELECT r.id, r.net_wpm, r.finished_at FROM results r JOIN snippets s ON s.id = r.snippet_id"
    " WHERE r.player_id = :player AND r.public AND r.completed AND NOT r.flagged"
    " AND s.slug <> 'custom'"
)


def _refill_bests(bind: sa.Connection) -> None:
    """Drop the bests that races no longer public held, and give each of those places
    to the player's best public result there, if they have one (the rules of
    race.db.bests, written out here so this step keeps working as that code changes)."""
    held = bind.execute(
        sa.text(
            "SELECT b.board, b.period, b.player_id FROM bests b"
            " JOIN results r ON r.id = b.result_id WHERE NOT r.public"
        )
    ).all()
    op.execute("DELETE FROM bests WHERE result_id IN (SELECT id FROM results WHERE NOT public)")
    for board, period, player in held:
        on = " AND r.language = :on" if board.startswith("l:") else " AND r.snippet_id = :on"
        value: str | int = board[2:] if board.startswith("l:") else int(board[2:])
        query = sa.text(_ELIGIBLE + on).columns(
            sa.column("id", sa.BigInteger()),
            sa.column("net_wpm", sa.Float()),
            sa.column("finished_at", sa.DateTime()),
        )
        found = [
            (wpm, -at.timestamp(), rid, at)
            for rid, wpm, at in bind.execute(query, {"player": player, "on": value})
            if _in_period(period, at)
        ]
        if found:
            wpm, _, rid, at = max(found)  # fastest, then earliest
            bind.execute(
                sa.text(
                    "INSERT INTO bests (board, period, player_id, result_id, net_wpm, finished_at)"
                    " VALUES (:board, :period, :player, :rid, :wpm, :at)"
                ),
                {
                    "board": board,
                    "period": period,
                    "player": player,
                    "rid": rid,
                    "wpm": wpm,
                    "at": at,
                },
            )


def _in_period(period: str, at: datetime) -> bool:
    """Tell whether a UTC time falls in a period key (``all``, ``d<date>``, ``w<ISO week>``)."""
    if period.startswith("d"):
        return at.date().isoformat() == period[1:]
    if period.startswith("w"):
        year, week, _ = at.isocalendar()
        return f"w{year}-W{week:02d}" == period
    return period == "all"


def _profile_index(include: list[str]) -> None:
    """(Re)build the profiles' index with the columns it carries on Postgres."""
    op.drop_index("ix_results_player_id_finished_at", table_name="results")
    op.create_index(
        "ix_results_player_id_finished_at",
        "results",
        ["player_id", "finished_at"],
        unique=False,
        postgresql_include=include,
    )


def _opaque_ids(bind: sa.Connection) -> None:
    mapping = op.create_table(
        "race_id_map",
        sa.Column("old", sa.String(length=64), primary_key=True),
        sa.Column("new", sa.String(length=32), nullable=False, unique=True),
    )
    races = "SELECT id FROM races WHERE id > :after ORDER BY id LIMIT :page"
    for ids in pages(bind, races):
        op.bulk_insert(mapping, [{"old": old, "new": new_id()} for old in ids])
    columns = [c["name"] for c in sa.inspect(bind).get_columns("races") if c["name"] != "id"]
    listed = ", ".join(columns)
    copied = ", ".join(f"r.{c}" for c in columns)
    op.execute(  # the column names are the schema's own
        f"INSERT INTO races (id, {listed}) "  # noqa: S608
        f"SELECT m.new, {copied} FROM races r JOIN race_id_map m ON m.old = r.id"
    )
    op.execute(
        "UPDATE results SET race_id ="
        " (SELECT m.new FROM race_id_map m WHERE m.old = results.race_id)"
        " WHERE race_id IN (SELECT old FROM race_id_map)"
    )
    op.execute("DELETE FROM races WHERE id IN (SELECT old FROM race_id_map)")
    rejected = (
        "SELECT race_id FROM rejected WHERE race_id > :after AND race_id LIKE '%.%'"
        " ORDER BY race_id LIMIT :page"
    )
    for ids in pages(bind, rejected):
        for old in ids:
            mapped = sa.text("SELECT new FROM race_id_map WHERE old = :old")
            found = bind.execute(mapped, {"old": old})
            bind.execute(
                sa.text("UPDATE rejected SET race_id = :new WHERE race_id = :old"),
                {"new": found.scalar() or new_id(), "old": old},
            )
    op.drop_table("race_id_map")


def downgrade() -> None:
    """Undo this revision (the old ids cannot come back; the random ones stay)."""
    _profile_index(["net_wpm", "accuracy", "completed", "flagged"])
    for table in ("results", "races"):
        op.drop_column(table, "public")
