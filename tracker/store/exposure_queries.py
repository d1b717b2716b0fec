"""Exposure queries: reported links, news counts and evidence, read with SQLAlchemy Core.

``StoreExposureData`` implements ``tracker.exposure.ExposureData`` over one session. Every
query is grouped in the database and returns at most one row per vendor, link or sentence
shown, so the cost follows the size of the answer, not of the corpus. An article's time is
its publication time, or when it was fetched when the feed gave none.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Executable,
    Select,
    String,
    and_,
    bindparam,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from tracker.errors import StoreError
from tracker.exposure import EventItem, Evidence, RelationFacts, RelationTally, Window
from tracker.models import EVENT_TYPES
from tracker.store.review import (
    CONFIRMED,
    REJECTED,
    any_rejected_mention,
    any_rejected_product,
    mention_kept,
    product_kept,
    relation_confirmed,
    relation_kept,
    relation_verdicts,
)
from tracker.store.tables import (
    RELATION_LINK,
    RELATION_LINK_DIRTY,
    RELATION_LINK_PRODUCT,
    RELATION_LINK_SOURCE,
    VENDOR_DAY,
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Review,
    Source,
    Vendor,
)
from tracker.store.tallies import link_tallies

T = TypeVar("T")
CHUNK = 500  # names or ids per IN (...) list; far below every engine's parameter limit
# Above this many vendors, reading the window's articles in time order beats one index probe
# per vendor over its whole history, which SQLite's planner (without ANALYZE statistics) picks
# for an IN list: such queries leave the vendor filter out and apply it in Python.
MANY_VENDORS = 16
# vendor_day is keyed by vendor and day: up to about this many vendors, their days through
# the key beat every vendor's days of the period (131 busy vendors, a 90-day baseline: 3.6
# against 5.1 ms; 250: 6.5 against 5.1).
MANY_VENDOR_DAYS = 150
BUSY_ROWS = 8_000  # mention rows above which a time scan of the window is cheaper
BUSY_EVENTS = 1_500  # the same for events, whose window (30 days) is shorter
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Above this many names, every vendor's id is read rather than those named (a tier-2 question
# names most of them: 2.7 ms for 590 names in two lists, 0.6 for all 718).
MANY_NAMES = 200
MAX_EXCLUDED = 2_000  # names left out of a link query by a NOT IN list, at most
# Links changed since the summary's refresh (or reviewed) beyond which a question tallies every
# report: the summary's rows would be filtered of more than they keep.
MAX_RAW = 2_000


_BUILT: dict[tuple[Any, ...], Any] = {}


def _built(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """The statement of ``key``, built once per process: its values are bound parameters.
    SQLAlchemy makes a new statement's cache key at each run, and building it costs as much
    again: about 0.4 ms a statement, against 0.1 for one built before (a tier-2 question runs
    two dozen)."""
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found


def _chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def article_time() -> ColumnElement[datetime]:
    """An article's time: published, else fetched."""
    return func.coalesce(col(Article.published_at), col(Article.fetched_at))


def _raw_time() -> ColumnElement[str]:
    """The article time as the driver returns it, for ``_utc``: thousands of rows are parsed
    several times faster than through the column type's generic processing."""
    return type_coerce(article_time(), String)


def _utc(value: Any) -> datetime:
    """A time from ``_raw_time`` (SQLite: naive UTC text; PostgreSQL: a datetime), aware UTC."""
    if isinstance(value, str) and value[-6:-5] not in ("+", "-") and value[-1:] != "Z":
        # Naive text read as UTC in one step: replace(tzinfo=...) afterwards costs 7 times
        # the parse (thousands of times in a tier-2 question).
        return datetime.fromisoformat(value + "+00:00")
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(parsed, datetime):
        raise StoreError(f"store: expected a time from the database, got {value!r}")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _midnight(at: datetime) -> datetime:
    """The start of ``at``'s day, UTC."""
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _next_midnight(at: datetime) -> datetime:
    """``at`` when it is a midnight (UTC), else the next one."""
    midnight = _midnight(at)
    return midnight if midnight == at else midnight + timedelta(days=1)


class _Undated(FunctionElement[bool]):
    """``column IS NULL`` for an article's publication time; on SQLite ``unlikely(...)``, which
    keeps the planner from reading every undated article through the index on published_at
    (3% of them, each looked up for its fetch time: 7 ms at 100,000 articles, whatever the
    period) where the fetch time's index finds the period's few."""

    inherit_cache = True  # no Boolean type: SQLite would be given "unlikely(...) = 1"
    name = "undated"


