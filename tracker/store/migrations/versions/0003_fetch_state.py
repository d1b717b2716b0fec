"""Fetch scheduling and source health: per-source interval, next attempt, failure state; log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SOURCE_COLUMNS = (
    ("interval_minutes", sa.Integer, None),
    ("is_adaptive", sa.Boolean, sa.false()),
    ("next_attempt_at", UTCDateTime, None),
    ("last_error_at", UTCDateTime, None),
    ("last_http_status", sa.Integer, None),
    ("last_not_modified_at", UTCDateTime, None),
    ("is_failing", sa.Boolean, sa.false()),
    ("disabled_reason", sa.String, None),
)


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        for name, kind, default in SOURCE_COLUMNS:
            batch.add_column(
                sa.Column(name, kind(), nullable=default is None, server_default=default)
            )
    op.create_index("ix_source_next_attempt_at", "source", ["next_attempt_at"])
    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer,
            sa.ForeignKey("source.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("elapsed_s", sa.Float, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error_class", sa.String),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
    )
    op.create_index("ix_fetch_log_source_started", "fetch_log", ["source_id", "started_at"])


def downgrade() -> None:
    op.drop_table("fetch_log")
    op.drop_index("ix_source_next_attempt_at", "source")
    with op.batch_alter_table("source") as batch:
        for name, _kind, _default in reversed(SOURCE_COLUMNS):
            batch.drop_column(name)
