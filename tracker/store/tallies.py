"""Tallies kept by triggers: folding ``vendor_day``'s change rows on PostgreSQL.

On PostgreSQL the triggers of migration 0018 append a row per change (+n or -n articles for a
vendor and day) so that concurrent writers never update, lock or deadlock on a shared counter
row. The readers sum the rows; this folds each vendor and day's rows into one, so that the sum
stays a read of about one row per vendor and day. SQLite keeps one row per vendor and day
itself (one writer at a time): nothing to do there.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

# One worker of a fleet folds at a time (two DELETEs over the same rows could deadlock).
_COMPACT_LOCK_KEY = 0x76656E646F726479  # "vendordy", as the fetch log prune has its own

_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")

# Rows a concurrent writer appends meanwhile are not in this statement's snapshot: they stay,
# rows of their own, for the next time. A vendor's day at zero goes.
_COMPACT = text(
    """WITH many AS (
        SELECT vendor_id, day FROM vendor_day GROUP BY vendor_id, day HAVING count(*) > 1
    ), gone AS (
        DELETE FROM vendor_day AS v USING many
        WHERE v.vendor_id = many.vendor_id AND v.day = many.day
        RETURNING v.vendor_id, v.day, v.articles
    )
    INSERT INTO vendor_day (vendor_id, day, articles)
    SELECT vendor_id, day, sum(articles) FROM gone
    GROUP BY vendor_id, day HAVING sum(articles) <> 0"""
)


def compact_vendor_days(engine: Engine) -> int | None:
    """Fold ``vendor_day``'s rows into one per vendor and day (PostgreSQL); the rows written,
    or None when there is nothing to do here (SQLite) or another worker is at it."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.begin() as conn:
        if not conn.execute(_TRY_LOCK, {"key": _COMPACT_LOCK_KEY}).scalar():
            return None
        return int(conn.execute(_COMPACT).rowcount or 0)