@compiles(_Undated)
def _undated_sql(element: _Undated, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} IS NULL)"


@compiles(_Undated, "sqlite")
def _undated_sqlite(element: _Undated, compiler: Any, **kw: Any) -> str:
    return f"unlikely({compiler.process(element.clauses, **kw)} IS NULL)"


def _between(article: Any, start: Any, end: Any) -> ColumnElement[bool]:
    published, fetched = col(article.published_at), col(article.fetched_at)
    return or_(
        and_(published >= start, published < end),
        and_(_Undated(published), fetched >= start, fetched < end),
    )


class _Times(dict[Any, datetime]):
    """``_utc`` of each raw time, parsed once: the rows of a question share few times (the
    reports and events of one article, the same first and last times)."""

    def __missing__(self, value: Any) -> datetime:
        parsed = self[value] = _utc(value)
        return parsed


def article_between(start: Any, end: Any) -> ColumnElement[bool]:
    """``start <= article time < end``, written so both time indexes can serve it (times, or
    bound parameters)."""
    return _between(Article, start, end)


def _period() -> ColumnElement[bool]:
    """``article_between`` of the bound parameters ``start`` and ``end``."""
    return article_between(bindparam("start"), bindparam("end"))


def _names(name: str) -> Any:
    """An expanding bound parameter: a list of values for ``IN``."""
    return bindparam(name, expanding=True)


def article_before(end: datetime) -> ColumnElement[bool]:
    """Article time ``< end``."""
    published, fetched = col(Article.published_at), col(Article.fetched_at)
    return or_(published < end, and_(_Undated(published), fetched < end))


