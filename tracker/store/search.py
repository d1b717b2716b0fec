"""Full-text search: the newest matches, ranked by relevance, with a highlighted snippet.

SQLite uses FTS5 (bm25), PostgreSQL a tsvector with its GIN index (ts_rank_cd). Both rank the
newest ``CANDIDATES`` articles that match and pass the filters, never every match: a word in a
third of a million articles would otherwise be scored a third of a million times per search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    Table,
    bindparam,
    column,
    distinct,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session

from tracker.errors import QueryError, StoreError
from tracker.query import Node, to_fts5, to_tsquery
from tracker.store.tables import Article, ArticleSource, Mention, Source, Vendor
from tracker.store.types import UTCDateTime

# Marks around highlighted words in snippets; the CLI renders them.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
# How many of the newest matching articles (after the filters) are ranked by relevance.
CANDIDATES = 200
# PostgreSQL: how many of the newest ids are walked by the primary key before the GIN index.
RECENT_IDS = 2000
# Article ids per block of article_date_block (SQLite, migration 0015): id >> 10.
DATE_BLOCK_BITS = 10

_fts = table("article_fts", column("rowid"))
_ID_ARRAY = ARRAY(Integer)


def _table(model: Any) -> Table:
    found: Table = model.__table__
    return found


_article = _table(Article)
_mention = _table(Mention)
_vendor = _table(Vendor)
_article_source = _table(ArticleSource)
_source = _table(Source)
# What a hit shows of its article: not the text, which the snippet already sums up.
_HIT_COLUMNS = [_article.c[name] for name in ("id", "title", "url", "published_at", "fetched_at")]


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


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A search's hits, and the ids of the matches ranked to find them (newest first)."""

    hits: list[SearchHit]
    candidate_ids: list[int]


# id, title, url, published_at, fetched_at, snippet, score, vendor names, source names
Row = tuple[int, str, str, datetime | None, datetime, str, float, list[str], list[str]]

# The vendor names of a hit (most mentioned first) and its source names, read with the hit.
# SQLite has no arrays: "count US name" joined by RS, sorted by _names_of.
_SQLITE_VENDOR_NAMES: ColumnElement[Any] = literal_column(
    """(SELECT group_concat(n || char(31) || name, char(30)) FROM (
        SELECT count(*) AS n, v.name AS name FROM mention AS m JOIN vendor AS v
        ON v.id = m.vendor_id WHERE m.article_id = article.id GROUP BY v.name))"""
)
_SQLITE_SOURCE_NAMES: ColumnElement[Any] = literal_column(
    """(SELECT group_concat(name, char(30)) FROM (
        SELECT DISTINCT s.name AS name FROM article_source AS x JOIN source AS s
        ON s.id = x.source_id WHERE x.article_id = article.id))"""
)
_POSTGRES_VENDOR_NAMES: ColumnElement[Any] = literal_column(
    """ARRAY(SELECT v.name FROM mention AS m JOIN vendor AS v ON v.id = m.vendor_id
        WHERE m.article_id = article.id GROUP BY v.name ORDER BY count(*) DESC, v.name)"""
)
_POSTGRES_SOURCE_NAMES: ColumnElement[Any] = literal_column(
    """ARRAY(SELECT DISTINCT s.name FROM article_source AS x JOIN source AS s
        ON s.id = x.source_id WHERE x.article_id = article.id ORDER BY s.name)"""
)


def _sqlite_names(vendors: str | None, sources: str | None) -> tuple[list[str], list[str]]:
    counted = [item.split("\x1f", 1) for item in vendors.split("\x1e")] if vendors else []
    return (
        [name for _, name in sorted(counted, key=lambda item: (-int(item[0]), item[1]))],
        sorted(sources.split("\x1e")) if sources else [],
    )


