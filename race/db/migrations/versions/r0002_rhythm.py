"""Results keep their rhythm signature, to catch replays of stored logs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("rhythm", sa.LargeBinary(), nullable=True))
    op.create_index(
        "ix_results_snippet_id_net_wpm", "results", ["snippet_id", "net_wpm"], unique=False
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_results_snippet_id_net_wpm", table_name="results")
    with op.batch_alter_table("results") as batch:
        batch.drop_column("rhythm")
