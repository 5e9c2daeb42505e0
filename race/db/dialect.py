"""The dialect-specific bits: INSERT ... ON CONFLICT for Postgres and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert(session: Session, table: Any) -> Any:
    """Return an INSERT for the session's database that supports ``on_conflict_*``."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database {name!r}: use PostgreSQL or SQLite")