class StoreExposureData:
    """The exposure questions' reads, over one session (SQLite or PostgreSQL).

    ``is_parallel``: independent queries of one question run at once on their own connections
    (the server works outside Python's lock). None (the default) does so on PostgreSQL only:
    on SQLite the rows are made into Python objects under Python's lock, row by row, and the
    threads' queries took as long as one after another, plus the threads and connections
    (bench/exposure_bench.py, `--parallel` against the default).
    """

    def __init__(self, session: Session | Connection, *, is_parallel: bool | None = None) -> None:
        self.session = session
        self._newest: datetime | None = None
        self.is_parallel = is_parallel
        self._mention_filter: list[ColumnElement[bool]] | None = None
        self._relation_verdicts: set[str] | None = None
        self._product_filter: list[ColumnElement[bool]] | None = None

    def _relation_reviews(self) -> tuple[list[ColumnElement[bool]], ColumnElement[bool] | None]:
        """The filter leaving rejected relations out, and the test of a confirmed one: none
        while no relation was rejected (confirmed), as their correlated tests (probes per
        relation row) then change nothing."""
        if self._relation_verdicts is None:
            self._relation_verdicts = relation_verdicts(self._conn)
        rejected, confirmed = (
            REJECTED in self._relation_verdicts,
            CONFIRMED in self._relation_verdicts,
        )
        return ([relation_kept()] if rejected else []), (
            relation_confirmed() if confirmed else None
        )

    def _kept_mentions(self) -> list[ColumnElement[bool]]:
        """The filter leaving rejected mentions out: none while no mention was rejected."""
        if self._mention_filter is None:
            self._mention_filter = [mention_kept()] if any_rejected_mention(self._conn) else []
        return self._mention_filter

    def _kept(self, table: Any) -> list[ColumnElement[bool]]:
        """The filter leaving the rows of ``table`` an analyst rejected out (Mention or
        ProductMention): none while nothing of the kind was rejected."""
        if table is Mention:
            return self._kept_mentions()
        if self._product_filter is None:
            self._product_filter = [product_kept()] if any_rejected_product(self._conn) else []
        return self._product_filter

    def _engine(self) -> Engine | None:
        """The engine to open more connections on, or None to stay on this one."""
        bind = self.session.get_bind() if isinstance(self.session, Session) else self.session
        engine = bind.engine if isinstance(bind, Connection) else bind
        if self.is_parallel is False or not isinstance(engine, Engine):
            return None
        if engine.dialect.name == "sqlite" and (
            self.is_parallel is None or engine.url.database in (None, "", ":memory:")
        ):
            return None  # or another connection would see another database
        return engine

    def _run_all(
        self, stmts: Sequence[Executable], params: Mapping[str, Any] | None = None
    ) -> list[Sequence[Any]]:
        """The rows of each statement (with ``params``), the statements run at once when that
        is possible: the first on this connection, the others each on a connection of its
        own (a new SQLite connection reads the schema and its pages anew: only statements of
        some length are worth one)."""
        engine = self._engine()
        if engine is None or len(stmts) < 2:
            return [self._rows(stmt, params) for stmt in stmts]

        def run(stmt: Executable) -> Sequence[Any]:
            with engine.connect() as conn:
                return conn.execute(stmt, params).all()

        with ThreadPoolExecutor(max_workers=len(stmts) - 1) as pool:
            others = pool.map(run, stmts[1:])
            first = self._rows(stmts[0], params)
            return [first, *others]

    def news_facts(
        self, vendors: Collection[str], window: Window
    ) -> tuple[dict[str, tuple[int, int]], list[EventItem]]:
        """``mention_counts`` and ``events`` of the window, read at once."""
        engine = self._engine()
        if engine is None:
            return self.mention_counts(vendors, window), self.events(
                vendors, window.start, window.end
            )
        with engine.connect() as conn, ThreadPoolExecutor(max_workers=1) as pool:
            other = StoreExposureData(conn, is_parallel=False)
            events = pool.submit(other.events, vendors, window.start, window.end)
            counts = self.mention_counts(vendors, window)
            return counts, events.result()

    def _scan_by_time(
        self,
        table: type[Mention] | type[ProductMention] | type[EventVendor],
        key: Any,
        keys: Collection[Any],
        busy_rows: int,
    ) -> bool:
        """Read a period's articles in time order rather than each key's rows through its
        index? Yes for many keys, or for keys with more than ``busy_rows`` rows in all: a busy
        vendor's whole history costs more than a few months of everyone's news. SQLite's
        planner (without ANALYZE statistics) always takes the index; counting the keys' index
        entries first costs a few milliseconds at most."""
        if len(keys) > MANY_VENDORS:
            return True
        probe = select(func.count()).select_from(table).where(key.in_(sorted(keys)))
        return int(self._conn.execute(probe).scalar_one()) > busy_rows

    @property
    def _conn(self) -> Connection:
        if isinstance(self.session, Connection):
            return self.session
        return self.session.connection()

    def _rows(self, stmt: Executable, params: Mapping[str, Any] | None = None) -> Sequence[Any]:
        return self._conn.execute(stmt, params).all()

    def _vendor_ids(self, names: Collection[str]) -> dict[int, str]:
        ids: dict[int, str] = {}
        if len(names) > MANY_NAMES:  # every vendor at once: no list of names to send
            wanted = set(names)
            every = _built(("every vendor",), lambda: select(col(Vendor.id), col(Vendor.name)))
            return {int(i): str(n) for i, n in self._rows(every) if n in wanted}
        stmt = _built(
            ("vendor ids",),
            lambda: select(col(Vendor.id), col(Vendor.name)).where(
                col(Vendor.name).in_(_names("names"))
            ),
        )
        for batch in _chunks(sorted(set(names))):
            ids.update({int(i): str(n) for i, n in self._rows(stmt, {"names": batch})})
        return ids

    def _sources_of(self, article_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
        found: dict[int, set[str]] = {}
        stmt = _built(
            ("sources of",),
            lambda: (
                select(col(ArticleSource.article_id), col(Source.name))
                .join(Source, col(Source.id) == col(ArticleSource.source_id))
                .where(col(ArticleSource.article_id).in_(_names("ids")))
            ),
        )
        for batch in _chunks(sorted(set(article_ids))):
            for article_id, name in self._rows(stmt, {"ids": batch}):
                found.setdefault(int(article_id), set()).add(str(name))
        return {i: tuple(sorted(names)) for i, names in found.items()}

    # --- reported links --------------------------------------------------------------

    def _is_after_newest(self, end: datetime) -> bool:
        """True when no stored article is as recent as ``end``: "before end" filters nothing."""
        if self._newest is None:
            # Two scalar subqueries: SQLite answers a lone max() from its index, not a pair.
            stmt = _built(
                ("newest",),
                lambda: select(
                    select(func.max(col(Article.published_at))).scalar_subquery(),
                    select(func.max(col(Article.fetched_at))).scalar_subquery(),
                ),
            )
            newest = self._conn.execute(stmt).one()
            self._newest = max((t for t in newest if t is not None), default=_EPOCH)
        return end > self._newest

    def relation_facts(
        self,
        *,
        customers: Collection[str] | None = None,
        suppliers: Collection[str] | None = None,
        end: datetime,
        excluding: Collection[str] = (),
    ) -> RelationFacts:
        """Tallies per (supplier, customer, status), sources of the reports that are not
        negated, and products, for links into ``customers`` or out of ``suppliers``, but for
        those whose other end is one of ``excluding``.

        As of now, from the link summary (migration 0022), but for the links changed since it
        was refreshed or reviewed by an analyst, which are tallied from their reports; as of
        a past time, every report is tallied."""
        by = "customer" if customers is not None else "supplier" if suppliers is not None else ""
        names = sorted(set(customers if customers is not None else suppliers or ()))
        # One list in every statement (not chunked): left out when it would be long.
        unwanted = sorted(set(excluding)) if by else []
        if len(unwanted) > MAX_EXCLUDED:
            unwanted = []
        before_end = not self._is_after_newest(end)  # as of now (the usual case): nothing is
        raw = None if before_end else self._raw_links()
        found: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
        for batch in list(_chunks(names)) if by else [None]:
            if raw is None:
                parts = [self._tally_reports(by, batch, unwanted, end if before_end else None)]
            else:
                parts = [self._tally_links(by, batch, unwanted, raw)]
                wanted, end_of = set(batch or ()), 1 if by == "customer" else 0
                changed = sorted(p for p in raw if not by or p[end_of] in wanted)
                if changed:
                    parts.append(self._tally_reports(by, batch, unwanted, None, changed))
            for part in parts:
                for rows, more in zip(found, part, strict=True):
                    rows += more
        tally_rows, named_rows, product_rows = found
        times = _Times()
        return RelationFacts(
            tuple(
                RelationTally(s, c, status, int(n), times[first], times[last], float(sure or 0.0))
                for s, c, status, n, first, last, sure in tally_rows
            ),
            tuple((str(s), str(c), int(n)) for s, c, n in named_rows),
            tuple((str(s), str(c), str(p), int(n)) for s, c, p, n in product_rows),
        )

    def _raw_links(self) -> set[tuple[str, str]] | None:
        """The links the summary cannot answer for: noted as changed since its last refresh,
        or reviewed by an analyst (a verdict changes a report's status or leaves it out).
        None when there are so many that tallying every report is cheaper."""
        dirty = RELATION_LINK_DIRTY.c
        rows = self._rows(
            _built(
                ("dirty links",),
                lambda: select(dirty.supplier, dirty.customer).distinct().limit(MAX_RAW + 1),
            )
        )
        found = {(str(s), str(c)) for s, c in rows}
        kept, confirmed = self._relation_reviews()
        if kept or confirmed is not None:
            reviewed = select(col(Review.supplier), col(Review.customer)).where(
                col(Review.kind) == "relation"
            )
            found |= {(str(s), str(c)) for s, c in self._rows(reviewed.distinct())}
        return found if len(found) <= MAX_RAW else None

    def _tally_links(
        self,
        by: str,
        batch: list[str] | None,
        unwanted: list[str],
        raw: set[tuple[str, str]],
    ) -> tuple[list[Any], list[Any], list[Any]]:
        """``relation_facts``' three tallies read from the link summary, but for the ``raw``
        links."""

        def build(table: Any, columns: tuple[str, ...]) -> Select[Any]:
            c = table.c
            chosen: list[Any] = [c.supplier, c.customer]
            chosen += [
                type_coerce(c[name], String) if name.endswith("_at") else c[name]
                for name in columns
            ]
            stmt = select(*chosen)
            if batch is not None:
                stmt = stmt.where(c[by].in_(_names("batch")))
            if unwanted:
                other = "supplier" if by == "customer" else "customer"
                stmt = stmt.where(c[other].not_in(_names("unwanted")))
            return stmt

        shape = (by, batch is not None, bool(unwanted))
        stmts = [
            _built(("link summary", table.name, *shape), partial(build, table, columns))
            for table, columns in (
                (RELATION_LINK, ("status", "articles", "first_at", "last_at", "confidence")),
                (RELATION_LINK_SOURCE, ("sources",)),
                (RELATION_LINK_PRODUCT, ("product", "articles")),
            )
        ]
        params = {"batch": batch, "unwanted": unwanted}
        tally, named, product = self._run_all(stmts, params)
        if not raw:
            return list(tally), list(named), list(product)
        return (
            [r for r in tally if (r[0], r[1]) not in raw],
            [r for r in named if (r[0], r[1]) not in raw],
            [r for r in product if (r[0], r[1]) not in raw],
        )

    def _tally_reports(
        self,
        by: str,
        batch: list[str] | None,
        unwanted: list[str],
        end: datetime | None,
        links: list[tuple[str, str]] | None = None,
    ) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any]]:
        """``relation_facts``' three tallies counted from the reports (before ``end``, of
        ``links`` only when given), with the analysts' verdicts."""
        supplier, customer = col(Relation.supplier), col(Relation.customer)
        kept, confirmed = self._relation_reviews()
        where: list[ColumnElement[bool]] = list(kept)
        if end is not None:
            where.append(col(Relation.reported_at) < end)
        if batch is not None:
            where.append((customer if by == "customer" else supplier).in_(batch))
        if unwanted:
            where.append((supplier if by == "customer" else customer).not_in(unwanted))
        if links is not None:
            where.append(tuple_(supplier, customer).in_(links))
        if confirmed is None:
            tally, named, product = link_tallies(where)
        else:  # an analyst's confirmation makes a report confirmed and sure
            tally, named, product = link_tallies(
                where,
                case((confirmed, "confirmed"), else_=col(Relation.status)),
                case((confirmed, 1.0), else_=col(Relation.confidence)),
            )
        tally_rows, named_rows, product_rows = self._run_all([tally, named, product])
        return tally_rows, named_rows, product_rows

    def relation_evidence(
        self, latest: Mapping[tuple[str, str], datetime]
    ) -> dict[tuple[str, str], Evidence]:
        """The sentence of the latest report of each (supplier, customer), given its time.

        Found through the articles of those times (both time columns are indexed), not by
        reading every report of a busy link to sort them.
        """
        if not latest:
            return {}
        times = sorted(set(latest.values()))
        published, fetched = col(Article.published_at), col(Article.fetched_at)
        rows: list[Any] = []
        for batch in _chunks(times):
            stmt = (
                select(
                    col(Relation.id),
                    col(Relation.supplier),
                    col(Relation.customer),
                    col(Relation.status),
                    col(Relation.evidence),
                    col(Relation.article_id),
                    col(Article.title),
                    col(Article.url),
                    _raw_time().label("at"),
                )
                .select_from(Article)
                .join(Relation, col(Relation.article_id) == col(Article.id))
                .where(
                    or_(published.in_(batch), and_(_Undated(published), fetched.in_(batch))),
                    relation_kept(),
                )
            )
            rows += [
                r for r in self._rows(stmt) if latest.get((r.supplier, r.customer)) == _utc(r.at)
            ]
        sources = self._sources_of([int(r.article_id) for r in rows])
        found: dict[tuple[str, str], Evidence] = {}
        for r in sorted(rows, key=lambda r: r.id):  # the last one stated in the article wins
            found[(r.supplier, r.customer)] = Evidence(
                "relation",
                r.status,
                r.evidence,
                _utc(r.at),
                r.title,
                r.url,
                sources.get(int(r.article_id), ()),
                f"{r.supplier} -> {r.customer}",
            )
        return found

    # --- news ------------------------------------------------------------------------

    def _counts(
        self,
        table: type[Mention] | type[ProductMention],
        key: Any,
        article_id: Any,
        window: Window,
        keys: Collection[Any],
    ) -> dict[Any, tuple[int, int]]:
        """Distinct articles per ``key`` in the window and in the baseline: one grouped query
        for each period (one query with a CASE on the period costs twice as much)."""
        counts: dict[Any, tuple[int, int]] = {}
        periods = ((window.start, window.end, 0), (window.baseline_start, window.start, 1))
        # By time: one pass over the period's articles, every key counted, the others dropped
        # here. By key: each key's rows through its index.
        by_time = self._scan_by_time(table, key, keys, BUSY_ROWS)
        batches: list[list[Any] | None] = [None] if by_time else list(_chunks(sorted(keys)))
        stmts: list[Executable] = []
        slots: list[int] = []
        for start, end, slot in periods:
            for batch in batches:
                stmt = (
                    select(key, func.count(distinct(article_id)))
                    .select_from(Article)
                    .join(table, article_id == col(Article.id))
                    .where(article_between(start, end))
                    .group_by(key)
                )
                if batch is not None:
                    stmt = stmt.where(key.in_(batch))
                stmts.append(stmt.where(*self._kept(table)))
                slots.append(slot)
        for slot, rows in zip(slots, self._run_all(stmts), strict=True):
            for found, n in rows:
                if found in keys:
                    pair = list(counts.get(found, (0, 0)))
                    pair[slot] += int(n)
                    counts[found] = (pair[0], pair[1])
        return counts

    def mention_counts(
        self, vendors: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles mentioning each vendor: (in the window, in the baseline before it).

        Whole days come from ``vendor_day`` (migration 0018), less the rejected mentions of
        those days; the partial days at the edges of each period are counted from the
        mentions. The periods' articles are never read one by one."""
        ids = self._vendor_ids(vendors)
        if not ids:
            return {}
        keys = set(ids)
        stmts: list[tuple[Executable, dict[str, Any]]] = []
        slots: list[tuple[int, int]] = []  # (0 window or 1 baseline, +1 or -1)
        day, vendor_id = VENDOR_DAY.c.day, VENDOR_DAY.c.vendor_id
        mention_id, mention_article = col(Mention.vendor_id), col(Mention.article_id)
        few = len(keys) <= MANY_VENDOR_DAYS
        kept = self._kept_mentions()

        def days_stmt() -> Executable:
            stmt = (
                select(vendor_id, func.sum(VENDOR_DAY.c.articles))
                .where(day >= bindparam("first"), day < bindparam("last"))
                .group_by(vendor_id)
            )
            return stmt.where(vendor_id.in_(_names("ids"))) if few else stmt

        def edge_stmt() -> Executable:
            return (
                select(mention_id, func.count(distinct(mention_article)))
                .select_from(Article)
                .join(Mention, mention_article == col(Article.id))
                .where(_period(), *kept)
                .group_by(mention_id)
            )

        for start, end, slot in (
            (window.start, window.end, 0),
            (window.baseline_start, window.start, 1),
        ):
            first, last = _next_midnight(start), _midnight(end)
            if first >= last:  # not one whole day: all of it from the mentions
                edges = [(start, end)]
            else:
                edges = [(start, first), (last, end)]
                days = _built(("vendor days", few), days_stmt)
                period = {"first": first.date().isoformat(), "last": last.date().isoformat()}
                stmts.append((days, {**period, "ids": sorted(keys)} if few else period))
                slots.append((slot, 1))
                if kept:  # some mention was rejected: take those days' away
                    stmts.append((self._rejected_mentions(first, last), {}))
                    slots.append((slot, -1))
            for edge_start, edge_end in edges:
                if edge_start < edge_end:  # at most two days: one pass over their articles
                    edge = _built(("vendor edge days", bool(kept)), edge_stmt)
                    stmts.append((edge, {"start": edge_start, "end": edge_end}))
                    slots.append((slot, 1))
        counts: dict[int, list[int]] = {}
        # Small statements (a few milliseconds each): on this connection, one after another.
        results = [self._rows(stmt, params) for stmt, params in stmts]
        for (slot, sign), rows in zip(slots, results, strict=True):
            for found, n in rows:
                if found in keys:
                    counts.setdefault(int(found), [0, 0])[slot] += sign * int(n)
        return {ids[i]: (w, b) for i, (w, b) in counts.items() if w or b}

    def _rejected_mentions(self, start: datetime, end: datetime) -> Select[int, int]:
        """Per vendor id, the articles of ``[start, end)`` whose mentions of it were rejected
        (``vendor_day`` counts them)."""
        reviewed, named = aliased(Article), aliased(Vendor)
        return (
            select(col(Mention.vendor_id), func.count(distinct(col(Mention.article_id))))
            .select_from(Review)
            .join(reviewed, col(reviewed.canonical_url) == col(Review.article_url))
            .join(named, col(named.name) == col(Review.supplier))
            .join(
                Mention,
                and_(
                    col(Mention.article_id) == col(reviewed.id),
                    col(Mention.vendor_id) == col(named.id),
                ),
            )
            .where(
                col(Review.kind) == "mention",
                col(Review.verdict) == REJECTED,
                _between(reviewed, start, end),
            )
            .group_by(col(Mention.vendor_id))
        )

    def article_sources(self, article_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
        """The names of the sources that carried each article."""
        return self._sources_of(article_ids)

    def _events(
        self, stmt: Select[*tuple[Any, ...]], wanted: Collection[str] | None = None
    ) -> list[EventItem]:
        rows = [r for r in self._rows(stmt) if wanted is None or r.vendor in wanted]
        times = _Times()
        return [
            EventItem(
                event_id=int(r.event_id),
                vendor=r.vendor,
                type=r.type,
                at=times[r.at],
                article_id=int(r.article_id),
                title=r.title,
                url=r.url,
                evidence=r.evidence,
            )
            for r in rows
        ]

    def _event_select(self) -> Select[*tuple[Any, ...]]:
        return (
            select(
                col(EventVendor.vendor).label("vendor"),
                col(Event.id).label("event_id"),
                col(Event.type).label("type"),
                col(Event.evidence).label("evidence"),
                col(Article.id).label("article_id"),
                col(Article.title).label("title"),
                col(Article.url).label("url"),
                _raw_time().label("at"),
            )
            .select_from(Article)
            .join(Event, col(Event.article_id) == col(Article.id))
            .join(EventVendor, col(EventVendor.event_id) == col(Event.id))
        )

    def _bare_events(
        self, stmt: Select[*tuple[Any, ...]], wanted: Collection[str], params: dict[str, Any]
    ) -> list[EventItem]:
        """``stmt``'s events (``_bare_event_select``) concerning ``wanted``, without words."""
        times = _Times()
        return [
            EventItem(int(event_id), vendor, kind, times[at], int(article_id))
            for vendor, event_id, kind, article_id, at in self._rows(stmt, params)
            if vendor in wanted
        ]

    def _bare_event_select(self) -> Select[*tuple[Any, ...]]:
        """The events of articles without their words: a window's thousands of events are
        ranked on their type and time; the few quoted are given words by ``event_details``
        (reading and converting the titles, URLs and sentences of all was a third of the
        events' cost)."""
        return (
            select(
                col(EventVendor.vendor),
                col(Event.id),
                col(Event.type),
                col(Event.article_id),
                _raw_time(),
            )
            .select_from(Article)
            .join(Event, col(Event.article_id) == col(Article.id))
            .join(EventVendor, col(EventVendor.event_id) == col(Event.id))
        )

    def event_details(self, event_ids: Collection[int]) -> dict[int, tuple[str, str, str]]:
        """The (title, url) of each event's article and its evidence sentence."""
        found: dict[int, tuple[str, str, str]] = {}
        stmt = _built(
            ("event details",),
            lambda: (
                select(col(Event.id), col(Article.title), col(Article.url), col(Event.evidence))
                .join(Article, col(Article.id) == col(Event.article_id))
                .where(col(Event.id).in_(_names("ids")))
            ),
        )
        for batch in _chunks(sorted(set(event_ids))):
            found.update({int(i): (t, u, e) for i, t, u, e in self._rows(stmt, {"ids": batch})})
        return found

    def events(self, vendors: Collection[str], start: datetime, end: datetime) -> list[EventItem]:
        """Events concerning ``vendors`` in articles of ``[start, end)``."""
        wanted = set(vendors)
        if not wanted:
            return []
        vendor = col(EventVendor.vendor)
        period = {"start": start, "end": end}
        if len(wanted) > MANY_VENDORS:  # as in _counts: one pass over the window's events
            stmt = _built(("events",), lambda: self._bare_event_select().where(_period()))
            return self._bare_events(stmt, wanted, period)
        # "vendor || ''": the same filter, but no index on vendor serves it.
        by_time = self._scan_by_time(EventVendor, vendor, wanted, BUSY_EVENTS)
        stmt = _built(
            ("events of", by_time),
            lambda: self._bare_event_select().where(
                _period(), (vendor.concat("") if by_time else vendor).in_(_names("names"))
            ),
        )
        return self._bare_events(stmt, wanted, {**period, "names": sorted(wanted)})

    def latest_events(self, vendors: Collection[str], end: datetime, limit: int) -> list[EventItem]:
        """The newest ``limit`` events concerning ``vendors`` before ``end``, one row per event."""
        names = sorted(set(vendors))[:CHUNK]
        stmt = (
            self._event_select()
            .where(article_before(end), col(EventVendor.vendor).in_(names))
            .order_by(literal_column("at").desc(), col(Event.id).desc())
            .limit(limit * 4)
        )
        seen: set[int] = set()
        found: list[EventItem] = []
        for event in self._events(stmt):
            if event.event_id not in seen:
                seen.add(event.event_id)
                found.append(event)
        order = {t: i for i, t in enumerate(EVENT_TYPES)}
        found.sort(key=lambda e: (-e.at.timestamp(), order.get(e.type, 99)))
        return found[:limit]

    def _newest_sentences(
        self, table: Any, key: Any, keys: Collection[Any], window: Window, per_key: int
    ) -> tuple[list[Any], dict[int, tuple[str, ...]]]:
        """The newest ``per_key`` rows of ``table`` (Mention or ProductMention) for each of
        ``keys`` of its ``key`` column in the window, newest first, with their articles'
        sources: (key, sentence, article_id, title, url, at, rank) rows."""
        when = article_time()
        rows: list[Any] = []
        for batch in _chunks(sorted(keys)):
            rank = (
                func.row_number()
                .over(partition_by=key, order_by=(when.desc(), col(table.id)))
                .label("rank")
            )
            inner = (
                select(
                    key.label("key"),
                    col(table.sentence),
                    col(table.article_id),
                    col(Article.title),
                    col(Article.url),
                    when.label("at"),
                    rank,
                )
                .select_from(Article)
                .join(table, col(table.article_id) == col(Article.id))
                .where(
                    article_between(window.start, window.end),
                    key.in_(batch),
                    *self._kept(table),
                )
                .subquery()
            )
            rows += self._rows(select(inner).where(inner.c.rank <= per_key))
        rows.sort(key=lambda r: r.rank)
        return rows, self._sources_of([r.article_id for r in rows])

    def mention_evidence(
        self, vendors: Collection[str], window: Window, per_vendor: int
    ) -> dict[str, list[Evidence]]:
        """The newest ``per_vendor`` mention sentences of each vendor in the window."""
        ids = self._vendor_ids(vendors)
        found: dict[str, list[Evidence]] = {}
        if not ids:
            return found
        rows, sources = self._newest_sentences(
            Mention, col(Mention.vendor_id), ids, window, per_vendor
        )
        for r in rows:
            name = ids[int(r.key)]
            found.setdefault(name, []).append(
                Evidence(
                    "mention",
                    "",
                    r.sentence,
                    r.at,
                    r.title,
                    r.url,
                    sources.get(int(r.article_id), ()),
                    name,
                )
            )
        return found

    def product_counts(
        self, catalog_ids: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles naming each catalog entry: (in the window, in the baseline before it)."""
        wanted = set(catalog_ids)
        if not wanted:
            return {}
        return self._counts(
            ProductMention,
            col(ProductMention.catalog_id),
            col(ProductMention.article_id),
            window,
            wanted,
        )

    def product_evidence(
        self, catalog_ids: Collection[str], window: Window, per_product: int
    ) -> dict[str, list[Evidence]]:
        """The newest ``per_product`` sentences naming each catalog entry in the window."""
        found: dict[str, list[Evidence]] = {}
        rows, sources = self._newest_sentences(
            ProductMention, col(ProductMention.catalog_id), set(catalog_ids), window, per_product
        )
        for r in rows:
            found.setdefault(str(r.key), []).append(
                Evidence(
                    "product",
                    "",
                    r.sentence,
                    r.at,
                    r.title,
                    r.url,
                    sources.get(int(r.article_id), ()),
                    str(r.key),
                )
            )
        return found

    def mention_times(
        self, vendors: Collection[str], start: datetime, end: datetime
    ) -> list[datetime]:
        """The time of each article mentioning any of ``vendors`` in ``[start, end)``."""
        ids = self._vendor_ids(vendors)
        if not ids:
            return []
        stmt = (
            select(col(Article.id), article_time())
            .distinct()
            .join(Mention, col(Mention.article_id) == col(Article.id))
            .where(
                article_between(start, end),
                col(Mention.vendor_id).in_(sorted(ids)[:CHUNK]),
                *self._kept_mentions(),
            )
        )
        return [at for _, at in self._rows(stmt)]


__all__ = ["StoreExposureData", "article_before", "article_between", "article_time"]
