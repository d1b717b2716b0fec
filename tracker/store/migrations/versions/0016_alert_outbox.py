"""Webhook alerts: one row per story and endpoint, recorded before it is posted, with the
outbox's retry state (as the digests' outbox).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert", sa.String, nullable=False, index=True),
        sa.Column("endpoint", sa.String, nullable=False),
        sa.Column("story", sa.String, nullable=False),
        sa.Column("article_id", sa.Integer, nullable=True),
        sa.Column("trigger", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("payload", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True, index=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("endpoint", "story", name="uq_alert_outbox_story"),
    )


def downgrade() -> None:
    op.drop_table("alert_outbox")
