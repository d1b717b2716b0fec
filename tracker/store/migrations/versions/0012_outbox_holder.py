"""Who holds an outbox row: a sender renews its claim while the server takes the message
and marks the row sent only while it still holds it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_outbox") as batch:
        batch.drop_column("claimed_by")
