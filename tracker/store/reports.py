"""Read-side queries: counts, top vendors, and the article export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.store.tables import Article, ArticleSource, Mention, Source, Vendor


def vendor_names_for(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """Vendor names per article id, most mentioned first."""
    if not article_ids:
        return {}
    rows = session.exec(
        select(Mention.article_id, Vendor.name, func.count())
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .where(col(Mention.article_id).in_(article_ids))
        .group_by(col(Mention.article_id), col(Vendor.name))
        .order_by(col(Mention.article_id), func.count().desc(), col(Vendor.name))
    )
    result: dict[int, list[str]] = {}
    for article_id, name, _ in rows:
        result.setdefault(article_id, []).append(name)
    return result


def source_names_for(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """Source names per article id."""
    if not article_ids:
        return {}
    rows = session.exec(
        select(ArticleSource.article_id, Source.name)
        .join(Source, col(Source.id) == col(ArticleSource.source_id))
        .where(col(ArticleSource.article_id).in_(article_ids))
        .order_by(col(ArticleSource.article_id), col(Source.name))
    )
    result: dict[int, list[str]] = {}
    for article_id, name in rows:
        names = result.setdefault(article_id, [])
        if name not in names:
            names.append(name)
    return result


def top_vendors(
    session: Session, limit: int = 10, article_ids: list[int] | None = None
) -> list[tuple[str, int, int]]:
    """(vendor, mentions, articles), most mentioned first; optionally within some articles."""
    stmt = (
        select(Vendor.name, func.count(), func.count(func.distinct(Mention.article_id)))
        .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
        .group_by(col(Vendor.name))
        .order_by(func.count().desc(), col(Vendor.name))
        .limit(limit)
    )
    if article_ids is not None:
        stmt = stmt.where(col(Mention.article_id).in_(article_ids))
    return [(name, int(m), int(a)) for name, m, a in session.exec(stmt)]


def totals(session: Session) -> dict[str, int]:
    """Row counts of the main tables."""
    return {
        "sources": int(session.exec(select(func.count()).select_from(Source)).one()),
        "articles": int(session.exec(select(func.count()).select_from(Article)).one()),
        "mentions": int(session.exec(select(func.count()).select_from(Mention)).one()),
    }


def export_articles(
    session: Session, since: datetime | None = None, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """One record per stored article, oldest first, read in batches."""
    last_id = 0
    while True:
        stmt = select(Article).where(col(Article.id) > last_id)
        if since:
            stmt = stmt.where(
                func.coalesce(col(Article.published_at), col(Article.fetched_at)) >= since
            )
        articles = list(session.exec(stmt.order_by(col(Article.id)).limit(batch)))
        if not articles:
            return
        ids = [a.id for a in articles if a.id is not None]
        vendors = vendor_names_for(session, ids)
        sources = source_names_for(session, ids)
        for article in articles:
            assert article.id is not None
            yield {
                "id": article.id,
                "url": article.url,
                "title": article.title,
                "sources": sources.get(article.id, []),
                "published_at": article.published_at,
                "fetched_at": article.fetched_at,
                "text_origin": article.text_origin,
                "vendors": vendors.get(article.id, []),
                "products": [],
                "relations": [],
                "events": [],
            }
        last_id = ids[-1]
