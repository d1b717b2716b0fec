"""The user's own vendors and parts list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_vendor",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("country", sa.String, nullable=False),
        sa.Column("aliases", sa.String, nullable=False),
        sa.Column("parent", sa.String, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "user_part",
        sa.Column("part_number", sa.String, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("vendor", sa.String, nullable=False),
        sa.Column("category", sa.String, nullable=False),
        sa.Column("used_in", sa.String, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_part")
    op.drop_table("user_vendor")
