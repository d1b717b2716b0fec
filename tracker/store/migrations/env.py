"""Alembic environment: runs on the connection tracker hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import tracker.store.tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through `alembic` by hand
    raise RuntimeError("run migrations through `tracker init`")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
