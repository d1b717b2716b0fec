"""Pure: text in, mentions out. No network, no database."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker.catalog.attributions import AttributionSource, load_attributions
from tracker.catalog.gazetteer import Gazetteer, load_gazetteer, with_user_vendors
from tracker.catalog.products import Catalog, Product, load_catalog
from tracker.extract.candidates import find_candidates
from tracker.extract.events import find_events
from tracker.extract.language import detect_language, grammar_language
from tracker.extract.products import ProductMatcher, reported
from tracker.extract.relations import RelationFinder, document_subject
from tracker.extract.sentences import sentence_spans
from tracker.extract.supply_order import SupplyOrder
from tracker.extract.vendors import VendorMatcher
from tracker.models import Extraction

# CPU seconds the extraction of one article may take (its text is bounded too, see
# ``tracker.parse.text.bounded_text``): the steps left when it is spent are skipped and the
# article is stored with a note, rather than stalling the fetch.
ARTICLE_BUDGET_S = 20.0

__all__ = [
    "ARTICLE_BUDGET_S",
    "Extractor",
    "ExtractorRecipe",
    "VendorMatcher",
    "extract_text",
    "load_extractor",
]


class Extractor:
    """Every extractor over one gazetteer, catalog and list of outlets. Build once, reuse."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        catalog: Catalog | None = None,
        attributions: Iterable[AttributionSource] = (),
    ) -> None:
        self.gazetteer = gazetteer
        self.catalog = catalog or Catalog()
        self.vendors = VendorMatcher(gazetteer, list(attributions))
        self.products = ProductMatcher(self.catalog, gazetteer)
        self.parents = {v.name: v.parent for v in gazetteer.vendors.values() if v.parent}
        self.makers = known_makers(self.catalog)
        self.order = SupplyOrder({v.name: v.kind for v in gazetteer.vendors.values()}, self.parents)
        self.relations = RelationFinder(self.parents, self.makers, self.order)

    def extract(
        self,
        title: str | None,
        text: str,
        published_at: datetime | None = None,
        budget_s: float | None = None,
    ) -> Extraction:
        """Vendors, products, relations, events and unknown companies of one article.

        ``published_at``, when known, dates the events: what the article recalls from
        years before is not news. ``budget_s``: CPU seconds the article may take; the steps
        not begun when it is spent are left out, and the extraction's note says which."""
        started = time.thread_time()
        document = f"{title}\n{text}" if title else text
        spans = sentence_spans(document)
        language = detect_language(document)
        mentions, attributions = self.vendors.scan(document, spans, language)
        extraction = Extraction(mentions=mentions)

        def spent(step: str) -> bool:
            if budget_s is None or time.thread_time() - started <= budget_s:
                return False
            extraction.note = (
                f"extraction stopped before {step}: over its budget of {budget_s:g} s CPU"
            )
            return True

        if spent("products"):
            return extraction
        products = self.products.find(document, spans, mentions)
        extraction.products = reported(products, self.catalog)
        if spent("relations"):
            return extraction
        extraction.relations = self.relations.find(
            document, spans, mentions, products, attributions, grammar_language(language)
        )
        if spent("events"):
            return extraction
        extraction.events = find_events(
            document,
            spans,
            mentions,
            attributions,
            published_at.date() if published_at else None,
            document_subject(spans, mentions, products),
        )
        if spent("unknown companies"):
            return extraction
        known = [(m.start, m.end) for m in mentions] + [(a.start, a.end) for a in attributions]
        extraction.candidates = find_candidates(document, spans, known)
        return extraction


def known_makers(catalog: Catalog) -> dict[str, set[str]]:
    """Companies known to make parts of each entry: its own makers, its parent's, and for a
    family without makers of its own, those of its members."""
    direct = {p.id: {m.vendor for m in p.makers} for p in catalog.products.values()}
    children: dict[str, set[str]] = {}
    for product in catalog.products.values():
        if product.parent:
            children.setdefault(product.parent, set()).update(direct[product.id])
    makers: dict[str, set[str]] = {}
    for product in catalog.products.values():
        found = set(direct[product.id])
        if product.parent:
            found |= direct.get(product.parent, set())
        if not direct[product.id]:
            found |= children.get(product.id, set())
        if found:
            makers[product.id] = found
    return makers


def extract_text(
    extractor: Extractor,
    title: str | None,
    text: str,
    published_at: datetime | None = None,
    budget_s: float | None = None,
) -> Extraction:
    """Run every extractor over an article's headline and body (see ``Extractor.extract``)."""
    return extractor.extract(title, text, published_at, budget_s)


@dataclass(frozen=True)
class ExtractorRecipe:
    """What an Extractor is built from; small and picklable, for worker processes."""

    vendors_file: Path
    catalog_dir: Path | None = None
    attributions_file: Path | None = None
    extra_vendors: tuple[dict[str, object], ...] = ()
    extra_products: tuple[Product, ...] = ()

    def build(self) -> Extractor:
        """Load the files and build the extractor."""
        return load_extractor(
            self.vendors_file,
            self.catalog_dir,
            self.attributions_file,
            self.extra_vendors,
            self.extra_products,
        )


def load_extractor(
    vendors_file: Path,
    catalog_dir: Path | None = None,
    attributions_file: Path | None = None,
    extra_vendors: Iterable[dict[str, object]] = (),
    extra_products: Iterable[Product] = (),
) -> Extractor:
    """An extractor from the configuration files, plus the user's own vendors and parts."""
    gazetteer = load_gazetteer(vendors_file)
    extra = list(extra_vendors)
    if extra:
        gazetteer = with_user_vendors(
            gazetteer, extra, origin=f"gazetteer: {vendors_file} + user vendors"
        )
    catalog = load_catalog(catalog_dir) if catalog_dir else Catalog()
    catalog = catalog.merged(extra_products)
    attributions = load_attributions(attributions_file) if attributions_file else []
    return Extractor(gazetteer, catalog, attributions)
