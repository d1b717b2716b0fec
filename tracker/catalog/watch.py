"""Pure: a watchlist's names resolved against the gazetteer and the catalog.

One ``[[watchlists]]`` table serves both of its readers: `tracker exposure --watchlist`
ranks its vendors and products (and a parts list's rows, made into items of their own), a
digest follows every item. A vendor is named by its canonical name or any alias, a product
by catalog id, name, alias or part number, as the CLI resolves names
(``tracker.catalog.names``); an unknown name is a ConfigError with the closest known one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.names import product_names, vendor_names
from tracker.catalog.products import CATEGORIES, Catalog, Product
from tracker.config import Watchlist
from tracker.errors import ConfigError


@dataclass(frozen=True, slots=True)
class WatchItem:
    """One resolved line of a watchlist (or of a parts list)."""

    kind: str  # vendor | product | category | event_type | keyword | all | part
    label: str  # the canonical name, or the line as the user wrote it (parts)
    keys: frozenset[str] = frozenset()  # the case-folded forms a story matches it by
    vendor: str = ""  # canonical vendor (vendors, products, parts)
    product: Product | None = field(default=None, compare=False)  # catalog entry, if any
    note: str = ""  # why nothing could be resolved (parts)


def watch_items(watchlist: Watchlist, gazetteer: Gazetteer, catalog: Catalog) -> list[WatchItem]:
    """The watchlist resolved, in a stable order: vendors, products, categories, keywords,
    event types (each as listed); a product covers its variants (an entry's children); two
    names of one vendor or product (TSMC, 台積電) make one item. An empty watchlist is one
    item of kind "all" (a digest then follows every story)."""
    where = f"config: watchlist {watchlist.name!r}"
    items: list[WatchItem] = []
    vendors = vendor_names(gazetteer)
    for name in watchlist.vendors:
        canonical = vendors.find(name)
        if canonical is None:
            raise ConfigError(
                f"{where} vendors: {name!r} is not in the gazetteer"
                f"{vendors.hint(name)} (or add it: tracker vendors add)"
            )
        items.append(WatchItem("vendor", canonical, frozenset({canonical.casefold()}), canonical))
    products = product_names(catalog)
    for name in watchlist.products:
        product_id = products.find(name)
        if product_id is None:
            raise ConfigError(
                f"{where} products: {name!r} is not in the catalog{products.hint(name)}"
            )
        product = catalog.products[product_id]
        keys = {product.id.casefold(), product.name.casefold()}
        todo = [product.id]
        while todo:
            for child in catalog.children(todo.pop()):
                if child.id.casefold() not in keys:
                    keys |= {child.id.casefold(), child.name.casefold()}
                    todo.append(child.id)
        items.append(WatchItem("product", product.name, frozenset(keys), product.vendor, product))
    for category in watchlist.categories:
        if category not in CATEGORIES:
            raise ConfigError(
                f"{where} categories: {category!r} is not a catalog category "
                f"({', '.join(sorted(CATEGORIES))})"
            )
        items.append(WatchItem("category", category, frozenset({category})))
    for keyword in watchlist.keywords:
        items.append(WatchItem("keyword", keyword, frozenset({keyword.casefold()})))
    for event_type in watchlist.event_types:
        items.append(WatchItem("event_type", event_type, frozenset({event_type})))
    if not items:
        items.append(WatchItem("all", "All stories"))
    return list(dict.fromkeys(items))
