"""Build a synthetic tracker database for the exposure benchmark (bench/exposure_bench.py).

100,000 articles (by default) spread over two years before a fixed end date, with their source
links, vendor mentions, product mentions, supplier relations and events, generated from a fixed
seed: the same command gives the same database.

- Vendors come from config/vendors.toml. How often each is written about follows its weight in
  the catalog (products it sells or makes parts of) times a weight per kind (foundries, memory,
  OEMs and hyperscalers more than distributors and materials), with seeded noise: a long tail.
- Products come from config/catalog, named with their vendor.
- Relations mostly restate catalog links (makers of a product supplying its vendor), the rest
  pair popular vendors at random; statuses are mostly confirmed, some reported or planned, and
  about one in twelve negated.
- Events follow a realistic mix of types (launches and earnings common, disruptions rare).
- About 3% of articles have no publication date (their fetch time counts instead), and about
  15% are carried by more than one source.

Rows are written with SQLAlchemy Core bulk inserts into a schema created by the real migrations,
so every query of the tracker works on the result (the FTS index included).

Run from the repository root:

    .venv/bin/python bench/gen_corpus.py --db /tmp/tracker-bench.db
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.catalog.gazetteer import load_gazetteer  # noqa: E402
from tracker.catalog.products import load_catalog  # noqa: E402
from tracker.exposure import declared_links  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.articles import sync_vendors  # noqa: E402
from tracker.store.tables import (  # noqa: E402
    Article,
    ArticleSource,
    Event,
    EventVendor,
    Mention,
    ProductMention,
    Relation,
    Source,
)
from tracker.store.tallies import refresh_relation_links  # noqa: E402

END = datetime(2026, 11, 26, tzinfo=UTC)
KIND_WEIGHT = {
    "foundry": 3.0, "memory": 3.0, "oem": 3.0, "hyperscaler": 3.0, "ai_lab": 2.5,
    "fabless": 2.5, "idm": 2.0, "ems": 2.0, "odm": 1.5, "osat": 1.5, "equipment": 1.5,
    "automaker": 1.5, "display": 1.2, "telecom": 0.8, "passives": 0.7, "materials": 0.6,
    "distributor": 0.4,
}  # fmt: skip
CUSTOMER_KINDS = {"oem", "hyperscaler", "ai_lab", "automaker", "fabless", "idm", "telecom"}
EVENT_MIX = {
    "product_launch": 14, "capacity": 14, "earnings": 14, "design_win": 12,
    "lead_time_price": 9, "m_and_a": 6, "leadership": 6, "legal": 6, "disruption": 5,
    "shortage": 5, "quality_recall": 5, "export_control": 4,
}  # fmt: skip
STATUS_MIX = {"confirmed": 55, "reported": 25, "planned": 12, "negated": 8}
CONFIDENCE = {"confirmed": 0.85, "reported": 0.7, "planned": 0.6, "negated": 0.5}
VERBS = ("expands", "cuts", "wins", "warns on", "ships", "delays", "raises prices of", "doubles")
THINGS = ("capacity", "orders", "output", "guidance", "a new plant", "shipments", "prices", "lines")


class Weighted:
    """Seeded weighted sampling over a fixed population."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float], rng: random.Random) -> None:
        self.items = list(items)
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.rng = rng

    def one(self) -> Any:
        return self.rng.choices(self.items, cum_weights=self.cum, k=1)[0]

    def distinct(self, k: int) -> list[Any]:
        found: dict[Any, None] = {}
        for _ in range(k * 4):
            found.setdefault(self.one(), None)
            if len(found) == k:
                break
        return list(found)


def article_row(
    i: int,
    title: str,
    summary: str,
    text: str,
    *,
    published_at: datetime | None,
    fetched_at: datetime,
    vendor_ids: list[int],
) -> dict[str, Any]:
    """Generated article ``i`` as ``insert_article`` stores one (vendor ids sorted, once)."""
    return {
        "id": i,
        "canonical_url": f"https://news.example/{i}",
        "url": f"https://news.example/{i}?ref=feed",
        "title": title,
        "summary": summary,
        "text": text,
        "text_origin": "page",
        "content_hash": f"h{i}",
        "published_at": published_at,
        "fetched_at": fetched_at,
        "vendor_ids": sorted(set(vendor_ids)),
    }


