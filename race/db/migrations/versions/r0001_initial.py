"""Initial schema: players, snippets, races, results, keylogs, bests, rejected.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Big integer keys, except on SQLite where only INTEGER keys count up by themselves.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "players",
        sa.Column("id", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("username", sa.String(length=24), nullable=True),
        sa.Column("username_key", sa.String(length=96), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_players")),
        sa.UniqueConstraint("username_key", name=op.f("uq_players_username_key")),
    )
    op.create_table(
        "rejected",
        sa.Column("race_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("race_id", name=op.f("pk_rejected")),
    )
    op.create_table(
        "snippets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("difficulty", sa.String(length=8), nullable=False),
        sa.Column("indent", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snippets")),
        sa.UniqueConstraint("slug", "content_hash", name=op.f("uq_snippets_slug_content_hash")),
    )
    op.create_table(
        "races",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("snippet_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("limit_ms", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('practice', 'quick', 'private')", name=op.f("ck_races_mode")),
        sa.ForeignKeyConstraint(
            ["snippet_id"], ["snippets.id"], name=op.f("fk_races_snippet_id_snippets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_races")),
    )
    op.create_index(op.f("ix_races_finished_at"), "races", ["finished_at"], unique=False)
    op.create_table(
        "results",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("race_id", sa.String(length=32), nullable=False),
        sa.Column("player_id", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("net_wpm", sa.Float(), nullable=False),
        sa.Column("raw_wpm", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("consistency", sa.Float(), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("series", sa.JSON(), nullable=False),
        sa.Column("missed", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("snippet_id", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["player_id"], ["players.id"], name=op.f("fk_results_player_id_players")
        ),
        sa.ForeignKeyConstraint(
            ["race_id"], ["races.id"], name=op.f("fk_results_race_id_races"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["snippet_id"], ["snippets.id"], name=op.f("fk_results_snippet_id_snippets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
        sa.UniqueConstraint("race_id", "player_id", name=op.f("uq_results_race_id_player_id")),
    )
    op.create_index(
        "ix_results_player_id_finished_at",
        "results",
        ["player_id", "finished_at"],
        unique=False,
        postgresql_include=["net_wpm", "accuracy", "completed", "flagged"],
    )
    op.create_table(
        "bests",
        sa.Column("board", sa.String(length=24), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("player_id", sa.String(length=17), nullable=False),
        sa.Column("result_id", BIG_ID, nullable=False),
        sa.Column("net_wpm", sa.Float(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["player_id"], ["players.id"], name=op.f("fk_bests_player_id_players")
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["results.id"],
            name=op.f("fk_bests_result_id_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("board", "period", "player_id", name=op.f("pk_bests")),
    )
    op.create_index("ix_bests_player_id_period", "bests", ["player_id", "period"], unique=False)
    op.create_index(op.f("ix_bests_result_id"), "bests", ["result_id"], unique=False)
    op.create_index(
        "ix_bests_rank", "bests", ["board", "period", "net_wpm", "finished_at"], unique=False
    )
    op.create_table(
        "keylogs",
        sa.Column("result_id", BIG_ID, nullable=False),
        sa.Column("codec", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["results.id"],
            name=op.f("fk_keylogs_result_id_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("result_id", name=op.f("pk_keylogs")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("keylogs")
    op.drop_index(op.f("ix_bests_result_id"), table_name="bests")
    op.drop_index("ix_bests_rank", table_name="bests")
    op.drop_index("ix_bests_player_id_period", table_name="bests")
    op.drop_table("bests")
    op.drop_index("ix_results_player_id_finished_at", table_name="results")
    op.drop_table("results")
    op.drop_index(op.f("ix_races_finished_at"), table_name="races")
    op.drop_table("races")
    op.drop_table("snippets")
    op.drop_table("rejected")
    op.drop_table("players")
