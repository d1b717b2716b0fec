"""Source queries: the feeds the tracker knows and their fetch state."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.errors import StoreError
from tracker.store.tables import ArticleSource, Source


def all_sources(session: Session) -> list[Source]:
    """Every source, by name."""
    return list(session.exec(select(Source).order_by(Source.name)))


def source_by_name(session: Session, name: str) -> Source | None:
    """The source called ``name``, if any."""
    return session.exec(select(Source).where(Source.name == name)).first()


def source_by_url(session: Session, url: str) -> Source | None:
    """The source fetched from ``url``, if any."""
    return session.exec(select(Source).where(Source.url == url)).first()


def add_source(session: Session, name: str, url: str, kind: str = "feed") -> Source:
    """Add a source; StoreError when the name or URL is taken."""
    if source_by_name(session, name):
        raise StoreError(f"store: a source named {name!r} already exists")
    existing = source_by_url(session, url)
    if existing:
        raise StoreError(f"store: {url} is already the source {existing.name!r}")
    source = Source(name=name, url=url, kind=kind, created_at=datetime.now(UTC))
    session.add(source)
    session.flush()
    return source


def upsert_source(session: Session, name: str, url: str, kind: str = "feed") -> Source:
    """Add the source, or point an existing one of that name at ``url``."""
    source = source_by_name(session, name)
    if source is None:
        return add_source(session, name, url, kind)
    if source.url != url or source.kind != kind:
        clash = source_by_url(session, url)
        if clash and clash.id != source.id:
            raise StoreError(f"store: {url} is already the source {clash.name!r}")
        source.url, source.kind = url, kind
        session.add(source)
    return source


def remove_source(session: Session, name: str) -> int:
    """Remove a source and its links to articles (the articles stay); returns links removed."""
    source = source_by_name(session, name)
    if source is None:
        raise StoreError(f"store: no source named {name!r}")
    links = session.exec(
        select(func.count()).select_from(ArticleSource).where(ArticleSource.source_id == source.id)
    ).one()
    for link in session.exec(select(ArticleSource).where(ArticleSource.source_id == source.id)):
        session.delete(link)
    session.delete(source)
    return int(links)


def record_success(
    session: Session,
    source_id: int,
    *,
    title: str | None,
    etag: str | None,
    last_modified: str | None,
) -> None:
    """Note a successful fetch and the validators to send next time."""
    source = session.get_one(Source, source_id)
    now = datetime.now(UTC)
    source.last_fetched_at = source.last_success_at = now
    source.last_error = source.last_error_class = None
    source.error_count = 0
    if title:
        source.title = title
    source.etag, source.last_modified = etag, last_modified
    session.add(source)


def record_failure(session: Session, source_id: int, error_class: str, message: str) -> None:
    """Note a failed fetch; the streak grows until the next success."""
    source = session.get_one(Source, source_id)
    source.last_fetched_at = datetime.now(UTC)
    source.last_error, source.last_error_class = message, error_class
    source.error_count += 1
    session.add(source)


def article_counts(session: Session) -> dict[int, int]:
    """Articles per source id."""
    rows = session.exec(
        select(ArticleSource.source_id, func.count()).group_by(col(ArticleSource.source_id))
    )
    return {source_id: int(count) for source_id, count in rows}