def _sqlite_dates(since: datetime | None, until: datetime | None) -> list[TextClause]:
    """The date test of an FTS match, and the range of ids that can pass it.

    The range comes from the date range of each block of 1,024 ids (migration 0015), so the
    FTS walk starts at the newest block that overlaps the window and stops below the oldest
    one; each match in it is then tested on the small index on (id, date) of migration 0010
    rather than on the article row (about a page of the file per article)."""
    tests, spans, params = [], [], []
    for name, value, op, span in (
        ("since", since, ">=", "last_at >="),
        ("until", until, "<", "first_at <"),
    ):
        if value is not None:
            tests.append(f"coalesce(dated.published_at, dated.fetched_at) {op} :{name}")
            spans.append(f"{span} :{name}")
            params.append(bindparam(name, value, type_=UTCDateTime()))
    if not tests:
        return []
    blocks = f"FROM article_date_block WHERE {' AND '.join(spans)}"
    return [
        text(
            f"article_fts.rowid >= (SELECT min(block) << {DATE_BLOCK_BITS} {blocks})"
            f" AND article_fts.rowid < (SELECT (max(block) + 1) << {DATE_BLOCK_BITS} {blocks})"
            " AND EXISTS (SELECT 1 FROM article AS dated INDEXED BY ix_article_id_when"
            f" WHERE dated.id = article_fts.rowid AND {' AND '.join(tests)})"
        ).bindparams(*params)
    ]


def _sqlite_match(query: Node) -> TextClause:
    return text("article_fts MATCH :match").bindparams(match=to_fts5(query))


def _sqlite_newest(
    match: TextClause,
    filters: list[ColumnElement[bool]],
    since: datetime | None,
    until: datetime | None,
    candidates: int,
) -> Select[int, float]:
    """The newest ``candidates`` matches that pass the filters, (id, score): FTS5 walks its
    doclists from the highest rowid down and stops at the limit; the filters are tested on
    the rowid, no article row read."""
    score = func.bm25(literal_column("article_fts"), 5.0, 1.0)
    return (
        select(_fts.c.rowid.label("id"), score.label("score"))
        .select_from(_fts)
        .where(match, *filters, *_sqlite_dates(since, until))
        .order_by(_fts.c.rowid.desc())
        .limit(candidates)
    )


def _sqlite_search(
    session: Session,
    query: Node,
    filters: list[ColumnElement[bool]],
    since: datetime | None,
    until: datetime | None,
    limit: int,
    candidates: int,
    offset: int = 0,
) -> tuple[list[Row], list[int]]:
    match = _sqlite_match(query)
    conn = session.connection()
    try:
        newest = conn.execute(_sqlite_newest(match, filters, since, until, candidates)).all()
        ids = [int(r[0]) for r in newest]
        best = sorted(newest, key=lambda r: (r[1], -r[0]))[offset:limit]
        scores = {int(i): float(score) for i, score in best}
        if not best:
            return [], ids
        # Snippets for the best rows only, each found by its rowid: snippet() reads and
        # tokenises the whole text.
        snippet = (
            select(
                func.snippet(
                    literal_column("article_fts"), -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", 24
                )
            )
            .select_from(_fts)
            .where(match, _fts.c.rowid == _article.c.id)
            .scalar_subquery()
        )
        stmt = select(*_HIT_COLUMNS, snippet, _SQLITE_VENDOR_NAMES, _SQLITE_SOURCE_NAMES).where(
            _article.c.id.in_(sorted(scores))
        )
        found = conn.execute(stmt).all()
    except OperationalError as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    rows: list[Row] = []
    for row in sorted(found, key=lambda r: (scores[r[0]], -r[0])):
        vendors, sources = _sqlite_names(row[6], row[7])
        rows.append((row[0], row[1], row[2], row[3], row[4], row[5], -scores[row[0]], vendors,
                     sources))  # fmt: skip
    return rows, ids


def _tsquery(query: Node) -> ColumnElement[Any]:
    return func.to_tsquery(literal_column("'simple'"), to_tsquery(query))


