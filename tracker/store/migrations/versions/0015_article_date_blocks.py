"""SQLite: the date range of each block of 1,024 article ids, so a dated search reads only ids
that can be in its window.

A search ranks the newest matches that pass its filters, walking the full-text index from the
highest article id down. With a date range that ends in the past, or holds few matches, that
walk used to test the date of every newer (or older) match on the way: a third of a million
tests for a common word at a million articles. This small table gives, for each block of ids,
the earliest and latest date of its articles (publication date, else fetch time); the blocks
that overlap the window bound the ids to walk. Triggers keep it up to date: an insert, or a
change of date, widens its block's range (never narrows it: a bound may be loose, never wrong).
PostgreSQL is left as it is.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Article ids per block: id >> 10.
BLOCK_BITS = 10
_WIDEN = f"""INSERT INTO article_date_block (block, first_at, last_at)
        VALUES (new.id >> {BLOCK_BITS}, coalesce(new.published_at, new.fetched_at),
                coalesce(new.published_at, new.fetched_at))
        ON CONFLICT (block) DO UPDATE SET
            first_at = min(first_at, excluded.first_at),
            last_at = max(last_at, excluded.last_at);"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        """CREATE TABLE article_date_block (
            block INTEGER PRIMARY KEY,
            first_at DATETIME NOT NULL,
            last_at DATETIME NOT NULL
        )"""
    )
    op.execute(
        f"""INSERT INTO article_date_block (block, first_at, last_at)
        SELECT id >> {BLOCK_BITS}, min(coalesce(published_at, fetched_at)),
               max(coalesce(published_at, fetched_at))
        FROM article INDEXED BY ix_article_id_when GROUP BY id >> {BLOCK_BITS}"""
    )
    op.execute(
        f"CREATE TRIGGER article_date_block_insert AFTER INSERT ON article BEGIN {_WIDEN} END"
    )
    op.execute(
        "CREATE TRIGGER article_date_block_update AFTER UPDATE OF published_at, fetched_at"
        f" ON article BEGIN {_WIDEN} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS article_date_block_update")
    op.execute("DROP TRIGGER IF EXISTS article_date_block_insert")
    op.execute("DROP TABLE IF EXISTS article_date_block")
