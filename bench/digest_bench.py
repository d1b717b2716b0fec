"""How long a digest over one busy day takes to select and render.

    .venv/bin/python bench/digest_bench.py [--articles 10000] [--runs 5] [--seed 1] [--store]

1. Makes ``--articles`` stories fetched within one day (seeded): headlines built from a word
   list and 1-4 vendors of the gazetteer, one in eight a near-copy of another story's headline
   (another outlet), vendor mentions with their sentences, an event on two in five, a
   supplier relation on one in six, a product on one in four.
2. Times ``select_digest`` (watchlist matching, de-duplication across outlets, grouping,
   what changed) and ``render_digest`` (subject, text, HTML through Jinja2, CSS inlined) for
   two digests: a watchlist of 10 vendors, 2 event types and 2 keywords, and an empty
   watchlist (every story; the most work). Prints the median and the worst of ``--runs``.
3. With ``--store``: stores the stories in a temporary SQLite database and also times reading
   them back for the period (``tracker.store.digests.digest_input``), which `tracker digest`
   does before selecting.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.catalog.gazetteer import load_gazetteer  # noqa: E402
from tracker.catalog.products import load_catalog  # noqa: E402
from tracker.catalog.watch import watch_items  # noqa: E402
from tracker.config import Watchlist  # noqa: E402
from tracker.digest.records import (  # noqa: E402
    DigestInput,
    EventRecord,
    MentionRecord,
    Period,
    ProductRecord,
    RelationRecord,
    StoryRecord,
)
from tracker.digest.render import render_digest  # noqa: E402
from tracker.digest.select import cluster_titles, select_digest  # noqa: E402
from tracker.digest.settings import DigestSpec  # noqa: E402
from tracker.models import EVENT_TYPES  # noqa: E402

END = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
PERIOD = Period("2026-11-26", END, END - timedelta(days=1), END, "Europe/Berlin")
SYLLABLES = [
    "ka",
    "to",
    "ri",
    "ne",
    "su",
    "mo",
    "ha",
    "chi",
    "la",
    "ve",
    "po",
    "ga",
    "de",
    "mi",
    "ru",
    "so",
]
PRODUCTS = [("HBM4", "hbm4", "memory"), ("CoWoS", "tsmc-cowos", "packaging"), ("N2", None, None)]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    """``size`` made-up words, most frequent first."""
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4)))] = None
    return list(words)


def make_stories(count: int, vendors: list[str], rng: random.Random) -> list[StoryRecord]:
    """``count`` stories of one day; about one in eight re-reports an earlier headline.

    Headline words follow Zipf's law over 5,000 words (s = 1.07, as news headlines do), so
    a few words ("chip", "AI", "prices") are in a large share of them.
    """
    words_by_rank = vocabulary(5000, rng)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words_by_rank))]

    def some_words(n: int) -> list[str]:
        return list(dict.fromkeys(rng.choices(words_by_rank, weights, k=n)))

    stories: list[StoryRecord] = []
    for i in range(count):
        named = rng.sample(vendors, rng.randint(1, 4))
        if stories and rng.random() < 0.125:
            words = stories[rng.randrange(len(stories))].title.split()
            words[rng.randrange(1, len(words))] = some_words(1)[0]
            title = " ".join(words)
        else:
            title = f"{named[0]} {' '.join(some_words(rng.randint(6, 10)))}"
        sentences = [f"{v} {' '.join(some_words(14))}." for v in named]
        at = END - timedelta(seconds=rng.randrange(86_400))
        stories.append(
            StoryRecord(
                article_id=i + 1,
                title=title,
                url=f"https://news{i % 40}.example/articles/{i}.html",
                sources=(f"outlet{i % 40}",),
                published_at=at,
                fetched_at=at,
                content_hash=f"{i:064x}",
                summary=sentences[0],
                mentions=tuple(
                    MentionRecord(v, v, s) for v, s in zip(named, sentences, strict=True)
                ),
                products=tuple(
                    ProductRecord(p[0], p[1], p[2], p[0], sentences[0])
                    for p in ([rng.choice(PRODUCTS)] if rng.random() < 0.25 else [])
                ),
                events=tuple(
                    EventRecord(rng.choice(EVENT_TYPES), (named[0],), sentences[0])
                    for _ in range(1 if rng.random() < 0.4 else 0)
                ),
                relations=tuple(
                    RelationRecord(named[0], named[-1], None, "confirmed", sentences[-1])
                    for _ in range(1 if len(named) > 1 and rng.random() < 1 / 6 else 0)
                ),
            )
        )
    return stories


def time_digest(spec: DigestSpec, data: DigestInput, items: list, runs: int) -> dict[str, float]:  # type: ignore[type-arg]
    """Median and worst seconds of select + render over ``runs``."""
    totals, selects = [], []
    digest = None
    for _ in range(runs):
        start = time.perf_counter()
        digest = select_digest(spec, PERIOD, items, data)
        selected = time.perf_counter()
        render_digest(digest, unsubscribe="mailto:digest@example.com")
        done = time.perf_counter()
        selects.append(selected - start)
        totals.append(done - start)
    assert digest is not None
    return {
        "select_s": statistics.median(selects),
        "total_s": statistics.median(totals),
        "worst_s": max(totals),
        "stories": digest.story_count,
        "groups": len(digest.groups),
    }


def time_store(stories: list[StoryRecord]) -> float:
    """Seconds to read the period back from a SQLite store holding ``stories``."""
    from tracker.store import Store
    from tracker.store import digests as store_digests
    from tracker.store.tables import (
        Article,
        ArticleSource,
        Event,
        EventVendor,
        Mention,
        Source,
        Vendor,
    )

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        with store.session() as session:
            sources = {
                f"outlet{i}": Source(
                    name=f"outlet{i}", url=f"https://news{i}.example/feed", created_at=END
                )
                for i in range(40)
            }
            session.add_all(sources.values())
            names = sorted({m.vendor for s in stories for m in s.mentions})
            vendor_rows = {n: Vendor(name=n, kind="x") for n in names}
            session.add_all(vendor_rows.values())
            session.flush()
            for s in stories:
                session.add(
                    Article(
                        id=s.article_id,
                        canonical_url=s.url,
                        url=s.url,
                        title=s.title,
                        summary=s.summary,
                        content_hash=s.content_hash,
                        published_at=s.published_at,
                        fetched_at=s.fetched_at,
                    )
                )
            session.flush()
            for s in stories:
                session.add(
                    ArticleSource(
                        article_id=s.article_id,
                        source_id=sources[s.sources[0]].id or 0,
                        guid=s.url,
                        seen_at=s.fetched_at,
                    )
                )
                for m in s.mentions:
                    session.add(
                        Mention(
                            article_id=s.article_id,
                            vendor_id=vendor_rows[m.vendor].id or 0,
                            surface=m.surface,
                            sentence=m.sentence,
                            start=0,
                            end=len(m.surface),
                        )
                    )
                for e in s.events:
                    event = Event(article_id=s.article_id, type=e.type, evidence=e.evidence)
                    session.add(event)
                    session.flush()
                    session.add(EventVendor(event_id=event.id or 0, vendor=e.vendors[0]))
        start = time.perf_counter()
        with store.session() as session:
            data = store_digests.digest_input(session, PERIOD)
        elapsed = time.perf_counter() - start
        assert len(data.stories) == len(stories)
        store.close()
        return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", action="store_true", help="also time reading from SQLite")
    args = parser.parse_args()
    gazetteer = load_gazetteer(ROOT / "config" / "vendors.toml")
    catalog = load_catalog(ROOT / "config" / "catalog")
    rng = random.Random(args.seed)
    vendors = sorted(gazetteer.vendors)
    stories = make_stories(args.articles, vendors, rng)
    pairs = {(r.supplier, r.customer) for s in stories for r in s.relations}
    data = DigestInput(
        stories=stories,
        known_pairs=frozenset(list(pairs)[: len(pairs) // 2]),
        vendor_articles={v: rng.randint(0, 60) for v in vendors},
        baseline_articles={v: rng.randint(0, 200) for v in vendors},
        has_baseline=True,
    )
    watchlist = Watchlist(
        vendors=tuple(rng.sample(vendors, 10)),
        event_types=("disruption", "export_control"),
        keywords=("kato", "rine"),
    )
    base = DigestSpec("bench", ("a@example.com",))
    merged = len(set(cluster_titles([s.title for s in stories], [s.content_hash for s in stories])))
    print(
        f"{args.articles} articles fetched in one day ({merged} stories once copies are merged), "
        f"{args.runs} runs each"
    )
    for label, spec in (
        ("watchlist of 14 items", replace(base, watchlist=watchlist)),
        ("empty watchlist (every story)", base),
    ):
        items = watch_items(spec.watchlist, gazetteer, catalog)
        figures = time_digest(spec, data, items, args.runs)
        print(
            f"  {label}: select {figures['select_s']:.3f} s, select + render "
            f"{figures['total_s']:.3f} s median ({figures['worst_s']:.3f} s worst); "
            f"{figures['stories']} stories shown in {figures['groups']} groups"
        )
    if args.store:
        print(f"  reading the period from SQLite: {time_store(stories):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
