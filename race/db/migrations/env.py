"""Alembic's environment: run migrations on the engine that race.db.migrate passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine
from sqlalchemy import create_engine

from race.db.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations with `race db upgrade` (race.db.migrate)")
    engine = create_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
