"""Full-text search: SQLite FTS5, ranked by bm25, with a highlighted snippet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    bindparam,
    column,
    func,
    literal_column,
    table,
    text,
)
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlalchemy.orm import load_only
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session, col, select

from tracker.errors import QueryError, StoreError
from tracker.query import Node, to_fts5, to_tsquery
from tracker.store.reports import source_names_for, vendor_names_for
from tracker.store.tables import Article, ArticleSource, Mention, Source, Vendor
from tracker.store.types import UTCDateTime

# Marks around highlighted words in snippets; the CLI renders them.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"

_fts = table("article_fts", column("rowid"))
_ID_ARRAY = ARRAY(Integer)
# What a hit shows of its article: not the text, which the snippet already sums up.
_HIT_COLUMNS = load_only(
    *(getattr(Article, name) for name in ("id", "title", "url", "published_at", "fetched_at"))
)


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


Row = tuple[Article, str, float]


def _sqlite_dates(since: datetime | None, until: datetime | None) -> list[TextClause]:
    """The date test of an FTS match, read from the small index on (id, date) of migration
    0010 rather than from the article row (about a page of the file per article)."""
    tests, params = [], []
    for name, value, op in (("since", since, ">="), ("until", until, "<")):
        if value is not None:
            tests.append(f"coalesce(dated.published_at, dated.fetched_at) {op} :{name}")
            params.append(bindparam(name, value, type_=UTCDateTime()))
    if not tests:
        return []
    return [
        text(
            "EXISTS (SELECT 1 FROM article AS dated INDEXED BY ix_article_id_when"
            f" WHERE dated.id = article_fts.rowid AND {' AND '.join(tests)})"
        ).bindparams(*params)
    ]


def _sqlite_search(
    session: Session,
    query: Node,
    filters: list[ColumnElement[bool]],
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[Row]:
    match = text("article_fts MATCH :match").bindparams(match=to_fts5(query))
    score = func.bm25(literal_column("article_fts"), 5.0, 1.0)
    # Rank every match that passes the filters, tested on the FTS rowid: no article row read.
    best = (
        select(_fts.c.rowid, score.label("score"))
        .select_from(_fts)
        .where(match, *filters, *_sqlite_dates(since, until))
        .order_by(literal_column("score"))
        .limit(limit)
    )
    # Snippets for the best rows only: snippet() reads and tokenises the whole text.
    snippet = func.snippet(
        literal_column("article_fts"), -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", 24
    )
    try:
        ranked = [(int(rowid), float(rank)) for rowid, rank in session.exec(best)]
        if not ranked:
            return []
        found = {
            article.id: (article, str(snip))
            for article, snip in session.exec(
                select(Article, snippet.label("snippet"))
                .join(_fts, _fts.c.rowid == col(Article.id))
                .options(_HIT_COLUMNS)
                .where(match, _fts.c.rowid.in_([rowid for rowid, _ in ranked]))
            )
        }
    except OperationalError as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    return [(*found[rowid], -rank) for rowid, rank in ranked if rowid in found]


def _postgres_search(
    session: Session, query: Node, filters: list[ColumnElement[bool]], limit: int
) -> list[Row]:
    tsquery = func.to_tsquery(literal_column("'simple'"), to_tsquery(query))
    vector: ColumnElement[str] = literal_column("article.search")
    score = func.ts_rank_cd(vector, tsquery, 32)
    best = (
        select(col(Article.id).label("id"), score.label("score"))
        .where(vector.op("@@")(tsquery), *filters)
        .order_by(score.desc())
        .limit(limit)
        .subquery()
    )
    headline = func.ts_headline(
        literal_column("'simple'"),
        col(Article.text),
        tsquery,
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=12",
    )
    stmt = (
        select(Article, headline.label("snippet"), best.c.score)
        .join(best, best.c.id == col(Article.id))
        .options(_HIT_COLUMNS)
        .order_by(best.c.score.desc())
    )
    try:
        found = session.exec(stmt).all()
    except (ProgrammingError, DataError) as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    return [(article, str(snip), float(rank)) for article, snip, rank in found]


def search_articles(
    session: Session,
    query: Node,
    *,
    vendors: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching ``query``, best first, filtered by vendor, source and date.

    An article must name every one of ``vendors`` (each by itself or one of its
    subsidiaries; names are the store's, in any case) and come from any one of ``sources``.
    SQLite ranks with FTS5's bm25 (title weighted 5x), PostgreSQL with ts_rank_cd over a
    tsvector whose title words weigh 2.5x the body's; both use no stemming.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise StoreError(f"store: full-text search is not available on {dialect}")
    # On SQLite the FTS rowid is the article id. Checking it (not article.id) tests each match
    # against the vendor's or source's articles before the article row is read; the unary +
    # keeps SQLite from looking the listed articles up in the FTS index one by one instead.
    article_id = (
        literal_column("+article_fts.rowid", Integer) if dialect == "sqlite" else col(Article.id)
    )
    filters: list[ColumnElement[bool]] = []
    for vendor in dict.fromkeys(vendors):
        # The vendor and its subsidiaries: a few rows of a small table.
        vendor_ids = select(Vendor.id).where(
            (func.lower(Vendor.name) == vendor.lower())
            | (func.lower(Vendor.parent) == vendor.lower())
        )
        if dialect == "sqlite":
            # Their articles by the mention index, tested on each FTS match before ranking.
            filters.append(
                article_id.in_(
                    select(Mention.article_id).where(col(Mention.vendor_id).in_(vendor_ids))
                )
            )
        else:
            # The article's own vendor list, indexed with its tsvector (migration 0010): the
            # GIN index gives the articles matching both.
            filters.append(
                col(Article.vendor_ids).op("&&")(
                    func.array(vendor_ids.scalar_subquery()).cast(_ID_ARRAY)
                )
            )
    if sources:
        filters.append(
            article_id.in_(
                select(ArticleSource.article_id)
                .join(Source, col(Source.id) == col(ArticleSource.source_id))
                .where(col(Source.name).in_(list(sources)))
            )
        )
    if dialect == "sqlite":
        rows = _sqlite_search(session, query, filters, since, until, limit)
    else:
        # The dates are tested on the rows the GIN index gives (text and vendor).
        when = func.coalesce(col(Article.published_at), col(Article.fetched_at))
        if since:
            filters.append(when >= since)
        if until:
            filters.append(when < until)
        rows = _postgres_search(session, query, filters, limit)
    ids = [article.id for article, _, _ in rows if article.id is not None]
    vendors_of = vendor_names_for(session, ids)
    sources_of = source_names_for(session, ids)
    return [
        SearchHit(
            article_id=article.id or 0,
            title=article.title,
            url=article.url,
            published_at=article.published_at,
            fetched_at=article.fetched_at,
            snippet=" ".join(snip.split()),
            score=rank,
            sources=sources_of.get(article.id or 0, []),
            vendors=vendors_of.get(article.id or 0, []),
        )
        for article, snip, rank in rows
    ]
