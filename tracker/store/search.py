"""Full-text search: the newest matches, ranked by relevance, with a highlighted snippet.

SQLite uses FTS5 (bm25), PostgreSQL a tsvector with its GIN index (ts_rank_cd). Both rank the
newest ``CANDIDATES`` articles that match and pass the filters, never every match: a word in a
third of a million articles would otherwise be scored a third of a million times per search.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    cast,
    column,
    distinct,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import UserDefinedType
from sqlmodel import Session

from tracker.errors import QueryError, StoreError
from tracker.query import And, Node, Or, Term, to_fts5, to_tsquery
from tracker.store.tables import Article, ArticleSource, Mention, Source, Vendor
from tracker.store.types import UTCDateTime

# Marks around highlighted words in snippets; the CLI renders them.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"
# How many of the newest matching articles (after the filters) are ranked by relevance.
CANDIDATES = 200
# PostgreSQL: the matches are looked for among the newest RECENT_IDS ids first, then in
# windows of ids each WINDOW_GROWTH times wider, WINDOWS in all (the last one: every older id),
# until CANDIDATES are found.
RECENT_IDS = 2000
WINDOW_GROWTH = 8
WINDOWS = 4
# PostgreSQL: memory for the older windows' bitmaps, so that a word in a third of the articles
# keeps an exact one (a lossy bitmap has every row of its pages tested, from TOAST).
WINDOW_WORK_MEM = "32MB"
# PostgreSQL: where the index of adjacent word pairs (migration 0021) does not answer a query
# exactly (a phrase of three words or more, a word outside [A-Za-z0-9]), its word order is
# tested on the articles the indexes give, the newest CANDIDATES first, then more, up to
# PHRASE_ROWS in all (each test reads the article's tsvector from TOAST).
PHRASE_ROWS = 2000
# PostgreSQL: the function whose GIN index gives the articles holding adjacent word pairs
# (migration 0021): ``article_word_pairs(search) @@ '''lead times'''::tsquery``.
WORD_PAIRS = "article_word_pairs"
# Article ids per block of article_date_block (SQLite: migration 0015, PostgreSQL: 0019).
DATE_BLOCK_BITS = 10

_fts = table("article_fts", column("rowid"))
# Built statements by the shape of the search (backend, filters): the values are parameters.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}
_MAX_ID = select(func.max(Article.__table__.c.id))  # type: ignore[attr-defined]
_ID_ARRAY = ARRAY(Integer)


class _TSQuery(UserDefinedType[str]):
    """PostgreSQL's tsquery, for a cast (sqlalchemy.dialects.postgresql is not imported on
    the way to a search: tests/test_startup.py)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "tsquery"


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


class SearchHit(NamedTuple):
    """One search result (a named tuple: a page makes 20 of them, a third the cost of a frozen
    dataclass's)."""

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


@dataclass(frozen=True, slots=True)
class _DriverStatement:
    """A statement compiled once for the driver: its SQL, and for each of its positional
    parameters the name of its value (or the constant the statement holds) and the type's
    conversion of it."""

    sql: str
    names: tuple[str, ...]
    constants: dict[str, Any]
    processors: dict[str, Any]

    @classmethod
    def compile(cls, stmt: Select[Any], dialect: Any) -> _DriverStatement:
        compiled = stmt.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        binds = {name: compiled.binds[name] for name in names}
        return cls(
            str(compiled),
            names,
            {n: b.effective_value for n, b in binds.items() if not b.required},
            {n: p for n, b in binds.items() if (p := b.type.bind_processor(dialect)) is not None},
        )

    def arguments(self, values: dict[str, Any]) -> tuple[Any, ...]:
        found = [values[n] if n in values else self.constants[n] for n in self.names]
        for i, name in enumerate(self.names):
            if name in self.processors:
                found[i] = self.processors[name](found[i])
        return tuple(found)


_DRIVER: dict[tuple[Any, ...], _DriverStatement] = {}


