"""Per-host turns shared by every worker on the database: when the next request to a host
may start, reserved atomically (``tracker.store.hosts``), so N workers keep one host's gap
instead of hitting it N times as often.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_turn",
        sa.Column("host", sa.String, primary_key=True),
        sa.Column("next_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("host_turn")
