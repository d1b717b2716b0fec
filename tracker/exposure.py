"""Pure: supplier exposure. The supplier graph, time decay, scores and their explanations.

Edges come from two places, kept apart and labelled:

- **declared**: the hardware catalog and the user's parts list (a product's vendor buys from
  the makers of its parts; a part's vendor supplies the vendor of the product it is used in);
- **reported**: supplier relations extracted from articles, tallied per status with their
  articles, independent sources (distinct source names), first and last time, confidence.

A reported edge weighs ``decay(time since last reported) * (1 - (1 - confidence) ** sources)``:
it halves every ``half_life_days`` and grows with independent sources. An edge whose latest
report is ``negated`` (denied, ended, failed) weighs nothing and is not current. A report
counts as confirmed only when the extraction is sure of it (``tracker.models.shown_status``);
a less sure one counts as reported, and one below ``RELATION_SHOWN`` not at all.

A company's **risk** is the news that touches it in a window: events weighted by type
(``RISK_WEIGHTS``, most urgent first, as ``EVENT_TYPES``) and by age, plus a surge term when it
is mentioned more than its own baseline. A row's **exposure score** is that risk times how much
the subject depends on the company (edge weights along the path, halved per extra tier), and
it always comes with its explanation in words.

Nothing here reads a database: the questions take an ``ExposureData`` (``tracker.store.exposure``
implements it over a session) and return plain records. Times are aware UTC datetimes and every
function that needs "now" takes it as a parameter.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.names import product_names, vendor_names
from tracker.catalog.products import Catalog, Product
from tracker.catalog.watch import WatchItem
from tracker.config import ExposureSettings
from tracker.errors import UsageError
from tracker.models import EVENT_TYPES, shown_status

RISK_WEIGHTS: dict[str, float] = {
    "disruption": 3.0,
    "export_control": 3.0,
    "shortage": 2.5,
    "lead_time_price": 2.0,
    "capacity": 1.0,
    "design_win": 0.5,
    "m_and_a": 0.5,
    "earnings": 0.5,
    "legal": 0.5,
    "leadership": 0.25,
    "product_launch": 0.25,
    "quality_recall": 0.25,
}
"""How much one event of each type adds to a company's risk before decay (non-increasing in the
order of ``EVENT_TYPES``, which is most urgent first)."""

_TYPE_WORDS: dict[str, tuple[str, str]] = {
    "disruption": ("disruption", "disruptions"),
    "export_control": ("export-control event", "export-control events"),
    "shortage": ("shortage", "shortages"),
    "lead_time_price": ("lead-time or price change", "lead-time or price changes"),
    "capacity": ("capacity change", "capacity changes"),
    "design_win": ("design win", "design wins"),
    "m_and_a": ("M&A deal", "M&A deals"),
    "earnings": ("earnings report", "earnings reports"),
    "legal": ("legal matter", "legal matters"),
    "leadership": ("leadership change", "leadership changes"),
    "product_launch": ("product launch", "product launches"),
    "quality_recall": ("quality issue or recall", "quality issues or recalls"),
}

_URGENCY = {t: i for i, t in enumerate(EVENT_TYPES)}
# "GUADALAJARA, Mexico, Nov 10 (Component Wire) - " before wire copy: not what happened.
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,[^()]{0,40}\([^)]{1,40}\)\s*[-–—]\s*")
NEGATED = "negated"
DAY_S = 86400.0


# --- time --------------------------------------------------------------------------------


def decay(age: timedelta, half_life_days: float) -> float:
    """``0.5 ** (age / half-life)``; an age below zero (a time after "now") counts as zero."""
    days = max(age.total_seconds(), 0.0) / DAY_S
    return float(0.5 ** (days / half_life_days))


def age_words(at: datetime, now: datetime) -> str:
    """How long ago, for people: "today", "yesterday", "3 days ago", "5 weeks ago"..."""
    days = (now - at).total_seconds() / DAY_S
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    if days < 14:
        return f"{int(days)} days ago"
    if days < 61:
        return f"{int(days // 7)} weeks ago"
    if days < 730:
        return f"{int(days // 30.4)} months ago"
    return f"{int(days // 365.25)} years ago"


@dataclass(frozen=True, slots=True)
class Window:
    """The news window ``[start, end)`` and the baseline before it ``[baseline_start, start)``."""

    start: datetime
    end: datetime
    baseline_start: datetime
    label: str  # "in the last 30 days", "since 2026-11-01"

    @property
    def weeks(self) -> float:
        """Length of the window in weeks (at least one day)."""
        return max((self.end - self.start).total_seconds(), DAY_S) / (7 * DAY_S)

    @property
    def baseline_weeks(self) -> float:
        """Length of the baseline in weeks (at least one day)."""
        return max((self.start - self.baseline_start).total_seconds(), DAY_S) / (7 * DAY_S)


def make_window(now: datetime, since: datetime | None, settings: ExposureSettings) -> Window:
    """The window ending ``now``: from ``since``, or the last ``window_days``; the baseline is
    ``baseline_windows`` windows of the same length just before it."""
    if since is None:
        start = now - timedelta(days=settings.window_days)
        label = f"in the last {settings.window_days} days"
    else:
        start = min(since, now)
        label = f"since {since.date().isoformat()}"
    length = max(now - start, timedelta(days=1))
    return Window(start, now, start - length * settings.baseline_windows, label)


# --- the graph ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeclaredLink:
    """``supplier`` makes ``part`` of ``customer``'s ``product``, per the catalog or parts list."""

    supplier: str
    customer: str
    product: str  # catalog id of the customer's product
    product_name: str
    role: str  # foundry, assembly, display... (a used part: its category)
    part: str  # catalog id of what the supplier makes for it, or ""
    origin: str  # "catalog" or "parts list"

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "product": self.product,
            "product_name": self.product_name,
            "role": self.role,
            "part": self.part or None,
            "origin": self.origin,
        }


def declared_links(catalog: Catalog) -> list[DeclaredLink]:
    """Every supplier link the catalog (and the user's parts merged into it) declares.

    A product's makers supply its vendor; a part's vendor supplies the vendor of each product
    it is ``used_in``. Links within one company and generic technologies (no vendor) are left
    out; the two ways of stating the same part are counted once.
    """
    found: dict[tuple[str, str, str, str], DeclaredLink] = {}

    def origin_of(p: Product) -> str:
        return "parts list" if p.origin == "user" else "catalog"

    for product in catalog.products.values():
        if not product.vendor:
            continue
        for maker in product.makers:
            if maker.vendor and maker.vendor != product.vendor:
                key = (maker.vendor, product.vendor, product.id, maker.product)
                found.setdefault(
                    key,
                    DeclaredLink(
                        maker.vendor,
                        product.vendor,
                        product.id,
                        product.name,
                        maker.role,
                        maker.product,
                        origin_of(product),
                    ),
                )
        for ref in product.used_in:
            host = catalog.products.get(ref)
            if host is None and product.origin == "user":
                host = catalog.get(ref)  # a parts list may name the product instead of its id
            if host is None or not host.vendor or host.vendor == product.vendor:
                continue
            key = (product.vendor, host.vendor, host.id, product.id)
            found.setdefault(
                key,
                DeclaredLink(
                    product.vendor,
                    host.vendor,
                    host.id,
                    host.name,
                    product.category,
                    product.id,
                    origin_of(product),
                ),
            )
    return list(found.values())


