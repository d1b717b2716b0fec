"""PostgreSQL: the pairs of adjacent words of each article, GIN-indexed, so that a phrase's
matches come from an index (SQLite's FTS5 has had positions all along).

The GIN index of the article tsvector (0006, 0010) has no word positions: a phrase's articles
were found by its words alone, and the word order tested on each one's tsvector, read from
TOAST (stored uncompressed: pglz gives up on a tsvector, lz4 saves 5%), about 9 buffers a
row. So a phrase was tested on the newest 2,000 articles holding its words only: at a million
articles (bench/store_bench.py) "capacity expansion" (words in a tenth of the articles, side
by side in 0.15%) took 185-224 ms and found 31 of its newest 200 matches.

``article_word_pairs(search)`` is a tsvector whose lexemes are the article's adjacent pairs,
``'lead times'`` (two lexemes of the tsvector one position apart, joined by a space: the
meaning of ``lead <-> times``); the index over it answers a two-word phrase by itself and
narrows a longer one to the articles holding every pair. A space never occurs in a lexeme of
the 'simple' configuration, so a pair is never mistaken for a word. The index is an
expression index, not a column: nothing more in the row, and the function is run only when a
row is written (about 0.5 ms for an article of 300 words) or a lossy bitmap is rechecked.

The index is large and slow to build: at a million generated articles 6.7 GB (the words'
index: 0.8 GB; the database 9.9 GB before), and this upgrade took 49 minutes on a shared
2-core machine, most of it the GIN build sorting ~300 pairs an article in memory.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # SQL, not inlined (its body has a FROM), so the index expression and the search's stay
    # the same call; every function it uses is in pg_catalog (a restore runs it with an empty
    # search_path). Its cost (about 0.5 ms, a TOAST read besides) keeps the planner from
    # testing it row by row where the index can answer.
    op.execute(
        """CREATE FUNCTION article_word_pairs(vector tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
            SELECT coalesce(pg_catalog.array_to_tsvector(pg_catalog.array_agg(
                       first.lexeme || ' ' || second.lexeme)), ''::pg_catalog.tsvector)
            FROM (SELECT lexeme, pg_catalog.unnest(positions) AS at
                  FROM pg_catalog.unnest(vector)) AS first
            JOIN (SELECT lexeme, pg_catalog.unnest(positions) AS at
                  FROM pg_catalog.unnest(vector)) AS second ON second.at = first.at + 1
        $$"""
    )
    # (1 GB built no faster than 256 MB at a million articles: the time goes to comparing keys)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE INDEX ix_article_word_pairs ON article USING gin (article_word_pairs(search))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_article_word_pairs")
    op.execute("DROP FUNCTION IF EXISTS article_word_pairs(tsvector)")
