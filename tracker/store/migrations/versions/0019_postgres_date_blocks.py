"""PostgreSQL: the date range of each block of 1,024 article ids, so a dated search reads only
ids that can be in its window (SQLite has had its own since 0015).

A search walks the matches from the newest id down. With a date range that ends in the past,
or that holds few matches, every newer (or older) match was read on the way to test its date:
thousands of rows at a million articles. This table gives, per block of ids, the earliest and
latest date of its articles (publication date, else fetch time); the blocks that overlap the
window bound the ids to read.

A trigger keeps it up to date: an insert, or a change of date, widens its block's range (never
narrows it: a bound may be loose, never wrong). Unlike SQLite's single row per block, each
block has a row per writer slot (the writing backend's process id modulo 64): concurrent
writers into the same block widen rows of their own, and do not wait for one another's commit
on a shared row. A search takes the min and max over a block's rows.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Article ids per block: id >> 10 (as SQLite's, migration 0015).
BLOCK_BITS = 10
SLOTS = 64


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """CREATE TABLE article_date_block (
            block integer NOT NULL,
            slot integer NOT NULL,
            first_at timestamp with time zone NOT NULL,
            last_at timestamp with time zone NOT NULL,
            PRIMARY KEY (block, slot)
        )"""
    )
    op.execute(
        f"""INSERT INTO article_date_block (block, slot, first_at, last_at)
        SELECT id >> {BLOCK_BITS}, 0, min(coalesce(published_at, fetched_at)),
               max(coalesce(published_at, fetched_at))
        FROM article GROUP BY id >> {BLOCK_BITS}"""
    )
    op.execute(
        f"""CREATE FUNCTION article_date_block_widen() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            at timestamp with time zone := coalesce(NEW.published_at, NEW.fetched_at);
        BEGIN
            INSERT INTO article_date_block AS b (block, slot, first_at, last_at)
            VALUES (NEW.id >> {BLOCK_BITS}, pg_backend_pid() % {SLOTS}, at, at)
            ON CONFLICT (block, slot) DO UPDATE SET
                first_at = least(b.first_at, excluded.first_at),
                last_at = greatest(b.last_at, excluded.last_at)
            WHERE b.first_at > excluded.first_at OR b.last_at < excluded.last_at;
            RETURN NULL;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER article_date_block_insert AFTER INSERT ON article"
        " FOR EACH ROW EXECUTE FUNCTION article_date_block_widen()"
    )
    op.execute(
        "CREATE TRIGGER article_date_block_update AFTER UPDATE OF published_at, fetched_at"
        " ON article FOR EACH ROW EXECUTE FUNCTION article_date_block_widen()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS article_date_block_update ON article")
    op.execute("DROP TRIGGER IF EXISTS article_date_block_insert ON article")
    op.execute("DROP FUNCTION IF EXISTS article_date_block_widen()")
    op.execute("DROP TABLE IF EXISTS article_date_block")
