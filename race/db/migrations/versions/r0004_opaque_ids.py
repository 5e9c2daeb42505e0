"""Race ids become opaque: every stored race gets a random id in place of its
``<room code>.<round>``, so no link, profile or board gives a room's code away.

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