@dataclass(frozen=True, slots=True)
class RelationTally:
    """Reports of one supplier link with one status: articles, first and last time, best
    confidence (the store groups relation rows by supplier, customer and status)."""

    supplier: str
    customer: str
    status: str
    articles: int
    first_at: datetime
    last_at: datetime
    confidence: float


@dataclass(frozen=True, slots=True)
class RelationFacts:
    """What the store knows about some reported links.

    ``sources`` holds ``(supplier, customer, distinct sources)`` counted over the reports that
    are not negated;
    ``products`` holds ``(supplier, customer, product, articles)``.
    """

    tallies: Sequence[RelationTally] = ()
    sources: Sequence[tuple[str, str, int]] = ()
    products: Sequence[tuple[str, str, str, int]] = ()


@dataclass(frozen=True, slots=True)
class ReportedLink:
    """A supplier link as the news reports it, with its weight at some time."""

    supplier: str
    customer: str
    status: str  # of the latest report
    articles: int
    sources: int  # independent sources (distinct source names) of the reports not negated
    first_at: datetime
    last_at: datetime
    last_current_at: datetime | None  # the latest report that is not negated
    confidence: float  # the best among reports that are not negated
    products: tuple[str, ...]
    weight: float
    articles_by_status: tuple[tuple[str, int], ...] = ()

    @property
    def is_current(self) -> bool:
        """False when the latest report denies or ends the relation."""
        return self.status != NEGATED

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "status": self.status,
            "is_current": self.is_current,
            "articles": self.articles,
            "articles_by_status": dict(self.articles_by_status),
            "sources": self.sources,
            "first_seen_at": self.first_at,
            "last_seen_at": self.last_at,
            "confidence": round(self.confidence, 3),
            "weight": round(self.weight, 3),
            "products": list(self.products),
        }


def reported_weight(
    confidence: float, sources: int, last_at: datetime, now: datetime, half_life_days: float
) -> float:
    """Noisy-OR of ``sources`` independent reports of ``confidence``, decayed since ``last_at``."""
    corroborated = 1.0 - (1.0 - min(max(confidence, 0.0), 1.0)) ** max(sources, 1)
    return corroborated * decay(now - last_at, half_life_days)


def reported_links(
    facts: RelationFacts, now: datetime, half_life_days: float
) -> list[ReportedLink]:
    """One ``ReportedLink`` per (supplier, customer) of ``facts``, weighed at ``now``.

    The latest report decides the status; on a tie a negation wins (the same article both
    states and denies the link: not counted as current).
    """
    tallies: dict[tuple[str, str], list[RelationTally]] = {}
    for t in facts.tallies:
        shown = shown_status(t.status, t.confidence)
        if t.supplier != t.customer and shown is not None:
            tallies.setdefault((t.supplier, t.customer), []).append(replace(t, status=shown))
    sources: dict[tuple[str, str], int] = {}
    for supplier, customer, count in facts.sources:
        sources[(supplier, customer)] = sources.get((supplier, customer), 0) + count
    products: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for supplier, customer, product, count in facts.products:
        if product:
            products.setdefault((supplier, customer), []).append((count, product))
    links: list[ReportedLink] = []
    for key, group in tallies.items():
        # One pass per link (this runs for thousands of links at tier 2).
        latest = group[0]
        first_at = group[0].first_at
        last_current: datetime | None = None
        confidence = 0.0
        articles = 0
        by_status: dict[str, int] = {}
        for t in group:
            articles += t.articles
            by_status[t.status] = by_status.get(t.status, 0) + t.articles
            first_at = min(first_at, t.first_at)
            if (t.last_at, t.status == NEGATED) > (latest.last_at, latest.status == NEGATED):
                latest = t
            if t.status != NEGATED:
                confidence = max(confidence, t.confidence)
                if last_current is None or t.last_at > last_current:
                    last_current = t.last_at
        n_sources = sources.get(key, 0)
        weight = 0.0
        if latest.status != NEGATED and last_current is not None:
            weight = reported_weight(confidence, n_sources, last_current, now, half_life_days)
        named = products.get(key)
        ranked = sorted(named, key=lambda cp: (-cp[0], cp[1])) if named else []
        links.append(
            ReportedLink(
                supplier=key[0],
                customer=key[1],
                status=latest.status,
                articles=articles,
                sources=n_sources,
                first_at=first_at,
                last_at=latest.last_at,
                last_current_at=last_current,
                confidence=confidence,
                products=tuple(p for _, p in ranked),
                weight=weight,
                articles_by_status=tuple(
                    (s, by_status[s]) for s in sorted(by_status, key=_status_order)
                ),
            )
        )
    return links


def _status_order(status: str) -> int:
    order = ("confirmed", "reported", "planned", NEGATED)
    return order.index(status) if status in order else len(order)


@dataclass(frozen=True, slots=True)
class Edge:
    """``supplier`` supplies ``customer``: what the catalog declares and what the news reports."""

    supplier: str
    customer: str
    declared: tuple[DeclaredLink, ...] = ()
    reported: ReportedLink | None = None

    @property
    def kind(self) -> str:
        """``declared``, ``reported`` or ``both``."""
        if self.declared and self.reported is not None:
            return "both"
        return "declared" if self.declared else "reported"

    @property
    def strength(self) -> float:
        """1 when declared, else the reported weight (0 when the news says it ended)."""
        if self.declared:
            return 1.0
        return self.reported.weight if self.reported is not None else 0.0

    @property
    def is_current(self) -> bool:
        """Declared, or reported and not negated by the latest report."""
        return bool(self.declared) or (self.reported is not None and self.reported.is_current)

    @property
    def status(self) -> str:
        """The latest reported status, or ``declared``."""
        return self.reported.status if self.reported is not None else "declared"

    def products(self) -> tuple[str, ...]:
        """Products the link is about: declared product names first, then reported ones."""
        names = [d.product_name for d in self.declared]
        if self.reported is not None:
            names += list(self.reported.products)
        return tuple(dict.fromkeys(names))

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "supplier": self.supplier,
            "customer": self.customer,
            "kind": self.kind,
            "status": self.status,
            "is_current": self.is_current,
            "strength": round(self.strength, 3),
            "declared": [d.record() for d in self.declared],
            "reported": self.reported.record() if self.reported is not None else None,
        }


class SupplyGraph:
    """Edges by (supplier, customer), from declared and reported links."""

    def __init__(
        self, declared: Iterable[DeclaredLink] = (), reported: Iterable[ReportedLink] = ()
    ) -> None:
        grouped: dict[tuple[str, str], list[DeclaredLink]] = {}
        for link in declared:
            grouped.setdefault((link.supplier, link.customer), []).append(link)
        news = {(r.supplier, r.customer): r for r in reported}
        self.edges: dict[tuple[str, str], Edge] = {
            key: Edge(key[0], key[1], tuple(grouped.get(key, ())), news.get(key))
            for key in sorted(grouped.keys() | news.keys())
        }

    def suppliers_of(self, customers: Collection[str]) -> list[Edge]:
        """Edges into any of ``customers``."""
        return [e for e in self.edges.values() if e.customer in customers]

    def customers_of(self, suppliers: Collection[str]) -> list[Edge]:
        """Edges out of any of ``suppliers``."""
        return [e for e in self.edges.values() if e.supplier in suppliers]


