"""Digests: the periods sent and the outbox of messages to each recipient.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("digest", sa.String, nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("stories", sa.Integer, nullable=False),
        sa.Column("subject", sa.String, nullable=False),
        sa.Column("is_empty", sa.Boolean, nullable=False),
        sa.UniqueConstraint("digest", "period", name="uq_digest_run_period"),
    )
    op.create_index("ix_digest_run_digest", "digest_run", ["digest"])
    op.create_table(
        "digest_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("digest_run.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("digest", sa.String, nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("recipient", sa.String, nullable=False),
        sa.Column("message_id", sa.String, nullable=False),
        sa.Column("message", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.UniqueConstraint("digest", "period", "recipient", name="uq_digest_outbox_recipient"),
    )
    op.create_index("ix_digest_outbox_run_id", "digest_outbox", ["run_id"])
    op.create_index("ix_digest_outbox_digest", "digest_outbox", ["digest"])
    op.create_index("ix_digest_outbox_next_attempt_at", "digest_outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("digest_outbox")
    op.drop_table("digest_run")
