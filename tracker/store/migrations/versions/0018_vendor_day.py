"""How many articles mention each vendor, per UTC day, kept by triggers.

Exposure compares each company's mentions in the news window with its baseline (the 120 days
before "now"). Counting them meant reading every mention of every article of those four months
(100,000 rows at 100,000 articles), the largest cost of a tier-2 question once its tallies came
from the relation index (bench/exposure_bench.py). ``vendor_day`` holds, per vendor and day of
the article's time (published, else fetched; ``YYYY-MM-DD`` in UTC), the number of articles
with at least one mention of it: whole days are summed from it, the partial days at the edges
of a period are counted from the mentions.

Triggers keep it whatever writes: a vendor's first mention in an article adds the article to
its day, its last one removed takes it away; an article deleted (before its mentions go with
it) or given other dates moves its vendors' counts. Rejected mentions are left in it: the
queries subtract them (reviews are few).

On PostgreSQL, where several workers write at once, the triggers only append: each change is a
row of its own (+n or -n), never an update of a shared counter, so writers storing articles
about the same vendors on the same day neither wait for each other's commit nor deadlock (a
counter row per vendor and day would be locked by every batch mentioning Apple today, in
whatever order the batch met its vendors). Readers sum the rows; ``compact_vendor_days``
(tracker/store/tallies.py) folds each day's rows into one now and then. SQLite has one writer
at a time and keeps one row per vendor and day.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_PG_DAY = "to_char(coalesce({t}.published_at, {t}.fetched_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
_SQLITE_DAY = "substr(coalesce({t}.published_at, {t}.fetched_at), 1, 10)"


def upgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    # PostgreSQL: rows of changes, several per vendor and day until compacted (no key).
    key = "" if is_postgresql else ",\n            PRIMARY KEY (vendor_id, day)"
    op.execute(
        f"""CREATE TABLE vendor_day (
            vendor_id INTEGER NOT NULL,
            day VARCHAR NOT NULL,
            articles INTEGER NOT NULL{key}
        )"""
    )
    if is_postgresql:
        op.execute("CREATE INDEX ix_vendor_day_vendor ON vendor_day (vendor_id, day)")
    op.execute("CREATE INDEX ix_vendor_day_day ON vendor_day (day, vendor_id, articles)")
    if is_postgresql:
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_sqlite() -> None:
    day = _SQLITE_DAY.format(t="article")
    op.execute(
        f"""INSERT INTO vendor_day (vendor_id, day, articles)
        SELECT vendor_id, day, count(*) FROM (
            SELECT DISTINCT mention.vendor_id, mention.article_id, {day} AS day
            FROM mention JOIN article ON article.id = mention.article_id)
        GROUP BY vendor_id, day"""
    )
    # Row triggers run as each row is written or removed: the first mention of a vendor in an
    # article is the one with no other (earlier) row of the pair; the last one removed leaves
    # none. A mention removed with its article finds no article (nothing to do: the article's
    # own trigger did it, before its mentions went).
    op.execute(
        f"""CREATE TRIGGER vendor_day_mention_insert AFTER INSERT ON mention
        WHEN NOT EXISTS (SELECT 1 FROM mention AS m WHERE m.vendor_id = new.vendor_id
                         AND m.article_id = new.article_id AND m.id < new.id)
        BEGIN
            INSERT INTO vendor_day (vendor_id, day, articles)
            SELECT new.vendor_id, {day}, 1 FROM article WHERE article.id = new.article_id
            ON CONFLICT (vendor_id, day) DO UPDATE SET articles = articles + 1;
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER vendor_day_mention_delete AFTER DELETE ON mention
        WHEN NOT EXISTS (SELECT 1 FROM mention AS m WHERE m.vendor_id = old.vendor_id
                         AND m.article_id = old.article_id)
        BEGIN
            UPDATE vendor_day SET articles = articles - 1
            WHERE vendor_id = old.vendor_id
              AND day = (SELECT {day} FROM article WHERE article.id = old.article_id);
        END"""
    )
    old_day, new_day = _SQLITE_DAY.format(t="old"), _SQLITE_DAY.format(t="new")
    op.execute(
        f"""CREATE TRIGGER vendor_day_article_delete BEFORE DELETE ON article BEGIN
            UPDATE vendor_day SET articles = articles - 1
            WHERE day = {old_day}
              AND vendor_id IN (SELECT vendor_id FROM mention WHERE article_id = old.id);
        END"""
    )
    op.execute(
        f"""CREATE TRIGGER vendor_day_article_dates AFTER UPDATE OF published_at, fetched_at
        ON article WHEN {old_day} IS NOT {new_day} BEGIN
            UPDATE vendor_day SET articles = articles - 1
            WHERE day = {old_day}
              AND vendor_id IN (SELECT vendor_id FROM mention WHERE article_id = new.id);
            INSERT INTO vendor_day (vendor_id, day, articles)
            SELECT DISTINCT vendor_id, {new_day}, 1 FROM mention WHERE article_id = new.id
            ON CONFLICT (vendor_id, day) DO UPDATE SET articles = articles + 1;
        END"""
    )


def _upgrade_postgresql() -> None:
    day = _PG_DAY.format(t="article")
    op.execute(
        f"""INSERT INTO vendor_day (vendor_id, day, articles)
        SELECT vendor_id, day, count(*) FROM (
            SELECT DISTINCT mention.vendor_id, mention.article_id, {day} AS day
            FROM mention JOIN article ON article.id = mention.article_id) AS pairs
        GROUP BY vendor_id, day"""
    )
    # Statement triggers over the rows written or removed: row triggers of a multi-row
    # statement all run at its end, when every row of it is already there (or gone).
    op.execute(
        f"""CREATE FUNCTION vendor_day_mention_insert() RETURNS trigger AS $$
        BEGIN
            INSERT INTO vendor_day (vendor_id, day, articles)
            SELECT vendor_id, day, count(*) FROM (
                SELECT DISTINCT added.vendor_id, added.article_id, {day} AS day
                FROM added JOIN article ON article.id = added.article_id
                WHERE NOT EXISTS (
                    SELECT 1 FROM mention AS m
                    WHERE m.vendor_id = added.vendor_id AND m.article_id = added.article_id
                      AND m.id NOT IN (SELECT id FROM added))) AS pairs
            GROUP BY vendor_id, day;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER vendor_day_mention_insert AFTER INSERT ON mention
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION vendor_day_mention_insert()"""
    )
    op.execute(
        f"""CREATE FUNCTION vendor_day_mention_delete() RETURNS trigger AS $$
        BEGIN
            INSERT INTO vendor_day (vendor_id, day, articles)
            SELECT vendor_id, day, -count(*) FROM (
                SELECT DISTINCT gone.vendor_id, gone.article_id, {day} AS day
                FROM gone JOIN article ON article.id = gone.article_id
                WHERE NOT EXISTS (
                    SELECT 1 FROM mention AS m
                    WHERE m.vendor_id = gone.vendor_id
                      AND m.article_id = gone.article_id)) AS removed
            GROUP BY vendor_id, day;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER vendor_day_mention_delete AFTER DELETE ON mention
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
        EXECUTE FUNCTION vendor_day_mention_delete()"""
    )
    old_day, new_day = _PG_DAY.format(t="OLD"), _PG_DAY.format(t="NEW")
    op.execute(
        f"""CREATE FUNCTION vendor_day_article_delete() RETURNS trigger AS $$
        BEGIN
            INSERT INTO vendor_day (vendor_id, day, articles)
            SELECT DISTINCT vendor_id, {old_day}, -1 FROM mention WHERE article_id = OLD.id;
            RETURN OLD;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER vendor_day_article_delete BEFORE DELETE ON article
        FOR EACH ROW EXECUTE FUNCTION vendor_day_article_delete()"""
    )
    op.execute(
        f"""CREATE FUNCTION vendor_day_article_dates() RETURNS trigger AS $$
        BEGIN
            IF {old_day} IS DISTINCT FROM {new_day} THEN
                INSERT INTO vendor_day (vendor_id, day, articles)
                SELECT vendor_id, day, articles FROM (
                    SELECT DISTINCT vendor_id, {old_day} AS day, -1 AS articles
                    FROM mention WHERE article_id = NEW.id
                    UNION ALL
                    SELECT DISTINCT vendor_id, {new_day}, 1
                    FROM mention WHERE article_id = NEW.id) AS moved;
            END IF;
            RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    )
    op.execute(
        """CREATE TRIGGER vendor_day_article_dates AFTER UPDATE OF published_at, fetched_at
        ON article FOR EACH ROW EXECUTE FUNCTION vendor_day_article_dates()"""
    )


def downgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in (
        ("vendor_day_mention_insert", "mention"),
        ("vendor_day_mention_delete", "mention"),
        ("vendor_day_article_delete", "article"),
        ("vendor_day_article_dates", "article"),
    ):
        if is_postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS vendor_day")
