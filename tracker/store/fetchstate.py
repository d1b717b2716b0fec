"""Fetch scheduling and health queries: which sources are due, the fetch log, rhythms."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, func
from sqlmodel import Session, col, delete, or_, select

from tracker.store.tables import Article, ArticleSource, FetchLog, Source

# The fetch log keeps this long per source.
LOG_RETENTION = timedelta(days=90)


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
    """Append to the fetch log, dropping the source's entries older than the retention."""
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
    session.exec(
        delete(FetchLog).where(
            col(FetchLog.source_id) == source_id,
            col(FetchLog.started_at) < started_at - LOG_RETENTION,
        )
    )


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
    """The newest fetch-log entry of each source."""
    newest = (
        select(FetchLog.source_id, func.max(FetchLog.id).label("last_id"))
        .group_by(col(FetchLog.source_id))
        .subquery()
    )
    rows = session.exec(select(FetchLog).join(newest, col(FetchLog.id) == newest.c.last_id))
    return {row.source_id: row for row in rows}
