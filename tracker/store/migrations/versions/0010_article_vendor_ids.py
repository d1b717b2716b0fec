"""The vendors an article names, in the article: one index filters search by text and vendor.

A search with a vendor filter on PostgreSQL matched the text in the GIN index, then tested each
match against the vendor's articles on the table rows (a busy word: tens of thousands of rows
read), or read the vendor's articles and tested each one's tsvector, read from TOAST. With the
vendor ids in an integer[] column indexed beside the tsvector in one multicolumn GIN index, the
index alone gives the articles that match both; only those rows are read, for the date and the
rank. The column is filled from ``mention`` here, and by ``insert_article`` from then on (the
mentions of an article are written once, with it). SQLite keeps the list as JSON and filters on
``mention`` (FTS5 ranks from its own index); the column keeps both schemas and ``db copy`` alike.
SQLite gets an index on (id, date): the date filter of a search reads it for each FTS match
instead of the article row, a page of the file per article.

Both drop the index on ``mention (vendor_id)``: ``mention (vendor_id, article_id)`` (0009)
answers the same lookups, and keeping both cost about 8% of the time spent storing an article.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_mention_vendor_id", table_name="mention")
    if op.get_bind().dialect.name == "postgresql":
        # The old index goes first: the UPDATE below rewrites every row (and regenerates its
        # tsvector), and keeping the index up to date through it took 91 s instead of 39 s
        # per 100,000 articles.
        op.execute("DROP INDEX IF EXISTS ix_article_search")
        op.execute("ALTER TABLE article ADD COLUMN vendor_ids integer[] NOT NULL DEFAULT '{}'")
        op.execute(
            """UPDATE article SET vendor_ids = m.ids
            FROM (SELECT article_id, array_agg(DISTINCT vendor_id ORDER BY vendor_id) AS ids
                  FROM mention GROUP BY article_id) AS m
            WHERE article.id = m.article_id"""
        )
        op.execute("CREATE INDEX ix_article_search ON article USING gin (search, vendor_ids)")
        return
    # SQLite: the date of an FTS match from a small index instead of the article row.
    op.execute(
        "CREATE INDEX ix_article_id_when ON article (id, coalesce(published_at, fetched_at))"
    )
    op.execute("ALTER TABLE article ADD COLUMN vendor_ids JSON NOT NULL DEFAULT '[]'")
    op.execute(
        """UPDATE article SET vendor_ids = (
            SELECT json_group_array(vendor_id) FROM (
                SELECT DISTINCT vendor_id FROM mention
                WHERE mention.article_id = article.id ORDER BY vendor_id))
        WHERE id IN (SELECT article_id FROM mention)"""
    )


def downgrade() -> None:
    op.create_index("ix_mention_vendor_id", "mention", ["vendor_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search")
        op.execute("CREATE INDEX ix_article_search ON article USING gin (search)")
    else:
        op.execute("DROP INDEX IF EXISTS ix_article_id_when")
    op.execute("ALTER TABLE article DROP COLUMN vendor_ids")
