"""Fetch scheduling and health queries: which sources are due, the fetch log, rhythms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, Engine, Integer, bindparam, func, text
from sqlmodel import Session, col, or_, select

from tracker.store.tables import Article, ArticleSource, FetchLog, Source
from tracker.store.types import UTCDateTime

# Rows of the fetch log deleted per transaction by prune_fetch_log.
PRUNE_BATCH_ROWS = 5000
# The advisory lock that lets one worker of a fleet prune at a time (any constant: "fetchlog").
_PRUNE_LOCK_KEY = 0x66657463686C6F67


class ConnectionKeeper:
    """Holds one connection to a SQLite database open while a pipeline runs.

    When the last connection to a WAL database closes, SQLite checkpoints and removes the
    WAL, which costs ~2 ms. The engine's pool keeps the connections of past sessions open,
    but may let them go; one connection kept open makes sure; closing the keeper ends it.
    """

    def __init__(self, engine: Engine) -> None:
        self._connection: Connection | None = (
            engine.connect() if engine.dialect.name == "sqlite" else None
        )

    def close(self) -> None:
        """Let the database go."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE).

    A deferred SQLite transaction that reads and then writes fails at once with "database
    is locked" when another process wrote in between (the busy timeout cannot help: waiting
    could deadlock). Taking the write lock first makes it wait its turn instead.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# PostgreSQL's deadlock_detected and serialization_failure: the transaction lost a race with
# another writer and may simply be run again.
_WRITE_CONFLICTS = frozenset({"40P01", "40001"})


def is_write_conflict(exc: BaseException) -> bool:
    """True when ``exc`` is a write that another transaction's locks made fail (a deadlock):
    running it again is safe and will succeed once the other has committed."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _WRITE_CONFLICTS


def due_sources(session: Session, now: datetime) -> list[Source]:
    """Enabled sources never fetched or whose next attempt has come, most overdue first."""
    query = (
        select(Source)
        .where(col(Source.is_enabled).is_(True))
        .where(or_(col(Source.next_attempt_at).is_(None), col(Source.next_attempt_at) <= now))
        .order_by(col(Source.next_attempt_at).asc().nulls_first(), col(Source.name))
    )
    return list(session.exec(query))


def next_due_at(session: Session) -> datetime | None:
    """The earliest next attempt among enabled sources."""
    return session.exec(
        select(func.min(Source.next_attempt_at)).where(col(Source.is_enabled).is_(True))
    ).one()


def log_fetch(
    session: Session,
    source_id: int,
    *,
    started_at: datetime,
    elapsed_s: float,
    status: str,
    http_status: int | None,
    error_class: str | None,
    entries: int,
    new: int,
) -> None:
    """Append to the fetch log. Nothing is deleted here: prune_fetch_log, run now and then,
    keeps the log's size (a DELETE per fetch cost a statement and dead rows on every fetch)."""
    session.add(
        FetchLog(
            source_id=source_id,
            started_at=started_at,
            elapsed_s=round(elapsed_s, 3),
            status=status,
            http_status=http_status,
            error_class=error_class,
            entries=entries,
            new=new,
        )
    )


# A batch: the PRUNE_BATCH_ROWS rows from :lo on, by id (the log is written in time order, so
# ids follow started_at but for fetches that overlapped). Each source's newest row stays,
# however old: `sources health` shows it (a source disabled months ago keeps its last fetch).
_FIRST = text("SELECT id, started_at FROM fetch_log WHERE id > :after ORDER BY id LIMIT 1").columns(
    id=Integer(), started_at=UTCDateTime()
)
_BATCH_LAST = text(
    "SELECT max(id) FROM (SELECT id FROM fetch_log WHERE id >= :lo ORDER BY id LIMIT :n) AS b"
)
_DELETE = text(
    """DELETE FROM fetch_log WHERE id >= :lo AND id <= :hi AND started_at < :before
    AND EXISTS (SELECT 1 FROM fetch_log AS newer WHERE newer.source_id = fetch_log.source_id
        AND newer.started_at > fetch_log.started_at)"""
).bindparams(bindparam("before", type_=UTCDateTime()))
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")


def prune_fetch_log(
    engine: Engine,
    before: datetime,
    *,
    batch_rows: int = PRUNE_BATCH_ROWS,
    max_batches: int | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Delete the fetch-log rows that started before ``before`` (each source's newest row
    excepted), oldest first, ``batch_rows`` per transaction, until the rows left are newer,
    ``max_batches`` are done or ``keep_going()`` says stop; the number deleted.

    Each batch is a range of the primary key, so it costs the rows it deletes whatever the
    size of the log. On PostgreSQL one worker of a fleet prunes at a time (an advisory lock
    per batch): another finds it taken and stops at once.
    """
    is_postgres = engine.dialect.name == "postgresql"
    deleted, batches, after = 0, 0, -1
    while keep_going() and (max_batches is None or batches < max_batches):
        with engine.begin() as conn:
            if is_postgres and not conn.execute(_TRY_LOCK, {"key": _PRUNE_LOCK_KEY}).scalar():
                break  # another worker is pruning
            first = conn.execute(_FIRST, {"after": after}).first()
            if first is None or first.started_at >= before:
                break  # the rest is newer (rows that overlapped it go at the next run)
            hi = int(conn.execute(_BATCH_LAST, {"lo": first.id, "n": batch_rows}).scalar_one())
            result = conn.execute(_DELETE, {"lo": first.id, "hi": hi, "before": before})
            deleted += int(result.rowcount or 0)
        batches += 1
        after = hi
    return deleted


def publication_times(session: Session, source_id: int, limit: int = 50) -> list[datetime]:
    """When a source's newest articles came out (the time first seen when undated)."""
    when = func.coalesce(Article.published_at, ArticleSource.seen_at)
    rows = session.exec(
        select(Article.published_at, ArticleSource.seen_at)
        .join(ArticleSource, col(ArticleSource.article_id) == col(Article.id))
        .where(ArticleSource.source_id == source_id)
        .order_by(when.desc())
        .limit(limit)
    ).all()
    return [published or seen for published, seen in rows]


def publication_times_by_source(session: Session, since: datetime) -> dict[int, list[datetime]]:
    """Every source's publication times since ``since``, plus at least its newest 50."""
    when = func.coalesce(Article.published_at, ArticleSource.seen_at)
    rows = session.exec(
        select(ArticleSource.source_id, Article.published_at, ArticleSource.seen_at)
        .join(Article, col(ArticleSource.article_id) == col(Article.id))
        .where(when >= since)
    ).all()
    found: dict[int, list[datetime]] = defaultdict(list)
    for source_id, published, seen in rows:
        found[source_id].append(published or seen)
    for source in session.exec(select(Source)):
        assert source.id is not None
        if len(found[source.id]) < 50:
            found[source.id] = sorted(
                set(found[source.id]) | set(publication_times(session, source.id))
            )
    return dict(found)


def last_fetches(session: Session) -> dict[int, FetchLog]:
    """The newest fetch-log entry of each source: one probe of the (source, started_at) index
    per source, whatever the length of the log."""
    newest = (
        select(FetchLog.id)
        .where(col(FetchLog.source_id) == col(Source.id))
        .order_by(col(FetchLog.started_at).desc())
        .limit(1)
        .correlate(Source)
        .scalar_subquery()
    )
    rows = session.exec(
        select(FetchLog).where(col(FetchLog.id).in_(select(newest).select_from(Source)))
    )
    return {row.source_id: row for row in rows}