# --- the world: gazetteer, catalog, declared links, names ---------------------------------


class World:
    """What exposure knows without the database: companies, products, declared links.

    Build once per process (``World.build``); every question reuses it.
    """

    def __init__(self, gazetteer: Gazetteer, catalog: Catalog) -> None:
        self.gazetteer = gazetteer
        self.catalog = catalog
        self.declared = declared_links(catalog)
        self.declared_by_customer: dict[str, list[DeclaredLink]] = {}
        self.declared_by_supplier: dict[str, list[DeclaredLink]] = {}
        for link in self.declared:
            self.declared_by_customer.setdefault(link.customer, []).append(link)
            self.declared_by_supplier.setdefault(link.supplier, []).append(link)
        self._families: dict[str, tuple[str, ...]] = {}
        self.children: dict[str, list[str]] = {}
        for vendor in gazetteer.vendors.values():
            if vendor.parent:
                self.children.setdefault(vendor.parent, []).append(vendor.name)
        self.vendor_names = vendor_names(gazetteer)
        self.product_names = product_names(catalog)
        self.parts_of: dict[str, list[Product]] = {}
        self._children: dict[str, list[Product]] = {}
        for product in catalog.products.values():
            for ref in product.used_in:
                self.parts_of.setdefault(ref, []).append(product)
            if product.parent:
                self._children.setdefault(product.parent, []).append(product)

    def children_of(self, product_id: str) -> list[Product]:
        """Catalog entries whose parent is ``product_id``."""
        return self._children.get(product_id, [])

    @classmethod
    def build(cls, gazetteer: Gazetteer, catalog: Catalog) -> World:
        """The world over a gazetteer and a catalog (with the user's parts merged in)."""
        return cls(gazetteer, catalog)

    def family(self, name: str) -> tuple[str, ...]:
        """``name`` and its subsidiaries, recursively (a parent rolls its subsidiaries up)."""
        cached = self._families.get(name)
        if cached is not None:
            return cached
        found = [name]
        for member in found:
            for child in self.children.get(member, ()):
                if child not in found:
                    found.append(child)
        self._families[name] = tuple(found)
        return self._families[name]

    def resolve_vendor(self, name: str, option: str = "exposure") -> str:
        """The canonical name for a name or alias (any case, width or punctuation);
        UsageError with the closest name otherwise."""
        return self.vendor_names.resolve(name, option)

    def resolve_product(self, key: str, option: str = "exposure") -> Product:
        """The catalog entry for an id, name, alias or part number; UsageError otherwise."""
        return self.catalog.products[self.product_names.resolve(key, option)]


# --- news --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that shows something, and the article it comes from."""

    kind: str  # event, relation, mention, product
    type: str  # the event type, the relation status, or ""
    sentence: str
    at: datetime
    title: str
    url: str
    sources: tuple[str, ...] = ()
    about: str = ""  # the company (or supplier -> customer) it is about

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "kind": self.kind,
            "type": self.type or None,
            "about": self.about or None,
            "sentence": self.sentence,
            "at": self.at,
            "title": self.title,
            "url": self.url,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class EventItem:
    """One event concerning ``vendor``, with its article."""

    event_id: int
    vendor: str
    type: str
    at: datetime
    article_id: int
    title: str
    url: str
    evidence: str
    sources: tuple[str, ...] = ()

    def as_evidence(self) -> Evidence:
        """The event as evidence."""
        return Evidence(
            "event",
            self.type,
            self.evidence,
            self.at,
            self.title,
            self.url,
            self.sources,
            self.vendor,
        )


@dataclass(frozen=True, slots=True)
class VendorNews:
    """The news touching one company (with its subsidiaries) in a window."""

    vendor: str
    mentions: int  # articles that mention it in the window
    baseline_mentions: int  # ... in the baseline before the window
    events: tuple[EventItem, ...]  # most urgent first, then newest
    window: Window
    risk: float
    event_sources: tuple[str, ...] | None = None  # set by ``with_sources``

    @property
    def per_week(self) -> float:
        """Mentions per week in the window."""
        return self.mentions / self.window.weeks

    @property
    def usual_per_week(self) -> float:
        """Mentions per week in the baseline."""
        return self.baseline_mentions / self.window.baseline_weeks

    @property
    def trend(self) -> float | None:
        """Window rate over baseline rate (None without a baseline)."""
        return self.per_week / self.usual_per_week if self.baseline_mentions else None

    def events_by_type(self) -> dict[str, int]:
        """Event counts, most urgent type first."""
        counts: dict[str, int] = {}
        for event in self.events:
            counts[event.type] = counts.get(event.type, 0) + 1
        return {t: counts[t] for t in sorted(counts, key=lambda t: _URGENCY.get(t, 99))}

    def sources(self) -> tuple[str, ...]:
        """Distinct sources that carried its events."""
        if self.event_sources is not None:
            return self.event_sources
        return tuple(sorted({s for e in self.events for s in e.sources}))

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "mentions": self.mentions,
            "mentions_per_week": round(self.per_week, 2),
            "usual_per_week": round(self.usual_per_week, 2),
            "trend": round(self.trend, 2) if self.trend is not None else None,
            "events": self.events_by_type(),
            "event_sources": list(self.sources()),
            "risk": round(self.risk, 3),
        }


def risk_of(
    events: Sequence[EventItem],
    per_week: float,
    usual_per_week: float,
    now: datetime,
    news_half_life_days: float,
) -> float:
    """Events weighted by type and age, plus ``log2`` of a mention surge over the baseline."""
    weight = sum(
        RISK_WEIGHTS.get(e.type, 0.25) * decay(now - e.at, news_half_life_days) for e in events
    )
    surge = max(0.0, math.log2((per_week + 1.0) / (usual_per_week + 1.0)))
    return weight + surge


def summarize_news(
    vendor: str,
    mentions: int,
    baseline_mentions: int,
    events: Iterable[EventItem],
    window: Window,
    now: datetime,
    settings: ExposureSettings,
) -> VendorNews:
    """A company's news: events counted once per article and type, ranked most urgent first."""
    unique: dict[tuple[int, str], EventItem] = {}
    for event in sorted(events, key=lambda e: (e.at, e.event_id), reverse=True):
        unique.setdefault((event.article_id, event.type), event)
    ranked = tuple(
        sorted(unique.values(), key=lambda e: (_URGENCY.get(e.type, 99), -e.at.timestamp()))
    )
    per_week = mentions / window.weeks
    usual = baseline_mentions / window.baseline_weeks
    risk = risk_of(ranked, per_week, usual, now, settings.news_half_life_days)
    return VendorNews(vendor, mentions, baseline_mentions, ranked, window, risk)