def _sqlite_one(
    session: Session, key: tuple[Any, ...], stmt: Select[Any], values: dict[str, Any]
) -> Sequence[Any]:
    """The rows of the one-statement search: on the driver's cursor, with the statement
    compiled once (SQLAlchemy's run of a built statement cost 0.15-0.25 ms more on a 1.5 ms
    search). A list of sources (an expanding parameter) goes through SQLAlchemy."""
    with _reading(session) as conn:
        if key[2]:  # sources: rendered per call
            return conn.execute(stmt, values).all()
        driver = _DRIVER.get(key)
        if driver is None:
            driver = _DRIVER[key] = _DriverStatement.compile(stmt, conn.dialect)
        return _driver_rows(conn, driver.sql, driver.arguments(values))


@contextmanager
def _reading(session: Session) -> Iterator[Connection]:
    """The connection a search reads on: outside the session's transaction when it has none
    (no BEGIN or COMMIT round trip for a read, and the session's own connection left as it is,
    for whatever the caller does next; on PostgreSQL in autocommit), else the session's."""
    bind = session.get_bind()
    if session.in_transaction() or not isinstance(bind, Engine):
        yield session.connection()
        return
    with bind.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def _driver_rows(conn: Connection, sql: str, arguments: tuple[Any, ...]) -> list[Any]:
    """The rows of ``sql`` on the connection's own DB-API cursor (SQLAlchemy's result around
    it cost 0.1 ms more a search); a refused query raises as through SQLAlchemy."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows: list[Any] = cursor.execute(sql, arguments).fetchall()
        return rows
    except sqlite3.OperationalError as exc:
        raise OperationalError(sql, arguments, exc) from exc
    finally:
        cursor.close()


def _sqlite_time(value: str) -> datetime:
    """A time as SQLite keeps it (naive UTC text), aware."""
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _sqlite_dates(since: bool, until: bool) -> list[TextClause]:
    """The date test of an FTS match, and the range of ids that can pass it.

    The range comes from the date range of each block of 1,024 ids (migration 0015), so the
    FTS walk starts at the newest block that overlaps the window and stops below the oldest
    one; each match in it is then tested on the small index on (id, date) of migration 0010
    rather than on the article row (about a page of the file per article)."""
    tests, spans, params = [], [], []
    for name, used, op, span in (
        ("since", since, ">=", "last_at >="),
        ("until", until, "<", "first_at <"),
    ):
        if used:
            tests.append(f"coalesce(dated.published_at, dated.fetched_at) {op} :{name}")
            spans.append(f"{span} :{name}")
            params.append(bindparam(name, type_=UTCDateTime()))
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


def _sqlite_statements(
    shape: tuple[int, bool, bool, bool],
) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """The newest matches that pass the filters, (id, score); the hits, given their ids; and
    both in one, the hits of the best of the newest, ranked (when their ids are not wanted)."""
    match = text("article_fts MATCH :match")
    score = func.bm25(literal_column("article_fts"), 5.0, 1.0)
    # FTS5 walks its doclists from the highest rowid down and stops at the limit; the filters
    # are tested on the rowid, no article row read.
    newest = (
        select(_fts.c.rowid.label("id"), score.label("score"))
        .select_from(_fts)
        .where(match, *_filters("sqlite", shape), *_sqlite_dates(shape[2], shape[3]))
        .order_by(_fts.c.rowid.desc())
        .limit(bindparam("candidates", type_=Integer))
    )
    # Snippets for the best rows only, each found by its rowid: snippet() reads and tokenises
    # the whole text.
    snippet = (
        select(
            func.snippet(literal_column("article_fts"), -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", 24)
        )
        .select_from(_fts)
        .where(match, _fts.c.rowid == _article.c.id)
        .scalar_subquery()
    )
    hits = select(*_HIT_COLUMNS, snippet, _SQLITE_VENDOR_NAMES, _SQLITE_SOURCE_NAMES).where(
        _article.c.id.in_(bindparam("ids", expanding=True))
    )
    # The best ``shown`` after ``offset``, equal scores newest first, as _sqlite_search sorts.
    ranked = newest.subquery("newest")
    best = (
        select(ranked.c.id, ranked.c.score)
        .order_by(ranked.c.score, ranked.c.id.desc())
        .limit(bindparam("shown", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("best")
    )
    # The times as stored (naive UTC text), read by _sqlite_time: a DateTime column's own
    # reading parses them with a regular expression (20 hits: 107 against 51 us).
    times = [type_coerce(c, String) for c in _HIT_COLUMNS[3:]]
    one = (
        select(
            *_HIT_COLUMNS[:3],
            *times,
            snippet,
            _SQLITE_VENDOR_NAMES,
            _SQLITE_SOURCE_NAMES,
            best.c.score,
        )
        .select_from(best.join(_article, _article.c.id == best.c.id))
        .order_by(best.c.score, best.c.id.desc())
    )
    return newest, hits, one


def _sqlite_search(
    session: Session,
    query: Node,
    params: dict[str, Any],
    shape: tuple[int, bool, bool, bool],
    limit: int,
    candidates: int,
    offset: int = 0,
    *,
    with_ids: bool = True,
) -> tuple[list[Row], list[int]]:
    key = ("sqlite", *shape)
    statements = _STATEMENTS.get(key)
    if statements is None:
        statements = _STATEMENTS[key] = _sqlite_statements(shape)
    newest_stmt, hits_stmt, one_stmt = statements
    values = {**params, "match": to_fts5(query), "candidates": candidates}
    if not with_ids:  # one statement, as a hand-written one would be: no ids to Python
        values.update(shown=max(limit - offset, 0), offset=offset)
        try:
            found = _sqlite_one(session, key, one_stmt, values)
        except OperationalError as exc:
            raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
        return [
            (
                row[0],
                row[1],
                row[2],
                None if row[3] is None else _sqlite_time(row[3]),
                _sqlite_time(row[4]),
                row[5],
                -float(row[8]),
                *_sqlite_names(row[6], row[7]),
            )
            for row in found
        ], []
    conn = session.connection()
    try:
        newest = conn.execute(newest_stmt, values).all()
        ids = [int(r[0]) for r in newest]
        best = sorted(newest, key=lambda r: (r[1], -r[0]))[offset:limit]
        scores = {int(i): float(score) for i, score in best}
        if not best:
            return [], ids
        found = conn.execute(hits_stmt, {"match": values["match"], "ids": sorted(scores)}).all()
    except OperationalError as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    rows: list[Row] = []
    for row in sorted(found, key=lambda r: (scores[r[0]], -r[0])):
        vendors, sources = _sqlite_names(row[6], row[7])
        rows.append((row[0], row[1], row[2], row[3], row[4], row[5], -scores[row[0]], vendors,
                     sources))  # fmt: skip
    return rows, ids


def _loose(node: Node) -> Node:
    """A query every match of ``node`` matches too, without word order: each phrase becomes
    its words (the GIN index answers that alone, with no row read); an excluded phrase is
    dropped (excluding its words would exclude too much)."""
    if isinstance(node, Term):
        words = node.text.split()
        if len(words) == 1:
            return node
        *first, last = words
        return And((*(Term(w) for w in first), Term(last, is_prefix=node.is_prefix)))
    if isinstance(node, Or):
        return Or(tuple(_loose(option) for option in node.options))
    return And(
        tuple(_loose(part) for part in node.include),
        tuple(part for part in node.exclude if _loose(part) == part),
    )


def _pairs_of(term: Term) -> str | None:
    """The lexemes of ``article_word_pairs`` (migration 0021) a phrase's articles all hold,
    as tsquery input (``'lead times'``, ``'lead time':*`` for ``lead time*``); None when a
    word is not plain ASCII letters and digits, the only words whose lexeme is surely the word
    in lower case ("foo_bar" is two lexemes, "K" in Kelvin lower-cases to "k")."""
    words = term.text.split()
    if not all(word.isascii() and word.isalnum() for word in words):
        return None
    lexemes = [word.lower() for word in words]
    pairs = [f"'{a} {b}'" for a, b in pairwise(lexemes)]
    if term.is_prefix:
        pairs[-1] += ":*"
    return pairs[0] if len(pairs) == 1 else "(" + " & ".join(pairs) + ")"


def _narrow(node: Node) -> tuple[Node | None, str | None, bool]:
    """What the indexes can answer of ``node``: a query on the words (the tsvector's index;
    None: any), a tsquery on the adjacent word pairs (migration 0021; None: any), that every
    match of ``node`` matches both; and whether matching both is matching ``node`` (then no
    word order is left to test)."""
    if isinstance(node, Term):
        if len(node.text.split()) == 1:
            return node, None, True
        pairs = _pairs_of(node)
        if pairs is None:
            return _loose(node), None, False
        # two words: the pair is the phrase; more: each pair, in any order
        return None, pairs, len(node.text.split()) == 2
    if isinstance(node, Or):
        parts = [_narrow(option) for option in node.options]
        exact = all(part[2] for part in parts)
        if all(words is None for words, _, _ in parts):
            return None, "(" + " | ".join(str(pairs) for _, pairs, _ in parts) + ")", exact
        if all(pairs is None for _, pairs, _ in parts):
            return Or(tuple(words for words, _, _ in parts if words is not None)), None, exact
        return _loose(node), None, False  # phrases or words: the words of each
    words_parts: list[Node] = []
    pairs_parts: list[str] = []
    exact = True
    for part in node.include:
        words, pairs, is_exact = _narrow(part)
        if words is not None:
            words_parts.append(words)
        if pairs is not None:
            pairs_parts.append(pairs)
        exact = exact and is_exact
    # An excluded phrase is left to the word order test (excluding its words would exclude
    # too much), and so are the excluded words of a query whose included parts are all
    # phrases (a query of exclusions only is no index query).
    excluded = tuple(part for part in node.exclude if _loose(part) == part)
    if len(excluded) < len(node.exclude) or (excluded and not words_parts):
        exact = False
    found: Node | None = None
    if words_parts:
        found = (
            And(tuple(words_parts), excluded)
            if len(words_parts) > 1 or excluded
            else words_parts[0]
        )
    joined = " & ".join(pairs_parts)
    pairs = None if not pairs_parts else f"({joined})" if len(pairs_parts) > 1 else joined
    return found, pairs, exact


def _id_windows(top: int, bottom: int) -> list[tuple[int, int]]:
    """WINDOWS (low, high] ranges of ids from ``top`` down to ``bottom``, newest first: the
    first RECENT_IDS wide, each next one WINDOW_GROWTH times wider, the last one the rest
    (empty ones where the ids run out)."""
    edges, size = [top], RECENT_IDS
    for _ in range(WINDOWS - 1):
        edges.append(max(bottom, edges[-1] - size))
        size *= WINDOW_GROWTH
    edges.append(min(bottom, edges[-1]))
    return [(edges[k + 1], edges[k]) for k in range(WINDOWS)]


def _postgres_search(
    session: Session,
    query: Node,
    params: dict[str, Any],
    shape: tuple[int, bool, bool, bool],
    limit: int,
    candidates: int,
    offset: int = 0,
) -> tuple[list[Row], list[int]]:
    words, pairs, is_exact = _narrow(query)
    key = ("postgresql", not is_exact, words is not None, pairs is not None, *shape)
    statements = _STATEMENTS.get(key)
    if statements is None:
        statements = _STATEMENTS[key] = _postgres_statements(
            _filters("postgresql", shape), *key[1:4]
        )
    values = {**params, "exact": to_tsquery(query), "limit": max(limit - offset, 0)}
    if words is not None:
        values["loose"] = to_tsquery(words)
    if pairs is not None:
        values["pairs"] = pairs
    values["offset"] = offset
    values["candidates"] = candidates
    try:
        with _reading(session) as conn:
            found = _postgres_run(conn, statements, values)
    except (ProgrammingError, DataError) as exc:
        raise QueryError(f"search: the search engine refused the query ({exc.orig})") from exc
    return found


def _postgres_bounds(since: bool, until: bool) -> TextClause:
    """The newest id, and the first and last block of ids whose dates overlap the window
    (migration 0019; a block's rows, one per writer slot, taken together)."""
    spans, params = ["true"], []
    for name, used, span in (("since", since, "last_at >="), ("until", until, "first_at <")):
        if used:
            spans.append(f"{span} :{name}")
            params.append(bindparam(name, type_=UTCDateTime()))
    blocks = f"FROM article_date_block WHERE {' AND '.join(spans)}"
    return text(
        f"SELECT (SELECT max(id) FROM article), (SELECT min(block) {blocks}),"
        f" (SELECT max(block) {blocks})"
    ).bindparams(*params)


def _postgres_run(
    conn: Connection, statements: tuple[Any, Any, Any, Any], values: dict[str, Any]
) -> tuple[list[Row], list[int]]:
    """The hits, and the ids of the matches ranked."""
    first, rest, phrased, rank = statements
    since, until = "since" in values, "until" in values
    if since or until:
        key = ("postgresql bounds", since, until)
        bounds = _STATEMENTS.get(key)
        if bounds is None:
            bounds = _STATEMENTS[key] = _postgres_bounds(since, until)
        top, low_block, high_block = conn.execute(bounds, values).one()
        if low_block is None:
            return [], []  # no article is dated in the window
        bottom = (low_block << DATE_BLOCK_BITS) - 1
        top = min(top or 0, ((high_block + 1) << DATE_BLOCK_BITS) - 1)
    else:
        top, bottom = conn.execute(_MAX_ID).scalar() or 0, 0
    candidates = values["candidates"]
    ids = _postgres_newest(conn, first, rest, values, top, bottom, candidates)
    if phrased is not None and ids:
        # The word order, tested on the newest articles the indexes gave; if it rejected
        # some of them, on older ones too, up to PHRASE_ROWS articles in all.
        gathered = ids
        ids = list(conn.execute(phrased, {**values, "ids": gathered}).scalars())
        if len(ids) < candidates and len(gathered) == candidates < PHRASE_ROWS:
            older = _postgres_newest(
                conn, first, rest, values, min(gathered) - 1, bottom, PHRASE_ROWS - candidates
            )
            if older:
                ids += conn.execute(phrased, {**values, "ids": older}).scalars()
                ids = ids[:candidates]
    if not ids:
        return [], []
    return [tuple(row) for row in conn.execute(rank, {**values, "ids": ids}).all()], ids


def _postgres_newest(
    conn: Connection,
    first: Select[Any],
    rest: Select[Any],
    values: dict[str, Any],
    top: int,
    bottom: int,
    need: int,
) -> list[int]:
    """The ``need`` newest ids in (``bottom``, ``top``] that match the words and pairs and
    pass the filters (no word order tested)."""
    values["need"] = need
    for k, (low, high) in enumerate(_id_windows(top, bottom)):
        values[f"low_{k}"], values[f"high_{k}"] = low, high
    # The newest ids first, the plan left to the planner: a busy word's by the primary key
    # (each row's tsvector tested, a few hundred rows), a rare one's from the GIN index.
    ids = list(conn.execute(first, values).scalars())
    if len(ids) < need:
        # Then the older windows, intersecting the GIN index's matches with each window's ids.
        # The planner takes testing a tsvector for cheap and would walk a wide window by the
        # primary key, reading each row's tsvector from TOAST (16,000 of them for a common
        # word in the second window); without plain index scans it cannot. The plans are
        # made for the bounds at hand, never a generic plan once the driver has prepared the
        # statement. No JIT: the windows' estimated cost (the whole table's matches, for the
        # last window) passes jit_above_cost, and compiling took 30-40 ms, more than most of
        # these statements run (bench/README.md, store_bench).
        values["more"] = need - len(ids)
        conn.exec_driver_sql(
            "SET enable_indexscan = off; SET plan_cache_mode = force_custom_plan;"
            f" SET work_mem = '{WINDOW_WORK_MEM}'; SET jit = off"
        )
        try:
            ids += conn.execute(rest, values).scalars()
        finally:
            # (In a transaction that the statement aborted, the SETs go with the rollback.)
            with suppress(SQLAlchemyError):
                conn.exec_driver_sql(
                    "RESET enable_indexscan; RESET plan_cache_mode; RESET work_mem; RESET jit"
                )
    return ids


def _postgres_statements(
    filters: list[ColumnElement[bool]], phrase: bool, words: bool, pairs: bool
) -> tuple[Select[Any], Select[Any], Select[Any] | None, Select[Any]]:
    """The newest matches in the first window of ids; in the older ones; for a phrase whose
    word order is left to test, those that hold it; the ranked hits. The matches: of the
    words (the tsvector's index) and of the adjacent pairs (its own, migration 0021)."""
    simple: ColumnElement[Any] = literal_column("'simple'")
    exact = func.to_tsquery(simple, bindparam("exact"))
    vector: ColumnElement[str] = literal_column("article.search")
    need = bindparam("need", type_=Integer)
    matched: list[ColumnElement[bool]] = []
    if words:
        matched.append(vector.op("@@")(func.to_tsquery(simple, bindparam("loose"))))
    if pairs:
        # The pairs as lexemes (a space inside: to_tsquery would split them into words).
        given = cast(bindparam("pairs"), _TSQuery())
        matched.append(getattr(func, WORD_PAIRS)(vector).op("@@")(given))

    def window(k: int) -> Select[Any]:
        article_id: ColumnElement[int] = _article.c.id
        if pairs and not words and k == WINDOWS - 1:
            # The oldest window is most of the table: intersecting the few articles holding
            # the pairs with its range of the primary key (850,000 ids at a million, 53 ms)
            # costs more than testing the id of each. The planner, with no statistics on the
            # pairs (it takes 0.5% of the rows for any), would; "+ 0" keeps it to the test.
            article_id = _article.c.id + 0
        return select(_article.c.id).where(
            *matched,
            *filters,
            article_id > bindparam(f"low_{k}", type_=Integer),
            article_id <= bindparam(f"high_{k}", type_=Integer),
        )

    first = window(0).order_by(_article.c.id.desc()).limit(need)
    # Window by window, each read only if the ones before held fewer than needed.
    more = bindparam("more", type_=Integer)
    found: list[Any] = []
    for k in range(1, WINDOWS):
        query = window(k)
        if found:
            before = sum(
                (select(func.count()).select_from(w).scalar_subquery() for w in found[1:]),
                select(func.count()).select_from(found[0]).scalar_subquery(),
            )
            query = query.where(before < more)
        found.append(
            query.order_by(_article.c.id.desc())
            .limit(more)
            .cte(f"window_{k}")
            .prefix_with("MATERIALIZED")
        )
    both = union_all(*(select(w.c.id) for w in found)).subquery("both")
    rest = select(both.c.id).order_by(both.c.id.desc()).limit(more)
    held: ColumnElement[bool] = _article.c.id == func.any(bindparam("ids", type_=_ID_ARRAY))
    # A phrase: its word order, tested on the rows that hold all its words.
    phrased = (
        select(_article.c.id)
        .where(held, vector.op("@@")(exact))
        .order_by(_article.c.id.desc())
        .limit(bindparam("candidates", type_=Integer))
    )
    score = func.ts_rank_cd(vector, exact, 32)
    best = (
        select(_article.c.id.label("id"), score.label("score"))
        .where(held)
        .order_by(score.desc(), _article.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("best")
    )
    headline = func.ts_headline(
        simple,
        _article.c.text,
        exact,
        f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=12",
    )
    rank = (
        select(
            *_HIT_COLUMNS, headline, best.c.score, _POSTGRES_VENDOR_NAMES, _POSTGRES_SOURCE_NAMES
        )
        .join(best, best.c.id == _article.c.id)
        .order_by(best.c.score.desc(), best.c.id.desc())
    )
    return first, rest, phrased if phrase else None, rank


def _filters(dialect: str, shape: tuple[int, bool, bool, bool]) -> list[ColumnElement[bool]]:
    """The filters of a search of this shape (vendors, sources?, since?, until?), their
    values left to parameters: vendor_0, vendor_1..., sources, since, until."""
    vendors, sources, since, until = shape
    # On SQLite the FTS rowid is the article id. Checking it (not article.id) tests each match
    # against the vendor's or source's articles before the article row is read; the unary +
    # keeps SQLite from looking the listed articles up in the FTS index one by one instead.
    article_id: ColumnElement[int] = (
        literal_column("+article_fts.rowid", Integer) if dialect == "sqlite" else _article.c.id
    )
    filters: list[ColumnElement[bool]] = []
    for k in range(vendors):
        # The vendor and its subsidiaries: a few rows of a small table.
        name: ColumnElement[str] = bindparam(f"vendor_{k}")
        vendor_ids = select(_vendor.c.id).where(
            (func.lower(_vendor.c.name) == name) | (func.lower(_vendor.c.parent) == name)
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
                .where(_source.c.name.in_(bindparam("sources", expanding=True)))
            )
        )
    if dialect == "postgresql":
        # The dates are tested on the rows the GIN index gives (text and vendor).
        when = func.coalesce(_article.c.published_at, _article.c.fetched_at)
        if since:
            filters.append(when >= bindparam("since", type_=UTCDateTime()))
        if until:
            filters.append(when < bindparam("until", type_=UTCDateTime()))
    return filters


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
    with_ids: bool = True,
) -> SearchPage:
    """Articles matching ``query``, best first, filtered by vendor, source and date (the
    best ``limit``, less the first ``offset``: a page); and the ids of the matches that were
    ranked (for ``search_facets``; on SQLite none without ``with_ids``, which saves bringing
    them to Python: one statement instead of two).

    An article must name every one of ``vendors`` (each by itself or one of its
    subsidiaries; names are the store's, in any case) and come from any one of ``sources``.
    Of the articles that match and pass the filters, the newest ``candidates`` (by id, the
    order they were stored in; at least ``limit``) are ranked and the best ``limit`` returned,
    equal scores newest first. SQLite ranks with FTS5's bm25 (title weighted 5x), PostgreSQL
    with ts_rank_cd over a tsvector whose title words weigh 2.5x the body's; both use no
    stemming. On PostgreSQL a phrase's articles come from the index of adjacent word pairs
    (migration 0021), exactly for a phrase of two words of ASCII letters and digits; a longer
    phrase, or one with another word, has its word order tested on the newest ``PHRASE_ROWS``
    articles the indexes give only.
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise StoreError(f"store: full-text search is not available on {dialect}")
    candidates = max(candidates, limit)
    named = list(dict.fromkeys(vendors))
    shape = (len(named), bool(sources), since is not None, until is not None)
    params: dict[str, Any] = {f"vendor_{k}": name.lower() for k, name in enumerate(named)}
    if sources:
        params["sources"] = list(sources)
    if since is not None:
        params["since"] = since
    if until is not None:
        params["until"] = until
    if dialect == "sqlite":
        rows, ids = _sqlite_search(
            session, query, params, shape, limit, candidates, offset, with_ids=with_ids
        )
    else:
        rows, ids = _postgres_search(session, query, params, shape, limit, candidates, offset)
    hits = [
        SearchHit(
            aid,
            title,
            url,
            published_at,
            fetched_at,
            " ".join(snip.split()),
            rank,
            source_names,
            vendor_names,
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
        with_ids=False,
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
