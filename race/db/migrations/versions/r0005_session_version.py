"""Accounts keep a session version, bumped by logout and password change: a session
cookie carries the version it was issued at and is refused once it is behind.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (every account starts at version 0).

    Plain ALTERs, never batch mode: SQLite's batch copies the table and drops the old one,
    which results and accounts reference (see 0004)."""
    op.add_column(
        "players", sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_column("players", "session_version")