def _plural(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def explain_news(news: VendorNews, now: datetime) -> str:
    """The news in words: which events, how recent, how many sources, mentions vs usual."""
    counts = news.events_by_type()
    parts: list[str] = []
    for i, (kind, n) in enumerate(counts.items()):
        words = _plural(n, _TYPE_WORDS.get(kind, (kind, kind)))
        if i < 2:
            latest = max((e for e in news.events if e.type == kind), key=lambda e: e.at)
            words += (
                f" ({shorten(_DATELINE.sub('', latest.evidence))}, {age_words(latest.at, now)})"
            )
        parts.append(words)
    if len(parts) > 4:
        rest = sum(list(counts.values())[3:])
        parts = [*parts[:3], f"{rest} other events"]
    sources = news.sources()
    if parts:
        text = f"{_join(parts)} {news.window.label}"
        if sources:
            text += f", reported by {_plural(len(sources), ('source', 'sources'))}"
    else:
        text = f"no events {news.window.label}"
    mentions = _plural(news.mentions, ("mention", "mentions"))
    if not news.baseline_mentions:
        days = round((news.window.start - news.window.baseline_start).total_seconds() / DAY_S)
        return text + f"; {mentions} ({news.per_week:.1f}/week), none in the {days} days before"
    text += f"; {mentions} ({news.per_week:.1f}/week) vs {news.usual_per_week:.1f}/week usual"
    trend = news.trend
    if trend is not None and trend >= 2:
        text += f", up {trend:.1f}x"
    return text


def _products_words(names: Sequence[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return _join(list(names))
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def explain_edge(edge: Edge, now: datetime) -> str:
    """A link in words: what the catalog declares, what the news reports and when."""
    parts: list[str] = []
    if edge.declared:
        names = list(dict.fromkeys(d.product_name for d in edge.declared))
        roles = _join(list(dict.fromkeys(d.role.replace("_", " ") for d in edge.declared)))
        origins = _join(sorted({d.origin for d in edge.declared}))
        parts.append(f"declared in the {origins}: {roles} for {_products_words(names)}")
    r = edge.reported
    if r is not None:
        articles = _plural(r.articles, ("article", "articles"))
        sources = _plural(max(r.sources, 1), ("source", "sources"))
        text = f"reported in {articles} from {sources}"
        if r.products:
            text += f" ({_products_words(list(r.products))})"
        if r.is_current:
            text += f", last {age_words(r.last_at, now)} ({r.status})"
            if not edge.declared:
                text += f", weight {r.weight:.2f}"
        else:
            text += (
                f", but the latest report ({age_words(r.last_at, now)}) says it ended or was denied"
            )
        parts.append(text)
    return "; ".join(parts)


# --- the questions -----------------------------------------------------------------------


class ExposureData(Protocol):
    """What exposure reads from the store (``tracker.store.exposure.StoreExposureData``).

    Names are canonical vendor names, exactly as stored; times are aware UTC.
    """

    def relation_facts(
        self,
        *,
        customers: Collection[str] | None = None,
        suppliers: Collection[str] | None = None,
        end: datetime,
    ) -> RelationFacts:
        """Tallies of reported links into ``customers`` or out of ``suppliers`` (None: all),
        from articles before ``end``."""
        ...

    def relation_evidence(
        self, latest: Mapping[tuple[str, str], datetime]
    ) -> dict[tuple[str, str], Evidence]:
        """The sentence of the latest report of each (supplier, customer), given the time of
        that report (``ReportedLink.last_at``)."""
        ...

    def mention_counts(
        self, vendors: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles mentioning each vendor: (in the window, in the baseline)."""
        ...

    def events(self, vendors: Collection[str], start: datetime, end: datetime) -> list[EventItem]:
        """Events concerning ``vendors`` in articles of ``[start, end)`` (sources left empty:
        ``article_sources`` gives them for the events shown)."""
        ...

    def mention_evidence(
        self, vendors: Collection[str], window: Window, per_vendor: int
    ) -> dict[str, list[Evidence]]:
        """The latest ``per_vendor`` mention sentences of each vendor in the window."""
        ...

    def news_facts(
        self, vendors: Collection[str], window: Window
    ) -> tuple[dict[str, tuple[int, int]], list[EventItem]]:
        """``mention_counts`` and ``events`` of the window together (the store may read them
        at once)."""
        ...

    def product_counts(
        self, catalog_ids: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles naming each catalog entry: (in the window, in the baseline)."""
        ...

    def product_evidence(
        self, catalog_ids: Collection[str], window: Window, per_product: int
    ) -> dict[str, list[Evidence]]:
        """The latest ``per_product`` sentences naming each catalog entry in the window."""
        ...

    def article_sources(self, article_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
        """The names of the sources that carried each article."""
        ...

    def latest_events(self, vendors: Collection[str], end: datetime, limit: int) -> list[EventItem]:
        """The newest ``limit`` events concerning ``vendors`` before ``end``."""
        ...

    def mention_times(
        self, vendors: Collection[str], start: datetime, end: datetime
    ) -> list[datetime]:
        """The time of each article mentioning ``vendors`` in ``[start, end)``."""
        ...


@dataclass(frozen=True, slots=True)
class ExposureRow:
    """One company (or watched item) of an answer, with its score and why."""

    name: str
    tier: int
    path: tuple[str, ...]
    arrow: str  # " <- " upstream (suppliers), " -> " downstream (customers)
    news: VendorNews | None
    dependency: float
    score: float
    explanation: str
    edge: Edge | None = None
    through: str = ""  # the subsidiary the link really goes through, when not the named one
    also_via: tuple[str, ...] = ()
    role: str = ""
    via: tuple[str, ...] = ()  # products the link is about
    kind: str = "company"  # company, vendor, product, part
    evidence: tuple[Evidence, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def path_text(self) -> str:
        """The path in words: "Apple <- Luxshare <- ..." or "Luxshare -> Apple"."""
        return self.arrow.join(self.path)

    @property
    def link(self) -> str:
        """declared, reported, both, or what the row is (vendor, part...)."""
        return self.edge.kind if self.edge is not None else self.role or self.kind

    def record(self, rank: int) -> dict[str, Any]:
        """A plain record; JSON-ready but for datetimes."""
        news = self.news.record() if self.news is not None else {}
        return {
            "rank": rank,
            "name": self.name,
            "kind": self.kind,
            "tier": self.tier,
            "path": list(self.path),
            "path_text": self.path_text,
            "through": self.through or None,
            "also_via": list(self.also_via),
            "role": self.role or None,
            "link": self.link,
            "via": list(self.via),
            "edge": self.edge.record() if self.edge is not None else None,
            "dependency": round(self.dependency, 3),
            **news,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": [e.record() for e in self.evidence],
            **dict(self.extra),
        }


@dataclass(frozen=True, slots=True)
class ExposureReport:
    """An answer: the question, the window, the rows ranked, and what is no longer current."""

    question: str  # customer, supplier, product, watchlist, parts
    subject: str
    tier: int
    window: Window
    as_of: datetime
    settings: ExposureSettings
    rows: tuple[ExposureRow, ...]
    total: int  # rows before the limit
    subject_news: VendorNews | None = None
    subject_explanation: str = ""
    subject_evidence: tuple[Evidence, ...] = ()
    subject_extra: tuple[tuple[str, Any], ...] = ()
    not_current: tuple[Edge, ...] = ()
    followed: tuple[str, ...] = ()  # whose suppliers (customers) the next tier followed

    def record(self) -> dict[str, Any]:
        """The whole answer as one plain record."""
        subject: dict[str, Any] = {"name": self.subject, **dict(self.subject_extra)}
        if self.subject_news is not None:
            subject |= self.subject_news.record()
        if self.subject_explanation:
            subject["explanation"] = self.subject_explanation
        if self.subject_evidence:
            subject["evidence"] = [e.record() for e in self.subject_evidence]
        return {
            "question": self.question,
            "subject": subject,
            "tier": self.tier,
            "as_of": self.as_of,
            "since": self.window.start,
            "baseline_since": self.window.baseline_start,
            "half_life_days": self.settings.half_life_days,
            "total": self.total,
            "followed": list(self.followed),
            "rows": [row.record(i) for i, row in enumerate(self.rows, 1)],
            "not_current": [
                {
                    **edge.record(),
                    "explanation": explain_edge(edge, self.as_of),
                }
                for edge in self.not_current
            ],
        }


@dataclass(frozen=True, slots=True)
class _Reach:
    name: str
    tier: int
    path: tuple[str, ...]
    edge: Edge
    dependency: float
    through: str
    also_via: tuple[str, ...] = ()


def _walk(
    world: World,
    data: ExposureData,
    subject: str,
    *,
    upstream: bool,
    tiers: int,
    end: datetime,
    now: datetime,
    settings: ExposureSettings,
) -> tuple[list[_Reach], list[Edge], list[str]]:
    """Suppliers (upstream) or customers (downstream) of ``subject`` tier by tier, each with its
    strongest current path; the tier-1 links the news says ended; and the companies whose own
    suppliers (customers) were followed, at most ``tier_frontier`` per tier."""
    reached: dict[str, _Reach] = {}
    not_current: dict[str, Edge] = {}
    excluded = set(world.family(subject))
    frontier: dict[str, _Reach | None] = {subject: None}
    followed: list[str] = []
    for tier in range(1, tiers + 1):
        heads_of: dict[str, list[str]] = {}
        for head in frontier:
            for member in world.family(head):
                heads_of.setdefault(member, []).append(head)
        members = sorted(heads_of)
        if upstream:
            facts = data.relation_facts(customers=members, end=end)
            declared = [d for m in members for d in world.declared_by_customer.get(m, ())]
        else:
            facts = data.relation_facts(suppliers=members, end=end)
            declared = [d for m in members for d in world.declared_by_supplier.get(m, ())]
        graph = SupplyGraph(declared, reported_links(facts, now, settings.half_life_days))
        candidates: dict[str, list[_Reach]] = {}
        for edge in graph.edges.values():
            near, far = (
                (edge.customer, edge.supplier) if upstream else (edge.supplier, edge.customer)
            )
            if near not in heads_of or far in excluded:
                continue
            for head in heads_of[near]:
                if far in world.family(head):
                    continue
                if not edge.is_current:
                    if tier == 1:
                        not_current.setdefault(far, edge)
                    continue
                parent = frontier[head]
                discount = settings.tier_discount if tier > 1 else 1.0
                dependency = (parent.dependency if parent else 1.0) * edge.strength * discount
                path = (parent.path if parent else (subject,)) + (far,)
                reach = _Reach(far, tier, path, edge, dependency, near if near != head else "")
                candidates.setdefault(far, []).append(reach)
        found: dict[str, _Reach] = {}
        for far, options in candidates.items():
            options.sort(key=lambda r: (-r.dependency, r.path, r.through))
            best = options[0]
            others = [o.path[-2] for o in options[1:] if o.path[-2] != best.path[-2]]
            found[far] = replace(best, also_via=tuple(dict.fromkeys(others)))
        reached |= found
        excluded |= set(found)
        if tier == tiers:
            break
        # The next tier follows the strongest links only: a weak, old report of a tier-1
        # supplier would add its whole supply base at a tiny weight (and cost a query).
        strongest = sorted(
            found.values(),
            key=lambda r: (-r.dependency, -(r.edge.reported.articles if r.edge.reported else 0)),
        )[: settings.tier_frontier]
        frontier = {r.name: r for r in strongest}
        followed += [r.name for r in strongest]
        if not frontier:
            break
    for name in list(not_current):
        if name in reached:
            del not_current[name]
    return list(reached.values()), list(not_current.values()), followed


def news_for(
    world: World,
    data: ExposureData,
    vendors: Collection[str],
    window: Window,
    now: datetime,
    settings: ExposureSettings,
) -> dict[str, VendorNews]:
    """The news of each vendor in the window, subsidiaries rolled up into their parents."""
    families = {v: world.family(v) for v in vendors}
    names = sorted({n for family in families.values() for n in family})
    if not names:
        return {}
    counts, events_found = data.news_facts(names, window)
    by_vendor: dict[str, list[EventItem]] = {}
    for event in events_found:
        by_vendor.setdefault(event.vendor, []).append(event)
    result: dict[str, VendorNews] = {}
    for vendor, family in families.items():
        mentions = sum(counts.get(n, (0, 0))[0] for n in family)
        baseline = sum(counts.get(n, (0, 0))[1] for n in family)
        events: dict[int, EventItem] = {}
        for member in family:
            for event in by_vendor.get(member, ()):
                events.setdefault(event.event_id, event)
        result[vendor] = summarize_news(
            vendor, mentions, baseline, events.values(), window, now, settings
        )
    return result


def with_sources(
    data: ExposureData, news: Mapping[str, VendorNews], shown: int = 3
) -> dict[str, VendorNews]:
    """``news`` with the sources that carried its events (one query for all), and those of its
    first ``shown`` events (the evidence) on each of them: only the rows shown need them, for
    "reported by N sources"."""
    ids = {e.article_id for n in news.values() for e in n.events}
    sources = data.article_sources(ids) if ids else {}
    result: dict[str, VendorNews] = {}
    for vendor, n in news.items():
        first = [replace(e, sources=sources.get(e.article_id, ())) for e in n.events[:shown]]
        names = {s for e in n.events for s in sources.get(e.article_id, ())}
        result[vendor] = replace(
            n, events=(*first, *n.events[shown:]), event_sources=tuple(sorted(names))
        )
    return result


def _score(risk: float, dependency: float) -> float:
    return round(risk * dependency, 2)


def _tier_words(path: tuple[str, ...], upstream: bool) -> str:
    tier = len(path) - 1
    if tier <= 1:
        return ""
    if upstream:
        return f"tier {tier}: supplies {path[-2]}, a supplier of {path[0]}"
    return f"tier {tier}: buys from {path[-2]}, a customer of {path[0]}"


def _evidence_for_rows(
    data: ExposureData,
    rows: list[ExposureRow],
    window: Window,
    per_row: int = 3,
) -> list[ExposureRow]:
    """Attach the latest sentences: the link's own report, the most urgent events, and a
    mention when nothing else is there."""
    latest = {
        (r.edge.supplier, r.edge.customer): r.edge.reported.last_at
        for r in rows
        if r.edge is not None and r.edge.reported is not None
    }
    relation = data.relation_evidence(latest) if latest else {}
    quiet = [r.name for r in rows if r.news is not None and not r.news.events]
    mentions = data.mention_evidence(quiet, window, 1) if quiet else {}
    result: list[ExposureRow] = []
    for row in rows:
        items: list[Evidence] = []
        if row.edge is not None and (row.edge.supplier, row.edge.customer) in relation:
            items.append(relation[(row.edge.supplier, row.edge.customer)])
        if row.news is not None:
            items += [e.as_evidence() for e in row.news.events[: per_row - len(items)]]
            if not row.news.events:
                items += mentions.get(row.name, [])
        result.append(replace(row, evidence=tuple(items[:per_row])))
    return result


def _rank(rows: Iterable[ExposureRow]) -> list[ExposureRow]:
    return sorted(rows, key=lambda r: (-r.score, -r.dependency, r.tier, r.name.casefold()))


def answer_customer(
    world: World,
    data: ExposureData,
    name: str,
    *,
    tier: int,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int = 50,
) -> ExposureReport:
    """Who supplies ``name`` (declared and reported), to ``tier`` tiers, ranked by exposure."""
    return _answer_chain(world, data, name, "customer", tier, window, now, settings, limit)


def answer_supplier(
    world: World,
    data: ExposureData,
    name: str,
    *,
    tier: int,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int = 50,
) -> ExposureReport:
    """Who depends on ``name``, through which products, ranked by how much."""
    return _answer_chain(world, data, name, "supplier", tier, window, now, settings, limit)


def _answer_chain(
    world: World,
    data: ExposureData,
    name: str,
    question: str,
    tier: int,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int,
) -> ExposureReport:
    subject = world.resolve_vendor(name, f"exposure --{question}")
    upstream = question == "customer"
    reaches, not_current, followed = _walk(
        world,
        data,
        subject,
        upstream=upstream,
        tiers=tier,
        end=window.end,
        now=now,
        settings=settings,
    )
    arrow = " <- " if upstream else " -> "
    subject_news: VendorNews | None = None
    subject_words = ""
    if upstream:
        news = news_for(world, data, [r.name for r in reaches], window, now, settings)
    else:
        news = with_sources(data, news_for(world, data, [subject], window, now, settings))
        subject_news = news[subject]
        subject_words = explain_news(subject_news, now)
    rows: list[ExposureRow] = []
    for reach in reaches:
        row_news = news[reach.name] if upstream else None
        risk = row_news.risk if row_news is not None else news[subject].risk
        rows.append(
            ExposureRow(
                name=reach.name,
                tier=reach.tier,
                path=reach.path,
                arrow=arrow,
                news=row_news,
                dependency=reach.dependency,
                score=_score(risk, reach.dependency),
                explanation="",  # written below for the rows shown only
                edge=reach.edge,
                through=reach.through,
                also_via=reach.also_via,
                via=reach.edge.products(),
            )
        )
    ranked = _rank(rows)
    top = ranked[:limit]
    if upstream:
        news = with_sources(data, {r.name: news[r.name] for r in top})
    explained: list[ExposureRow] = []
    for row in top:
        assert row.edge is not None
        tier_words = _tier_words(row.path, upstream)
        link = explain_edge(row.edge, now)
        if upstream:
            row = replace(row, news=news[row.name])
            words = [explain_news(news[row.name], now), tier_words, link]
        else:
            words = [tier_words, link, f"{subject}: {subject_words}"]
        explained.append(replace(row, explanation="; ".join(w for w in words if w)))
    shown = _evidence_for_rows(data, explained, window)
    subject_evidence: tuple[Evidence, ...] = ()
    if subject_news is not None:
        subject_evidence = tuple(e.as_evidence() for e in subject_news.events[:3])
    return ExposureReport(
        question=question,
        subject=subject,
        tier=tier,
        window=window,
        as_of=now,
        settings=settings,
        rows=tuple(shown),
        total=len(ranked),
        subject_news=subject_news,
        subject_explanation=subject_words,
        subject_evidence=subject_evidence,
        not_current=tuple(sorted(not_current, key=lambda e: (e.supplier, e.customer))),
        followed=tuple(followed),
    )


@dataclass(frozen=True, slots=True)
class _Part:
    vendor: str
    role: str
    product: Product | None  # what this company makes for the one above
    path: tuple[str, ...]
    depth: int
    of: str = ""  # the name of the product above


def product_tree(world: World, root: Product, depth: int) -> list[_Part]:
    """The vendor of ``root`` (depth 0), the makers of its parts (depth 1), the makers of
    their parts (depth 2, via ``makers[].product`` and ``used_in``), and so on; a technology
    without a vendor (HBM3E) is made by the vendors of its members (``parent``)."""
    parts: list[_Part] = []
    if root.vendor:
        parts.append(_Part(root.vendor, "vendor", root, (root.name,), 0))
    level: list[tuple[Product, tuple[str, ...]]] = [(root, (root.name,))]
    seen = {root.id}
    for d in range(1, depth + 1):
        following: list[tuple[Product, tuple[str, ...]]] = []
        for product, path in level:
            components: list[tuple[str, str, Product | None]] = []
            for maker in product.makers:
                made = world.catalog.products.get(maker.product) if maker.product else None
                components.append((maker.vendor, maker.role, made))
            for part in world.parts_of.get(product.id, ()):
                if part.vendor and not any(c[2] is part for c in components):
                    components.append((part.vendor, part.category, part))
            if not product.vendor:  # a technology (HBM3E): made by the vendors of its members
                components += [(c.vendor, "maker", c) for c in world.children_of(product.id)]
            for vendor, role, made in components:
                if made is not None and made.id not in seen:
                    seen.add(made.id)
                    following.append((made, (*path, made.name)))
                if not vendor or vendor == product.vendor:
                    continue  # its own part (Apple's A18 in Apple's iPhone): only its makers count
                label = f"{vendor} ({role.replace('_', ' ')}{': ' + made.name if made else ''})"
                parts.append(_Part(vendor, role, made, (*path, label), d, product.name))
        level = following
    return parts


def answer_product(
    world: World,
    data: ExposureData,
    key: str,
    *,
    tier: int,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int = 50,
) -> ExposureReport:
    """A product's vendor and the makers of its parts (to ``tier`` levels), and their news."""
    product = world.resolve_product(key, "exposure --product")
    parts = product_tree(world, product, tier)
    best: dict[str, list[_Part]] = {}
    for part in parts:
        best.setdefault(part.vendor, []).append(part)
    news = with_sources(data, news_for(world, data, list(best), window, now, settings))
    made_ids = sorted({p.product.id for p in parts if p.product is not None} | {product.id})
    counts = data.product_counts(made_ids, window)
    rows: list[ExposureRow] = []
    for vendor, found in best.items():
        first = min(found, key=lambda p: p.depth)
        dependency = settings.tier_discount ** max(first.depth - 1, 0)
        roles = list(dict.fromkeys(f"{p.role}" for p in found))
        made = list(dict.fromkeys(p.product.name for p in found if p.product is not None))
        row_news = news[vendor]
        if first.depth == 0:
            where = f"vendor of {product.name}"
        else:
            parts_of = _join(list(dict.fromkeys(p.of for p in found if p.of)))
            where = f"{_join(roles).replace('_', ' ')} of {parts_of}"
            where += f" ({_products_words(made)})" if made else ""
            where += f", level {first.depth}" if first.depth > 1 else ""
        part_mentions = {
            p.product.name: counts.get(p.product.id, (0, 0))[0]
            for p in found
            if p.product is not None and p.product.id != product.id
        }
        rows.append(
            ExposureRow(
                name=vendor,
                tier=first.depth,
                path=first.path,
                arrow=" <- ",
                news=row_news,
                dependency=dependency,
                score=_score(row_news.risk, dependency),
                explanation=f"{explain_news(row_news, now)}; {where}",
                role=_join(roles),
                via=tuple(made),
                extra=(("part_mentions", part_mentions),),
            )
        )
    ranked = _rank(rows)
    shown = _evidence_for_rows(data, ranked[:limit], window)
    mentions, baseline = counts.get(product.id, (0, 0))
    evidence = data.product_evidence([product.id], window, 3).get(product.id, [])
    per_week, usual = mentions / window.weeks, baseline / window.baseline_weeks
    summary = (
        f"{product.name} ({product.category}, {product.vendor or 'no single vendor'}): "
        f"named in {_plural(mentions, ('article', 'articles'))} {window.label} "
        f"({per_week:.1f}/week) vs {usual:.1f}/week usual"
    )
    return ExposureReport(
        question="product",
        subject=product.name,
        tier=tier,
        window=window,
        as_of=now,
        settings=settings,
        rows=tuple(shown),
        total=len(ranked),
        subject_explanation=summary,
        subject_evidence=tuple(evidence),
        subject_extra=(
            ("id", product.id),
            ("vendor", product.vendor or None),
            ("category", product.category),
            ("mentions", mentions),
            ("mentions_per_week", round(per_week, 2)),
            ("usual_per_week", round(usual, 2)),
        ),
    )


def answer_watchlist(
    world: World,
    data: ExposureData,
    name: str,
    items: Sequence[WatchItem],
    *,
    question: str,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int = 50,
) -> ExposureReport:
    """The user's own list ranked by exposure: a vendor by its news; a product or part by the
    most exposed of its vendor and the makers of its parts (the next level counts half)."""
    trees: dict[int, list[_Part]] = {}
    companies: set[str] = set()
    for i, item in enumerate(items):
        if item.product is not None:
            trees[i] = product_tree(world, item.product, 2)
            if item.vendor and not any(p.depth == 0 for p in trees[i]):
                trees[i].insert(0, _Part(item.vendor, "vendor", item.product, (item.label,), 0))
            companies |= {p.vendor for p in trees[i]}
        elif item.vendor:
            companies.add(item.vendor)
    news = with_sources(data, news_for(world, data, sorted(companies), window, now, settings))
    rows: list[ExposureRow] = []
    for i, item in enumerate(items):
        if item.product is None and not item.vendor:
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.label,),
                    arrow=" <- ",
                    news=None,
                    dependency=0.0,
                    score=0.0,
                    explanation=item.note or "no vendor to follow",
                    kind=item.kind,
                )
            )
            continue
        if item.product is None:
            row_news = news[item.vendor]
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.vendor,),
                    arrow=" <- ",
                    news=row_news,
                    dependency=1.0,
                    score=_score(row_news.risk, 1.0),
                    explanation=explain_news(row_news, now),
                    kind=item.kind,
                    role="vendor" if item.kind == "vendor" else "",
                    via=(),
                    extra=(("vendor", item.vendor),),
                )
            )
            continue
        if not trees[i]:
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.label,),
                    arrow=" <- ",
                    news=None,
                    dependency=0.0,
                    score=0.0,
                    explanation=f"the catalog names no vendor or maker of {item.product.name}",
                    kind=item.kind,
                    extra=(("product", item.product.id),),
                )
            )
            continue
        scored: list[tuple[float, _Part]] = []
        for part in trees[i]:
            factor = settings.tier_discount ** max(part.depth - 1, 0)
            scored.append((_score(news[part.vendor].risk, factor), part))
        scored.sort(key=lambda sp: (-sp[0], sp[1].depth, sp[1].vendor))
        top_score, top = scored[0]
        via = [f"{p.vendor} ({s:.2f})" for s, p in scored if s > 0]
        top_news = news[top.vendor]
        made = f" ({top.product.name})" if top.product else ""
        place = "its vendor" if top.depth == 0 else f"{top.role}{made} of {top.of}"
        rows.append(
            ExposureRow(
                name=item.label,
                tier=top.depth,
                path=top.path,
                arrow=" <- ",
                news=top_news,
                dependency=settings.tier_discount ** max(top.depth - 1, 0),
                score=top_score,
                explanation=f"most exposed through {top.vendor} ({place}): "
                + explain_news(top_news, now),
                kind=item.kind,
                role=top.role,
                via=tuple(dict.fromkeys(p.vendor for _, p in scored)),
                extra=(
                    ("vendor", item.vendor or item.product.vendor or None),
                    ("product", item.product.id),
                    ("exposed_via", list(dict.fromkeys(via))),
                ),
            )
        )
    ranked = _rank(rows)
    shown = _evidence_for_rows(data, ranked[:limit], window)
    return ExposureReport(
        question=question,
        subject=name,
        tier=1,
        window=window,
        as_of=now,
        settings=settings,
        rows=tuple(shown),
        total=len(ranked),
    )


