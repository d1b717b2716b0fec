"""Page and sitemap sources: a selector override and the listing's layout signature.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("selector", sa.String, nullable=True))
        batch.add_column(sa.Column("xpath", sa.String, nullable=True))
        batch.add_column(sa.Column("layout_signature", sa.String, nullable=True))
        batch.add_column(sa.Column("layout_seen", sa.String, nullable=True))
        batch.add_column(sa.Column("layout_changed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("layout_note", sa.String, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source") as batch:
        for name in (
            "layout_note",
            "layout_changed_at",
            "layout_seen",
            "layout_signature",
            "xpath",
            "selector",
        ):
            batch.drop_column(name)