def _postgres_newest(
    query: Node, filters: list[ColumnElement[bool]], candidates: int
) -> Select[int]:
    """The ids of the newest ``candidates`` matches that pass the filters."""
    tsquery = _tsquery(query)
    vector: ColumnElement[str] = literal_column("article.search")
    # The newest matches that pass the filters, in two steps. First among the newest
    # RECENT_IDS ids, walking the primary key down and testing each row (its tsvector is read
    # from TOAST: bounded by RECENT_IDS). Only if that finds too few, among the older ones
    # through the GIN index (which also tests the vendor filter), reading the rows it gives:
    # walking the primary key down through them would test every row on the way.
    matching = [vector.op("@@")(tsquery), *filters]
    edge = select(func.max(_article.c.id)).scalar_subquery() - RECENT_IDS
    recent = (
        select(_article.c.id)
        .where(*matching, _article.c.id > edge)
        .order_by(_article.c.id.desc())
        .limit(candidates)
        .cte("recent")
        .prefix_with("MATERIALIZED")
    )
    shifted = _article.c.id + literal_column("0")  # not the primary key's order: the GIN index
    older = (
        select(_article.c.id)
        .where(
            *matching,
            shifted <= edge,
            select(func.count()).select_from(recent).scalar_subquery() < candidates,
        )
        .order_by(shifted.desc())
        .limit(candidates)
        .cte("older")
        .prefix_with("MATERIALIZED")
    )
    both = union_all(select(recent.c.id), select(older.c.id)).subquery("both")
    return select(both.c.id).order_by(both.c.id.desc()).limit(candidates)


def _postgres_search(
    session: Session,
    query: Node,
    filters: list[ColumnElement[bool]],
    limit: int,
    candidates: int,
    offset: int = 0,
) -> tuple[list[Row], list[int]]:
    tsquery = _tsquery(query)
    vector: ColumnElement[str] = literal_column("article.search")
    score = func.ts_rank_cd(vector, tsquery, 32)
    headline = func.ts_headline(
        literal_column("'simple'"),
        _article.c.text,
        tsquery,
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=12",
    )

    def run(conn: Connection) -> tuple[list[Row], list[int]]:
        ids = [int(i) for i in conn.execute(_postgres_newest(query, filters, candidates)).scalars()]
        if not ids:
            return [], ids
        best = (
            select(_article.c.id.label("id"), score.label("score"))
            .where(_article.c.id.in_(ids))
            .order_by(score.desc(), _article.c.id.desc())
            .limit(max(limit - offset, 0))
            .offset(offset)
            .subquery("best")
        )
        stmt = (
            select(
                *_HIT_COLUMNS,
                headline,
                best.c.score,
                _POSTGRES_VENDOR_NAMES,
                _POSTGRES_SOURCE_NAMES,
            )
            .join(best, best.c.id == _article.c.id)
            .order_by(best.c.score.desc(), best.c.id.desc())
        )
        return [tuple(row) for row in conn.execute(stmt).all()], ids

    try:
        bind = session.get_bind()
        if session.in_transaction() or not isinstance(bind, Engine):
            return run(session.connection())
        # Outside the session's transaction the two statements need no BEGIN or COMMIT round
        # trip (the session's own connection is left as it is, for whatever the caller does
        # next); each one, the names of the hits in it, sees one snapshot.
        with bind.connect() as conn:
            return run(conn.execution_options(isolation_level="AUTOCOMMIT"))
    except (ProgrammingError, DataError) as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc


def _dialect(session: Session) -> str:
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise StoreError(f"store: full-text search is not available on {dialect}")
    return dialect


def _filters(
    dialect: str, vendors: Sequence[str], sources: Sequence[str]
) -> list[ColumnElement[bool]]:
    """The vendor and source filters of a search (see ``search_articles``)."""
    # On SQLite the FTS rowid is the article id. Checking it (not article.id) tests each match
    # against the vendor's or source's articles before the article row is read; the unary +
    # keeps SQLite from looking the listed articles up in the FTS index one by one instead.
    article_id: ColumnElement[int] = (
        literal_column("+article_fts.rowid", Integer) if dialect == "sqlite" else _article.c.id
    )
    filters: list[ColumnElement[bool]] = []
    for vendor in dict.fromkeys(vendors):
        # The vendor and its subsidiaries: a few rows of a small table.
        vendor_ids = select(_vendor.c.id).where(
            (func.lower(_vendor.c.name) == vendor.lower())
            | (func.lower(_vendor.c.parent) == vendor.lower())
        )
        if dialect == "sqlite":
            # Their articles by the mention index, tested on each FTS match before ranking.
            filters.append(
                article_id.in_(
                    select(_mention.c.article_id).where(_mention.c.vendor_id.in_(vendor_ids))
                )
            )
        else:
            # The article's own vendor list, indexed with its tsvector (migration 0010): the
            # GIN index gives the articles matching both.
            filters.append(
                _article.c.vendor_ids.op("&&")(
                    func.array(vendor_ids.scalar_subquery()).cast(_ID_ARRAY)
                )
            )
    if sources:
        filters.append(
            article_id.in_(
                select(_article_source.c.article_id)
                .join(_source, _source.c.id == _article_source.c.source_id)
                .where(_source.c.name.in_(list(sources)))
            )
        )
    return filters


