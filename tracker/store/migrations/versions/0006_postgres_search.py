"""Full-text search on PostgreSQL: a generated tsvector over title and text, GIN-indexed.

SQLite has had its FTS5 table since 0001; nothing changes there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # 'simple': no stemming and no stop words, like SQLite's unicode61 tokenizer.
    op.execute(
        """ALTER TABLE article ADD COLUMN search tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
            setweight(to_tsvector('simple', coalesce(text, '')), 'B')
        ) STORED"""
    )
    op.execute("CREATE INDEX ix_article_search ON article USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_search")
    op.execute("ALTER TABLE article DROP COLUMN IF EXISTS search")