def build(path: Path, articles: int, seed: int, years: float, batch: int) -> dict[str, int]:
    """Write the corpus into a new SQLite file at ``path``; returns row counts."""
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    gazetteer = load_gazetteer(ROOT / "config" / "vendors.toml")
    catalog = load_catalog(ROOT / "config" / "catalog")
    links = declared_links(catalog)
    store = Store(f"sqlite:///{path}")
    with store.session() as session:
        vendor_ids = sync_vendors(session, gazetteer)

    refs: dict[str, int] = {}
    for product in catalog.products.values():
        refs[product.vendor] = refs.get(product.vendor, 0) + 1
    for link in links:
        refs[link.supplier] = refs.get(link.supplier, 0) + 1
        refs[link.customer] = refs.get(link.customer, 0) + 1
    names = sorted(gazetteer.vendors)
    popularity = {
        n: KIND_WEIGHT.get(gazetteer.vendors[n].kind, 1.0)
        * (1 + refs.get(n, 0)) ** 0.45
        * rng.lognormvariate(0, 0.6)
        for n in names
    }
    vendors = Weighted(names, [popularity[n] for n in names], rng)
    customers = [n for n in names if gazetteer.vendors[n].kind in CUSTOMER_KINDS]
    buyers = Weighted(customers, [popularity[n] for n in customers], rng)
    # A link's weight: its two ends' popularity, shared among the customer's many links.
    per_customer: dict[str, int] = {}
    for link in links:
        per_customer[link.customer] = per_customer.get(link.customer, 0) + 1
    link_pick = Weighted(
        links,
        [
            math.sqrt(popularity[k.supplier] * popularity[k.customer] / per_customer[k.customer])
            for k in links
        ],
        rng,
    )
    products_of: dict[str, list[Any]] = {}
    for product in catalog.products.values():
        if product.vendor:
            products_of.setdefault(product.vendor, []).append(product)
    events = Weighted(list(EVENT_MIX), list(EVENT_MIX.values()), rng)
    statuses = Weighted(list(STATUS_MIX), list(STATUS_MIX.values()), rng)
    source_names = [f"source-{i:02d}" for i in range(1, 41)]
    sources = Weighted(list(range(1, 41)), [1 / (i**0.7) for i in range(1, 41)], rng)

    engine = store.engine
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            insert(Source.__table__),  # type: ignore[arg-type]
            [
                {
                    "id": i,
                    "name": name,
                    "url": f"https://{name}.example/feed.xml",
                    "kind": "feed",
                    "is_enabled": True,
                    "created_at": END - timedelta(days=800),
                    "error_count": 0,
                    "is_adaptive": False,
                    "is_failing": False,
                }
                for i, name in enumerate(source_names, 1)
            ],
        )
    words = [w for t in (VERBS, THINGS) for p in t for w in p.split()] + [
        "supply", "chain", "demand", "quarter", "customers", "analysts", "wafer", "module",
        "the", "a", "of", "in", "and", "to", "for", "on", "with", "said", "new", "year",
    ]  # fmt: skip
    filler = [
        " ".join(rng.choices(words, k=rng.randint(14, 26))).capitalize() + "." for _ in range(3000)
    ]
    span_s = years * 365.25 * 86400
    start = END - timedelta(seconds=span_s)
    counts = dict.fromkeys(
        ("articles", "article_sources", "mentions", "products", "relations", "events"), 0
    )
    event_id = 0
    rows: dict[str, list[dict[str, Any]]] = {}

    def flush() -> None:
        with engine.begin() as conn:
            for table, values in (
                (Article, rows["article"]),
                (ArticleSource, rows["article_source"]),
                (Mention, rows["mention"]),
                (ProductMention, rows["product_mention"]),
                (Relation, rows["relation"]),
                (Event, rows["event"]),
                (EventVendor, rows["event_vendor"]),
            ):
                if values:
                    conn.execute(insert(table.__table__), values)  # type: ignore[attr-defined]

    def reset() -> None:
        for key in (
            "article",
            "article_source",
            "mention",
            "product_mention",
            "relation",
            "event",
            "event_vendor",
        ):
            rows[key] = []

    reset()
    for i in range(1, articles + 1):
        # Chronological ids, as a tracker that fetches as news comes out stores them.
        at = start + timedelta(seconds=span_s * (i - rng.random()) / articles)
        named = vendors.distinct(rng.choices((1, 2, 3, 4, 5, 6), (15, 25, 25, 18, 10, 7))[0])
        relations: list[dict[str, Any]] = []
        for _ in range(rng.choices((0, 1, 2), (55, 35, 10))[0]):
            status = statuses.one()
            if rng.random() < 0.65:
                link = link_pick.one()
                supplier, customer, product = link.supplier, link.customer, link.product_name
            else:
                supplier, customer, product = vendors.one(), buyers.one(), None
                if supplier == customer:
                    continue
            for name in (supplier, customer):
                if name not in named:
                    named.append(name)
            relations.append(
                {
                    "article_id": i,
                    "supplier": supplier,
                    "customer": customer,
                    "product": product,
                    "status": status,
                    "confidence": round(min(0.95, CONFIDENCE[status] + rng.uniform(-0.15, 0.1)), 3),
                    "evidence": f"{supplier} supplies {product or 'parts'} to {customer}.",
                }
            )
        lead = named[0]
        title = f"{lead} {rng.choice(VERBS)} {rng.choice(THINGS)} as {named[-1]} demand shifts"
        said = [f"{n} {rng.choice(VERBS)} {rng.choice(THINGS)}." for n in named]
        # About 3,500 characters, the length of a trade-press story: the article rows are as
        # wide as real ones, which matters to every lookup of an article by id.
        text = " ".join(said + rng.choices(filler, k=rng.randint(20, 36)))
        has_date = rng.random() > 0.03
        rows["article"].append(
            article_row(
                i, title, " ".join(said)[:300], text,
                published_at=at if has_date else None,
                fetched_at=at + timedelta(minutes=rng.randint(5, 240)),
                vendor_ids=[vendor_ids[n] for n in named],
            )
        )  # fmt: skip
        carriers = sources.distinct(rng.choices((1, 2, 3), (85, 12, 3))[0])
        for source_id in carriers:
            rows["article_source"].append(
                {
                    "article_id": i,
                    "source_id": source_id,
                    "guid": f"g{i}",
                    "entry_url": None,
                    "seen_at": at + timedelta(minutes=5),
                }
            )
        for name in named:
            for k in range(rng.choices((1, 2, 3), (60, 28, 12))[0]):
                rows["mention"].append(
                    {
                        "article_id": i,
                        "vendor_id": vendor_ids[name],
                        "surface": name,
                        "sentence": f"{name} {rng.choice(VERBS)} {rng.choice(THINGS)} ({k}).",
                        "start": k * 40,
                        "end": k * 40 + len(name),
                    }
                )
        if rng.random() < 0.5:
            pool = [p for n in named for p in products_of.get(n, ())]
            for product in rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))):
                rows["product_mention"].append(
                    {
                        "article_id": i,
                        "catalog_id": product.id,
                        "name": product.name,
                        "vendor": product.vendor,
                        "category": product.category,
                        "surface": product.name,
                        "sentence": f"{product.vendor} said {product.name} {rng.choice(THINGS)}.",
                    }
                )
        rows["relation"] += relations
        for _ in range(rng.choices((0, 1, 2), (50, 40, 10))[0]):
            event_id += 1
            kind = events.one()
            concerned = rng.sample(named, min(len(named), rng.choice((1, 1, 2))))
            rows["event"].append(
                {
                    "id": event_id,
                    "article_id": i,
                    "type": kind,
                    "evidence": f"{concerned[0]} reports a {kind.replace('_', ' ')} event.",
                }
            )
            rows["event_vendor"] += [{"event_id": event_id, "vendor": n} for n in concerned]
        if i % batch == 0 or i == articles:
            counts["articles"] += len(rows["article"])
            counts["article_sources"] += len(rows["article_source"])
            counts["mentions"] += len(rows["mention"])
            counts["products"] += len(rows["product_mention"])
            counts["relations"] += len(rows["relation"])
            counts["events"] += len(rows["event"])
            flush()
            reset()
            print(
                f"\r{i:,} articles written ({time.perf_counter() - started:.0f} s)",
                end="",
                file=sys.stderr,
            )
    print(file=sys.stderr)
    # As after a fetch run: the links the triggers noted, summarised (migration 0022).
    refresh_relation_links(store.engine)
    store.close()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/tracker-bench.db"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=5_000, help="Articles per transaction.")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = build(args.db, args.articles, args.seed, args.years, args.batch)
    elapsed = time.perf_counter() - started
    size_mb = args.db.stat().st_size / 1e6
    print(
        f"{args.db}: {', '.join(f'{v:,} {k}' for k, v in counts.items())}; "
        f"{size_mb:.0f} MB in {elapsed:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
