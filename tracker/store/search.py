"""Full-text search: SQLite FTS5, ranked by bm25, with a highlighted snippet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, func, literal_column, table, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from tracker.errors import QueryError, StoreError
from tracker.query import Node, to_fts5
from tracker.store.reports import source_names_for, vendor_names_for
from tracker.store.tables import Article, ArticleSource, Mention, Source, Vendor

# Marks around highlighted words in snippets; the CLI renders them.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"

_fts = table("article_fts", column("rowid"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result."""

    article_id: int
    title: str
    url: str
    published_at: datetime | None
    fetched_at: datetime
    snippet: str
    score: float
    sources: list[str]
    vendors: list[str]


def search_articles(
    session: Session,
    query: Node,
    *,
    vendor: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching ``query``, best first, filtered by vendor, source and date."""
    if session.get_bind().dialect.name != "sqlite":
        raise StoreError("store: full-text search needs SQLite in this version")
    snippet = func.snippet(
        literal_column("article_fts"), -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", 24
    )
    score = func.bm25(literal_column("article_fts"), 5.0, 1.0)
    when = func.coalesce(col(Article.published_at), col(Article.fetched_at))
    stmt = (
        select(Article, snippet.label("snippet"), score.label("score"))
        .join(_fts, _fts.c.rowid == col(Article.id))
        .where(text("article_fts MATCH :match").bindparams(match=to_fts5(query)))
    )
    if vendor:
        stmt = stmt.where(
            col(Article.id).in_(
                select(Mention.article_id)
                .join(Vendor, col(Vendor.id) == col(Mention.vendor_id))
                .where(
                    (func.lower(Vendor.name) == vendor.lower())
                    | (func.lower(Vendor.parent) == vendor.lower())
                )
            )
        )
    if source:
        stmt = stmt.where(
            col(Article.id).in_(
                select(ArticleSource.article_id)
                .join(Source, col(Source.id) == col(ArticleSource.source_id))
                .where(Source.name == source)
            )
        )
    if since:
        stmt = stmt.where(when >= since)
    if until:
        stmt = stmt.where(when < until)
    stmt = stmt.order_by(literal_column("score")).limit(limit)
    try:
        rows = session.exec(stmt).all()
    except OperationalError as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    ids = [article.id for article, _, _ in rows if article.id is not None]
    vendors = vendor_names_for(session, ids)
    sources = source_names_for(session, ids)
    return [
        SearchHit(
            article_id=article.id or 0,
            title=article.title,
            url=article.url,
            published_at=article.published_at,
            fetched_at=article.fetched_at,
            snippet=" ".join(str(snip).split()),
            score=-float(rank),
            sources=sources.get(article.id or 0, []),
            vendors=vendors.get(article.id or 0, []),
        )
        for article, snip, rank in rows
    ]
