"""Keystroke logs keep the frames of their replay, computed once when the race is saved.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (logs saved before it have no frames; they are computed when
    asked for)."""
    with op.batch_alter_table("keylogs") as batch:
        batch.add_column(sa.Column("frames", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("keylogs") as batch:
        batch.drop_column("frames")
