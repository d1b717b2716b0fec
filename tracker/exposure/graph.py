"""Pure: the supplier graph (declared and reported links) and the names it knows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.names import product_names, vendor_names
from tracker.catalog.products import Catalog, Product
from tracker.exposure.scores import reported_weight
from tracker.models import NEGATED, shown_status


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


class RelationTally(NamedTuple):
    """Reports of one supplier link with one status: articles, first and last time, best
    confidence (the store groups relation rows by supplier, customer and status). A named
    tuple: a tier-2 question makes thousands, and a frozen dataclass takes 3 times as long
    to build."""

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


class ReportedLink(NamedTuple):
    """A supplier link as the news reports it, with its weight at some time (a named tuple:
    a tier-2 question makes 1,500, 2.5 us each as a frozen dataclass, 0.6 as this)."""

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


def reported_links(
    facts: RelationFacts, now: datetime, half_life_days: float
) -> list[ReportedLink]:
    """One ``ReportedLink`` per (supplier, customer) of ``facts``, weighed at ``now``.

    The latest report decides the status; on a tie a negation wins (the same article both
    states and denies the link: not counted as current).
    """
    # (status as shown, tally): thousands of tallies at tier 2, not copied one by one.
    tallies: dict[tuple[str, str], list[tuple[str, RelationTally]]] = {}
    for t in facts.tallies:
        shown = shown_status(t.status, t.confidence)
        if t.supplier != t.customer and shown is not None:
            tallies.setdefault((t.supplier, t.customer), []).append((shown, t))
    sources: dict[tuple[str, str], int] = {}
    for supplier, customer, count in facts.sources:
        sources[(supplier, customer)] = sources.get((supplier, customer), 0) + count
    products: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for supplier, customer, product, count in facts.products:
        if product:
            products.setdefault((supplier, customer), []).append((count, product))
    links: list[ReportedLink] = []
    for key, group in tallies.items():
        latest_status, latest = group[0]
        by_status: tuple[tuple[str, int], ...]
        if len(group) == 1:  # most links: one status
            current = latest_status != NEGATED
            articles = latest.articles
            first_at = latest.first_at
            confidence = max(0.0, latest.confidence) if current else 0.0
            last_current = latest.last_at if current else None
            by_status = ((latest_status, articles),)
        else:
            first_at = latest.first_at
            last_current = None
            confidence = 0.0
            articles = 0
            counts: dict[str, int] = {}
            for status, t in group:
                articles += t.articles
                counts[status] = counts.get(status, 0) + t.articles
                first_at = min(first_at, t.first_at)
                if (t.last_at, status == NEGATED) > (latest.last_at, latest_status == NEGATED):
                    latest_status, latest = status, t
                if status != NEGATED:
                    confidence = max(confidence, t.confidence)
                    if last_current is None or t.last_at > last_current:
                        last_current = t.last_at
            by_status = tuple((s, counts[s]) for s in sorted(counts, key=_status_order))
        n_sources = sources.get(key, 0)
        weight = 0.0
        if latest_status != NEGATED and last_current is not None:
            weight = reported_weight(confidence, n_sources, last_current, now, half_life_days)
        named = products.get(key)
        if not named:
            ranked: tuple[str, ...] = ()
        elif len(named) == 1:
            ranked = (named[0][1],)
        else:
            ranked = tuple(p for _, p in sorted(named, key=lambda cp: (-cp[0], cp[1])))
        links.append(
            ReportedLink(
                key[0],
                key[1],
                latest_status,
                articles,
                n_sources,
                first_at,
                latest.last_at,
                last_current,
                confidence,
                ranked,
                weight,
                by_status,
            )
        )
    return links


def _status_order(status: str) -> int:
    order = ("confirmed", "reported", "planned", NEGATED)
    return order.index(status) if status in order else len(order)


class Edge(NamedTuple):
    """``supplier`` supplies ``customer``: what the catalog declares and what the news reports
    (a named tuple, as ``ReportedLink``)."""

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