def part_items(world: World, rows: Sequence[Mapping[str, str]]) -> list[WatchItem]:
    """The rows of a parts list (``part_number,name,vendor,category,used_in``) as items: a part
    the catalog knows (by part number or name) brings the makers of its parts along; an
    unknown vendor is kept, with a note, rather than failing the whole list."""
    items: list[WatchItem] = []
    for row in rows:
        number = row.get("part_number", "").strip()
        label = number + (f" ({row['name']})" if row.get("name") else "")
        product = world.catalog.get(number) or (
            world.catalog.get(row["name"]) if row.get("name") else None
        )
        written = row.get("vendor", "").strip()
        vendor = ""
        note = ""
        if written:
            try:
                vendor = world.resolve_vendor(written)
            except UsageError as exc:
                note = f"vendor {written!r} is not in the gazetteer ({exc})"
        if not vendor and product is not None:
            vendor = product.vendor
        if not vendor and product is None and not note:
            note = "no vendor given and the catalog does not know the part"
        items.append(WatchItem("part", label, vendor=vendor, product=product, note=note))
    return items


# --- vendor profile and graph export -----------------------------------------------------


def _counterparties(
    world: World, edges: Iterable[Edge], family: Collection[str], upstream: bool, now: datetime
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for edge in edges:
        other = edge.supplier if upstream else edge.customer
        if other in family:
            continue
        row = rows.setdefault(
            other,
            {
                "name": other,
                "declared": 0,
                "declared_products": [],
                "reported_articles": 0,
                "reported_sources": 0,
                "status": "",
                "is_current": False,
                "last_seen_at": None,
                "weight": 0.0,
                "explanation": [],
            },
        )
        row["declared"] += len(edge.declared)
        row["declared_products"] += [d.product_name for d in edge.declared]
        row["is_current"] = row["is_current"] or edge.is_current
        row["weight"] = max(row["weight"], edge.strength)
        if edge.reported is not None:
            r = edge.reported
            row["reported_articles"] += r.articles
            row["reported_sources"] += r.sources
            if row["last_seen_at"] is None or r.last_at > row["last_seen_at"]:
                row["last_seen_at"], row["status"] = r.last_at, r.status
        elif not row["status"]:
            row["status"] = "declared"
        row["explanation"].append(explain_edge(edge, now))
    for row in rows.values():
        row["declared_products"] = list(dict.fromkeys(row["declared_products"]))
        row["weight"] = round(row["weight"], 3)
        row["explanation"] = "; ".join(row["explanation"])
    return sorted(
        rows.values(),
        key=lambda r: (-r["weight"], -r["reported_articles"], -r["declared"], r["name"]),
    )


def vendor_profile(
    world: World,
    data: ExposureData,
    name: str,
    *,
    now: datetime,
    settings: ExposureSettings,
    weeks: int = 8,
    events: int = 10,
) -> dict[str, Any]:
    """A company's profile: names, kind, family, catalog products, customers and suppliers
    (declared and reported apart), recent events, mentions per week."""
    canonical = world.resolve_vendor(name, "vendors show")
    vendor = world.gazetteer.vendors[canonical]
    family = world.family(canonical)
    upstream_facts = data.relation_facts(customers=family, end=now)
    downstream_facts = data.relation_facts(suppliers=family, end=now)
    half_life = settings.half_life_days
    suppliers_graph = SupplyGraph(
        [d for m in family for d in world.declared_by_customer.get(m, ())],
        reported_links(upstream_facts, now, half_life),
    )
    customers_graph = SupplyGraph(
        [d for m in family for d in world.declared_by_supplier.get(m, ())],
        reported_links(downstream_facts, now, half_life),
    )
    start = now - timedelta(weeks=weeks)
    times = data.mention_times(family, start, now)
    per_week = [0] * weeks
    for at in times:
        index = weeks - 1 - int((now - at).total_seconds() // (7 * DAY_S))
        if 0 <= index < weeks:
            per_week[index] += 1
    recent = data.latest_events(family, now, events)
    sources = data.article_sources({e.article_id for e in recent}) if recent else {}
    recent = [replace(e, sources=sources.get(e.article_id, ())) for e in recent]
    products = sorted(
        (p for p in world.catalog.products.values() if p.vendor in family),
        key=lambda p: (p.category, p.name.casefold()),
    )
    return {
        "name": canonical,
        "legal_name": vendor.legal_name or None,
        "aliases": list(vendor.aliases),
        "tickers": list(vendor.tickers),
        "kind": vendor.kind,
        "country": vendor.country,
        "parent": vendor.parent or None,
        "subsidiaries": list(family[1:]),
        "products": [
            {"id": p.id, "name": p.name, "category": p.category, "origin": p.origin}
            for p in products
        ],
        "customers": _counterparties(
            world, customers_graph.edges.values(), family, upstream=False, now=now
        ),
        "suppliers": _counterparties(
            world, suppliers_graph.edges.values(), family, upstream=True, now=now
        ),
        "recent_events": [e.as_evidence().record() for e in recent],
        "mentions_per_week": [
            {"week_start": now - timedelta(weeks=weeks - i), "articles": n}
            for i, n in enumerate(per_week)
        ],
        "as_of": now,
    }


def graph_records(
    world: World, graph: SupplyGraph, *, current_only: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes (companies with kind and country) and links (supplier -> customer, with their kind,
    evidence counts, status, last seen and weight) of the whole supplier graph."""
    links: list[dict[str, Any]] = []
    names: set[str] = set()
    for edge in graph.edges.values():
        if current_only and not edge.is_current:
            continue
        r = edge.reported
        names |= {edge.supplier, edge.customer}
        links.append(
            {
                "source": edge.supplier,
                "target": edge.customer,
                "kind": edge.kind,
                "status": edge.status,
                "is_current": edge.is_current,
                "declared": len(edge.declared),
                "declared_products": "; ".join(dict.fromkeys(d.product for d in edge.declared))
                or None,
                "reported_articles": r.articles if r else 0,
                "reported_sources": r.sources if r else 0,
                "first_seen": r.first_at if r else None,
                "last_seen": r.last_at if r else None,
                "confidence": round(r.confidence, 3) if r else None,
                "weight": round(edge.strength, 4),
            }
        )
    nodes: list[dict[str, Any]] = []
    for name in sorted(names):
        vendor = world.gazetteer.vendors.get(name)
        nodes.append(
            {
                "id": name,
                "kind": vendor.kind if vendor else None,
                "country": (vendor.country if vendor else "") or None,
                "parent": (vendor.parent if vendor else "") or None,
            }
        )
    return nodes, links


_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _graphml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def to_graphml(nodes: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]]) -> str:
    """GraphML (directed, supplier -> customer) that networkx, Gephi and yEd read; times are
    ISO 8601 UTC strings and absent values are left out."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys: dict[tuple[str, str], str] = {}

    def declare(domain: str, rows: Sequence[Mapping[str, Any]], skip: set[str]) -> None:
        for row in rows:
            for attr, value in row.items():
                if attr in skip or value is None or (domain, attr) in keys:
                    continue
                kind = _GRAPHML_TYPES.get(type(value), "string")
                key_id = f"{domain[0]}{len(keys)}"
                keys[(domain, attr)] = key_id
                ET.SubElement(
                    root,
                    f"{{{ns}}}key",
                    {"id": key_id, "for": domain, "attr.name": attr, "attr.type": kind},
                )

    declare("node", nodes, {"id"})
    declare("edge", links, {"source", "target"})
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "suppliers", "edgedefault": "directed"})
    for node in nodes:
        element = ET.SubElement(graph, f"{{{ns}}}node", {"id": str(node["id"])})
        for attr, value in node.items():
            if attr != "id" and value is not None:
                data = ET.SubElement(element, f"{{{ns}}}data", {"key": keys[("node", attr)]})
                data.text = _graphml_value(value)
    for i, link in enumerate(links):
        element = ET.SubElement(
            graph,
            f"{{{ns}}}edge",
            {"id": f"e{i}", "source": str(link["source"]), "target": str(link["target"])},
        )
        for attr, value in link.items():
            if attr not in ("source", "target") and value is not None:
                data = ET.SubElement(element, f"{{{ns}}}data", {"key": keys[("edge", attr)]})
                data.text = _graphml_value(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


__all__ = [
    "RISK_WEIGHTS",
    "DeclaredLink",
    "Edge",
    "EventItem",
    "Evidence",
    "ExposureData",
    "ExposureReport",
    "ExposureRow",
    "RelationFacts",
    "RelationTally",
    "ReportedLink",
    "SupplyGraph",
    "VendorNews",
    "WatchItem",
    "Window",
    "World",
    "age_words",
    "answer_customer",
    "answer_product",
    "answer_supplier",
    "answer_watchlist",
    "decay",
    "declared_links",
    "explain_edge",
    "explain_news",
    "graph_records",
    "make_window",
    "news_for",
    "part_items",
    "product_tree",
    "reported_links",
    "reported_weight",
    "risk_of",
    "shorten",
    "summarize_news",
    "to_graphml",
    "vendor_profile",
]