def _postgres_dates(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """The date filters, tested on the rows the GIN index gives (text and vendor)."""
    when = func.coalesce(_article.c.published_at, _article.c.fetched_at)
    return [test for test in (when >= since if since else None,
                              when < until if until else None) if test is not None]  # fmt: skip


def search_page(
    session: Session,
    query: Node,
    *,
    vendors: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    candidates: int = CANDIDATES,
) -> SearchPage:
    """Articles matching ``query``, best first, filtered by vendor, source and date (the
    best ``limit``, less the first ``offset``: a page); and the ids of the matches that were
    ranked (for ``search_facets``).

    An article must name every one of ``vendors`` (each by itself or one of its
    subsidiaries; names are the store's, in any case) and come from any one of ``sources``.
    Of the articles that match and pass the filters, the newest ``candidates`` (by id, the
    order they were stored in; at least ``limit``) are ranked and the best ``limit`` returned,
    equal scores newest first. SQLite ranks with FTS5's bm25 (title weighted 5x), PostgreSQL
    with ts_rank_cd over a tsvector whose title words weigh 2.5x the body's; both use no
    stemming.
    """
    dialect = _dialect(session)
    candidates = max(candidates, limit)
    filters = _filters(dialect, vendors, sources)
    if dialect == "sqlite":
        rows, ids = _sqlite_search(session, query, filters, since, until, limit, candidates, offset)
    else:
        filters += _postgres_dates(since, until)
        rows, ids = _postgres_search(session, query, filters, limit, candidates, offset)
    hits = [
        SearchHit(
            article_id=aid,
            title=title,
            url=url,
            published_at=published_at,
            fetched_at=fetched_at,
            snippet=" ".join(snip.split()),
            score=rank,
            sources=source_names,
            vendors=vendor_names,
        )
        for aid, title, url, published_at, fetched_at, snip, rank, vendor_names, source_names in (
            rows
        )
    ]
    return SearchPage(hits, ids)


def search_articles(
    session: Session,
    query: Node,
    *,
    vendors: Sequence[str] = (),
    sources: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    candidates: int = CANDIDATES,
) -> list[SearchHit]:
    """The hits of ``search_page`` (see there)."""
    return search_page(
        session,
        query,
        vendors=vendors,
        sources=sources,
        since=since,
        until=until,
        limit=limit,
        candidates=candidates,
    ).hits


def search_facets(
    session: Session, article_ids: Sequence[int], *, top: int = 12
) -> dict[str, list[tuple[str, int]]]:
    """Facets of a search: ``{"vendor": [(name, articles), ...], "source": [...]}`` over
    ``article_ids`` (a ``SearchPage``'s ``candidate_ids``: the matches it ranked), the ``top``
    most frequent first. Grouped in the database: no rank, snippet or name list computed."""
    facets: dict[str, list[tuple[str, int]]] = {"vendor": [], "source": []}
    if not article_ids:
        return facets
    wanted = sorted(set(article_ids))
    parts = []
    for facet, name, article_id, joined in (
        ("vendor", _vendor.c.name, _mention.c.article_id,
         _mention.join(_vendor, _vendor.c.id == _mention.c.vendor_id)),
        ("source", _source.c.name, _article_source.c.article_id,
         _article_source.join(_source, _source.c.id == _article_source.c.source_id)),
    ):  # fmt: skip
        n = func.count(distinct(article_id))
        counted = (
            select(literal(facet).label("facet"), name.label("name"), n.label("n"))
            .select_from(joined)
            .where(article_id.in_(wanted))
            .group_by(name)
            .order_by(n.desc(), name)
            .limit(top)
            .subquery(facet)
        )
        parts.append(select(counted.c.facet, counted.c.name, counted.c.n))
    # One statement for both facets: one round trip (and one wait for the CPU) the fewer.
    for facet, found, count in session.connection().execute(union_all(*parts)).all():
        facets[str(facet)].append((str(found), int(count)))
    for counts in facets.values():  # a UNION keeps no order
        counts.sort(key=lambda item: (-item[1], item[0]))
    return facets
