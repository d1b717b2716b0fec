"""Load rate, size and full-text search latency of the store at 1,000,000 articles.

For each backend (SQLite, PostgreSQL), a fresh database gets its schema from the real migrations
(``Store(url)``) and is filled with generated articles through SQLAlchemy Core bulk inserts,
5,000 articles per transaction, the full-text index kept up to date as rows go in (FTS5 triggers
on SQLite, the generated ``search`` tsvector and the article's vendor list in one GIN index on
PostgreSQL). The figures:

- load rate: articles per second of database time (the inserts and their commits; generating
  the rows in Python is timed apart), and with the post-load upkeep (PostgreSQL: VACUUM ANALYZE,
  which autovacuum would do on its own soon after such a load; SQLite needs none);
- database size: the file plus its WAL on SQLite, ``pg_database_size`` on PostgreSQL, with the
  full-text index on its own;
- search latency, p50 and p95 per kind of search (CASES: unfiltered common and rare words,
  phrases, a vendor filter, a date range, both), run in ``--runs`` rounds after one untimed
  round. "ours" is ``search_articles(session, parse_query(q), vendors=, since=, until=,
  limit=20)`` in a session of its own, as `tracker search` does; "bare" is one hand-written SQL
  statement following the same algorithm with the same filters (the newest CANDIDATES matches,
  ranked, the 20 best, their snippet or headline and vendor and source names) on a raw DBAPI
  connection (sqlite3, psycopg) kept open. The ratio ours/bare is the overhead of our layer.
  Every search's 20 ids are checked to be the same both ways.

Articles (fixed seed): about 300 words (log-normal, 80 to 1,200), over the two years before
2026-11-26 (3% without a publication date), chronological ids. Words are drawn from a Zipf law
over the vocabulary of the hand-written gold articles (fixtures/gold) followed by a long tail of
60,000 made-up words, plus one to three topics per article whose words come in bursts (export
controls, HBM, tariffs, ...), so that the query words are in 1% to 34% of the articles; and the
names of the 1 to 6 vendors the article mentions (Mention rows, 1 to 3 per vendor), picked as in
bench/gen_corpus.py: in proportion to their weight in the catalog, with seeded noise (Apple in
about 13% of the articles, TSMC in 3%).

PostgreSQL: a throwaway database ``tracker_bench_<hex>`` is created through the admin database
(``--pg-admin``, trust auth) and dropped at the end unless ``--keep``. SQLite: a file under /tmp,
deleted at the end unless ``--keep``.

Run from the repository root:

    .venv/bin/python bench/store_bench.py                                 # 1,000,000, both
    .venv/bin/python bench/store_bench.py --articles 50000 --backend sqlite --per-query
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sqlite3
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen_corpus import END, KIND_WEIGHT, Weighted, article_row  # noqa: E402
from tracker.catalog.gazetteer import load_gazetteer  # noqa: E402
from tracker.catalog.products import load_catalog  # noqa: E402
from tracker.exposure import declared_links  # noqa: E402
from tracker.query import parse_query, to_fts5, to_tsquery  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.articles import sync_vendors  # noqa: E402
from tracker.store.search import HIGHLIGHT_END, HIGHLIGHT_START, search_articles  # noqa: E402

try:
    from tracker.store.search import CANDIDATES, RECENT_IDS
except ImportError:  # code from before bounded candidates: measure it with --rank-all
    CANDIDATES = RECENT_IDS = 0
try:
    from tracker.store.search import PHRASE_ROWS, WINDOW_GROWTH
    from tracker.store.search import WINDOWS as ID_WINDOWS
except ImportError:  # code from before the windows of ids
    PHRASE_ROWS, WINDOW_GROWTH, ID_WINDOWS = 0, 8, 1
try:
    from tracker.store.search import WORD_PAIRS
except ImportError:  # code from before the index of adjacent word pairs (migration 0021)
    WORD_PAIRS = ""
from tracker.store.tables import Article, ArticleSource, Mention, Source  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"

# Topics whose words come in bursts: an article about export controls says "export" and
# "controls" several times. Topic popularity falls off with its rank here.
TOPICS = [
    ["AI", "servers", "accelerators", "GPUs", "racks", "cluster", "inference"],
    ["capacity", "expansion", "plant", "capex", "greenfield", "investment"],
    ["earnings", "revenue", "guidance", "margin", "quarter", "forecast", "profit"],
    ["prices", "price", "hikes", "contract", "spot", "wafer"],
    ["HBM", "DRAM", "NAND", "HBM3E", "stacks", "bandwidth", "memory"],
    ["smartphone", "handset", "iPhone", "foldable", "camera", "demand"],
    ["wafer", "wafers", "2nm", "3nm", "node", "yields", "fab"],
    ["CoWoS", "packaging", "interposer", "substrate", "substrates", "chiplets"],
    ["export", "controls", "licence", "sanctions", "entity", "restrictions"],
    ["tariffs", "tariff", "duties", "customs", "exemption", "levy"],
    ["shortage", "shortages", "allocation", "constrained", "backlog"],
    ["lead", "times", "weeks", "orders", "backlog", "delivery"],
    ["inventory", "inventories", "destocking", "channel", "correction"],
    ["EV", "automotive", "battery", "inverters", "SiC", "ADAS"],
    ["power", "modules", "GaN", "SiC", "converters", "supplies"],
    ["acquisition", "merger", "deal", "takeover", "stake", "antitrust"],
    ["EUV", "lithography", "scanners", "reticle", "High-NA"],
    ["laptops", "PCs", "notebook", "Windows", "Copilot"],
    ["OLED", "panels", "LCD", "microLED", "display"],
    ["optical", "transceivers", "switches", "Ethernet", "800G", "photonics"],
    ["subsidy", "subsidies", "CHIPS", "grant", "incentives", "Act"],
    ["lawsuit", "patent", "infringement", "court", "ruling", "settlement"],
    ["MLCC", "MLCCs", "capacitors", "inductors", "resistors"],
    ["CEO", "resigns", "appointed", "chairman", "succession"],
    ["freight", "shipping", "port", "container", "airfreight"],
    ["recall", "defect", "defects", "safety", "fire", "batteries"],
    ["strike", "union", "workers", "layoffs", "wages", "walkout"],
    ["gallium", "germanium", "neon", "cobalt", "lithium", "rare", "earths"],
    ["earthquake", "flood", "typhoon", "outage", "evacuated"],
]

# One- and two-word queries (two words: both must appear), common to rare.
QUERIES = [
    "shortage", "HBM", "export controls", "capacity", "CoWoS", "lead times", "tariffs",
    "wafer prices", "recall", "earnings guidance", "EUV", "AI servers", "inventory",
    "smartphone demand", "layoffs", "acquisition", "2nm", "substrate", "power modules",
    "earthquake",
]  # fmt: skip
# Vendor filters, busy to quiet (a vendor's subsidiaries count as the vendor).
VENDORS = [
    "Apple", "TSMC", "Nvidia", "Samsung Electronics", "Intel", "SK hynix", "Foxconn", "Micron",
    "ASML", "Qualcomm",
]  # fmt: skip
# Date ranges (since, until), cycled over the queries.
WINDOWS = [
    (END - timedelta(days=30), END),
    (END - timedelta(days=90), END),
    (END - timedelta(days=365), END),
    (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC)),
]


@dataclass(frozen=True, slots=True)
class Case:
    """One search: a query, optionally a vendor filter and a date range, and its kind."""

    kind: str
    query: str
    vendor: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def label(self) -> str:
        dates = f"{self.since:%Y-%m-%d}..{self.until:%Y-%m-%d}" if self.since else "-"
        return f"{self.query} | {self.vendor or '-'} | {dates}"


# Unfiltered common words (capacity: a third of the articles), unfiltered rare words, phrases
# (both words are common, next to each other rarely), one filter of each kind, then both.
CASES = [
    *(Case("common", q) for q in ("capacity", "shortage", "earnings", "AI")),
    *(Case("rare", q) for q in ("layoffs", "earthquake", "gallium", "recall")),
    *(
        Case("phrase", q)
        for q in ('"lead times"', '"export controls"', '"power modules"', '"capacity expansion"')
    ),
    Case("vendor", "capacity", "Apple"),
    Case("vendor", "HBM", "SK hynix"),
    Case("vendor", "tariffs", "TSMC"),
    Case("vendor", "earthquake", "Samsung Electronics"),
    Case("date", "capacity", None, *WINDOWS[3]),
    Case("date", "shortage", None, *WINDOWS[0]),
    Case("date", "export controls", None, *WINDOWS[2]),
    Case("date", "layoffs", None, *WINDOWS[1]),
    *(
        Case("vendor+date", q, VENDORS[i % len(VENDORS)], *WINDOWS[i % len(WINDOWS)])
        for i, q in enumerate(QUERIES)
    ),
]
KINDS = list(dict.fromkeys(case.kind for case in CASES))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
              "br", "ch", "cl", "dr", "gr", "pl", "pr", "sh", "st", "tr"]  # fmt: skip
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng"]
    words: list[str] = []
    seen = set(taken)
    while len(words) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.choice((1, 2, 2, 3)))
        )
        if len(word) > 3 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Corpus:
    """Generated articles, their sources and vendor mentions, the same for a given seed."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.seed = seed
        self.gazetteer = load_gazetteer(ROOT / "config" / "vendors.toml")
        catalog = load_catalog(ROOT / "config" / "catalog")
        # Vendor popularity as in gen_corpus.py: kind weight x catalog references, with noise.
        refs: dict[str, int] = {}
        for product in catalog.products.values():
            refs[product.vendor] = refs.get(product.vendor, 0) + 1
        for link in declared_links(catalog):
            refs[link.supplier] = refs.get(link.supplier, 0) + 1
            refs[link.customer] = refs.get(link.customer, 0) + 1
        names = sorted(self.gazetteer.vendors)
        popularity = [
            KIND_WEIGHT.get(self.gazetteer.vendors[n].kind, 1.0)
            * (1 + refs.get(n, 0)) ** 0.45
            * rng.lognormvariate(0, 0.6)
            for n in names
        ]
        self.vendor_names = names
        self.vendor_weights = popularity
        # Background vocabulary: the gold articles' words by frequency (vendor names left to
        # the mentions), then a long tail of made-up words; Zipf-Mandelbrot weights.
        counts: Counter[str] = Counter()
        surface: dict[str, Counter[str]] = {}
        vendor_words = {w.lower() for n in names for w in re.findall(r"\w+", n)}
        with (ROOT / "fixtures" / "gold" / "articles.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                for word in re.findall(r"\w[\w'-]*\w|\w", record["title"] + " " + record["text"]):
                    key = word.lower()
                    if key in vendor_words:
                        continue
                    counts[key] += 1
                    surface.setdefault(key, Counter())[word] += 1
        real = [surface[k].most_common(1)[0][0] for k, _ in counts.most_common()]
        words = real + _made_up_words(rng, 60_000, set(counts))
        self.words = words
        self.cum: list[float] = []
        total = 0.0
        for rank in range(len(words)):
            total += 1 / (rank + 2.7)
            self.cum.append(total)
        self.topic_weights = [1 / (i + 2) ** 0.6 for i in range(len(TOPICS))]

    def batches(
        self, articles: int, batch: int, vendor_ids: dict[str, int]
    ) -> Iterator[dict[str, list[dict[str, Any]]]]:
        """Rows to insert, ``batch`` articles at a time: article, article_source, mention."""
        rng = random.Random(self.seed + 1)
        vendors = Weighted(self.vendor_names, self.vendor_weights, rng)
        topics = Weighted(list(range(len(TOPICS))), self.topic_weights, rng)
        sources = Weighted(list(range(1, 41)), [1 / (i**0.7) for i in range(1, 41)], rng)
        span_s = 2 * 365.25 * 86400
        start = END - timedelta(seconds=span_s)
        rows: dict[str, list[dict[str, Any]]] = {"article": [], "article_source": [], "mention": []}
        for i in range(1, articles + 1):
            at = start + timedelta(seconds=span_s * (i - rng.random()) / articles)
            named = vendors.distinct(rng.choices((1, 2, 3, 4, 5, 6), (15, 25, 25, 18, 10, 7))[0])
            chosen = topics.distinct(rng.choices((1, 2, 3), (50, 35, 15))[0])
            size = int(min(1200, max(80, rng.lognormvariate(math.log(290), 0.35))))
            tokens = rng.choices(self.words, cum_weights=self.cum, k=size)
            for topic in chosen:
                bag = TOPICS[topic]
                for _ in range(rng.randint(2, 8)):
                    # The first words of a topic come up most.
                    tokens[rng.randrange(size)] = bag[min(len(bag) - 1, int(rng.expovariate(0.7)))]
            times = [rng.choices((1, 2, 3), (60, 28, 12))[0] for _ in named]
            for name, k in zip(named, times, strict=True):
                for _ in range(k):
                    tokens[rng.randrange(size)] = name
            tokens[0] = named[0]
            sentences: list[str] = []
            pos = 0
            while pos < size:
                step = rng.randint(8, 28)
                sentence = " ".join(tokens[pos : pos + step])
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
                pos += step
            paragraphs: list[str] = []
            while sentences:
                take = rng.randint(2, 5)
                paragraphs.append(" ".join(sentences[:take]))
                del sentences[:take]
            text = "\n".join(paragraphs)
            bag = TOPICS[chosen[0]]
            title_words = rng.choices(self.words[:2000], k=rng.randint(4, 9))
            title_words.insert(rng.randrange(len(title_words) + 1), rng.choice(bag))
            title = f"{named[0]} {' '.join(title_words)}"
            has_date = rng.random() > 0.03
            rows["article"].append(
                article_row(
                    i, title, paragraphs[0][:300], text,
                    published_at=at if has_date else None,
                    fetched_at=at + timedelta(minutes=rng.randint(5, 240)),
                    vendor_ids=[vendor_ids[name] for name in named],
                )
            )  # fmt: skip
            for source_id in sources.distinct(rng.choices((1, 2, 3), (85, 12, 3))[0]):
                rows["article_source"].append(
                    {
                        "article_id": i,
                        "source_id": source_id,
                        "guid": f"g{i}",
                        "entry_url": None,
                        "seen_at": at + timedelta(minutes=5),
                    }
                )
            for name, k in zip(named, times, strict=True):
                first = text.find(name)
                for j in range(k):
                    rows["mention"].append(
                        {
                            "article_id": i,
                            "vendor_id": vendor_ids[name],
                            "surface": name,
                            "sentence": text[max(0, first - 60) : first + 120],
                            "start": first + j,
                            "end": first + j + len(name),
                        }
                    )
            if i % batch == 0 or i == articles:
                yield rows
                rows = {"article": [], "article_source": [], "mention": []}


@dataclass
class Backend:
    """One database under test: its URL, how to open a bare connection, how big it is."""

    name: str
    url: str
    store: Store
    cleanup: Callable[[], None]
    path: Path | None = None
    pg_conninfo: str = ""


def open_backend(name: str, args: argparse.Namespace) -> Backend:
    """Create an empty database for ``name`` (or open the kept one) with an up-to-date schema."""
    if name == "sqlite":
        path = Path(args.sqlite_path)

        def drop_file() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)

        if not args.reuse:
            drop_file()
        elif not path.exists():
            raise SystemExit(f"{path} not found: build it first with --keep")
        return Backend(name, f"sqlite:///{path}", Store(f"sqlite:///{path}"), drop_file, path)
    db = args.pg_db or f"tracker_bench_{uuid.uuid4().hex[:10]}"
    if not args.reuse:
        with psycopg.connect(args.pg_admin, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db}"')
    conninfo = f"{args.pg_admin.rsplit('/', 1)[0]}/{db}"

    def drop_db() -> None:
        with psycopg.connect(args.pg_admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    url = conninfo.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        store = Store(url)
    except BaseException:
        if not args.reuse:
            drop_db()
        raise
    return Backend(name, url, store, drop_db, None, conninfo)


def load(backend: Backend, corpus: Corpus, articles: int, batch: int) -> dict[str, Any]:
    """Fill the database; returns counts and timings."""
    engine = backend.store.engine
    with backend.store.session() as session:
        vendor_ids = sync_vendors(session, corpus.gazetteer)
    with engine.begin() as conn:
        conn.execute(
            insert(Source.__table__),  # type: ignore[arg-type]
            [
                {
                    "id": i,
                    "name": f"source-{i:02d}",
                    "url": f"https://source-{i:02d}.example/feed.xml",
                    "kind": "feed",
                    "is_enabled": True,
                    "created_at": END - timedelta(days=800),
                    "error_count": 0,
                    "is_adaptive": False,
                    "is_failing": False,
                }
                for i in range(1, 41)
            ],
        )
    counts = {"articles": 0, "article_sources": 0, "mentions": 0}
    db_s = gen_s = index_s = 0.0
    copy_conn = None
    deferred: list[str] = []
    if backend.name == "postgresql":
        # COPY, with the secondary indexes built once after the load rather than kept up to
        # date row by row (the GIN index above all): the same tables and indexes as the
        # migrations give (the triggers and foreign key checks run as rows go in), in a
        # fraction of the time.
        copy_conn = psycopg.connect(backend.pg_conninfo)
        deferred = [
            row[1]
            for row in copy_conn.execute(
                """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index AS i
                WHERE i.indrelid IN ('article'::regclass, 'article_source'::regclass,
                                     'mention'::regclass)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c
                                  WHERE c.conindid = i.indexrelid)
                ORDER BY 1"""
            ).fetchall()
        ]
        names = [d.split(" INDEX ", 1)[1].split(" ON ", 1)[0] for d in deferred]
        for index in names:
            copy_conn.execute(f"DROP INDEX {index}")
        copy_conn.commit()
    started = time.perf_counter()
    generated = corpus.batches(articles, batch, vendor_ids)
    while True:
        t0 = time.perf_counter()
        rows = next(generated, None)
        gen_s += time.perf_counter() - t0
        if rows is None:
            break
        t0 = time.perf_counter()
        if copy_conn is not None:
            with copy_conn.transaction(), copy_conn.cursor() as cur:
                for name in ("article", "article_source", "mention"):
                    values = rows[name]
                    columns = list(values[0])
                    quoted = ", ".join(f'"{c}"' for c in columns)
                    with cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                        for value in values:
                            copy.write_row([value[c] for c in columns])
        else:
            with engine.begin() as conn:
                for table, values in (
                    (Article, rows["article"]),
                    (ArticleSource, rows["article_source"]),
                    (Mention, rows["mention"]),
                ):
                    conn.execute(insert(table.__table__), values)  # type: ignore[attr-defined]
        db_s += time.perf_counter() - t0
        counts["articles"] += len(rows["article"])
        counts["article_sources"] += len(rows["article_source"])
        counts["mentions"] += len(rows["mention"])
        print(
            f"\r{backend.name}: {counts['articles']:,} articles, "
            f"{counts['articles'] / db_s:,.0f}/s of database time "
            f"({time.perf_counter() - started:.0f} s)",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    if copy_conn is not None:
        t0 = time.perf_counter()
        copy_conn.execute("SET maintenance_work_mem = '1GB'")
        for definition in deferred:
            t1 = time.perf_counter()
            copy_conn.execute(definition)
            copy_conn.commit()
            print(f"postgresql: {definition} ({time.perf_counter() - t1:.0f} s)", file=sys.stderr)
        copy_conn.close()
        index_s = time.perf_counter() - t0
        db_s += index_s
    upkeep_s = 0.0
    if backend.name == "postgresql":
        t0 = time.perf_counter()
        with psycopg.connect(backend.pg_conninfo, autocommit=True) as conn:
            for table in ("article", "article_source", "mention", "source"):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            conn.execute("VACUUM ANALYZE")
        upkeep_s = time.perf_counter() - t0
    return {**counts, "db_s": db_s, "generate_s": gen_s, "upkeep_s": upkeep_s, "index_s": index_s}


def sizes(backend: Backend) -> dict[str, float]:
    """Database size and full-text index size, in MB."""
    if backend.path is not None:
        total = sum(
            Path(str(backend.path) + s).stat().st_size
            for s in ("", "-wal")
            if Path(str(backend.path) + s).exists()
        )
        with sqlite3.connect(backend.path) as conn:
            fts = conn.execute("SELECT sum(length(block)) FROM article_fts_data").fetchone()[0]
        return {"db_mb": total / 1e6, "fts_mb": (fts or 0) / 1e6}
    with psycopg.connect(backend.pg_conninfo) as conn:
        total, gin, pairs = conn.execute(
            "SELECT pg_database_size(current_database()), pg_relation_size('ix_article_search'),"
            " coalesce(pg_relation_size(to_regclass('ix_article_word_pairs')), 0)"
        ).fetchone()  # type: ignore[misc]
    return {"db_mb": total / 1e6, "fts_mb": gin / 1e6, "pairs_mb": pairs / 1e6}


# The same search written by hand, the same algorithm: of the articles that match and pass the
# case's filters, the newest CANDIDATES by id (FTS5 walking its doclists by rowid DESC;
# PostgreSQL by id DESC: among the newest RECENT_IDS ids by the primary key, then, only if
# those hold too few, among the older ones from the GIN index), ranked; the 20 best, equal
# scores newest first; the snippet or headline of those only. Vendor: the vendor's or its
# subsidiaries' articles (SQLite: from the mention index; PostgreSQL: the article's vendor
# list, in the GIN index); date: publication date, or fetch time when there is none (SQLite:
# the ids walked bounded by the blocks of article_date_block whose dates overlap the window,
# each match tested on the index on (id, date); with --rank-all, as before that table, the
# test alone); bm25 with the title weighted 5x (SQLite), ts_rank_cd with normalisation 32
# (PostgreSQL); the vendor and source names of the hits, which `tracker search` shows, in the
# same statement. With --rank-all (what the code before bounded candidates did) every match is
# ranked.
SQLITE_VENDOR = """
      AND +f.rowid IN (SELECT m.article_id FROM mention AS m WHERE m.vendor_id IN (
          SELECT v.id FROM vendor AS v WHERE lower(v.name) = :vendor OR lower(v.parent) = :vendor))
"""
SQLITE_DATES = """
      AND f.rowid >= (SELECT min(block) << 10 FROM article_date_block
          WHERE last_at >= :since AND first_at < :until)
      AND f.rowid < (SELECT (max(block) + 1) << 10 FROM article_date_block
          WHERE last_at >= :since AND first_at < :until)
      AND EXISTS (SELECT 1 FROM article AS a INDEXED BY ix_article_id_when WHERE a.id = f.rowid
          AND coalesce(a.published_at, a.fetched_at) >= :since
          AND coalesce(a.published_at, a.fetched_at) < :until)
"""
POSTGRES_VENDOR = """
      AND vendor_ids && ARRAY(SELECT v.id FROM vendor AS v
          WHERE lower(v.name) = %(vendor)s OR lower(v.parent) = %(vendor)s)
"""
POSTGRES_DATES = """
      AND coalesce(published_at, fetched_at) >= %(since)s
      AND coalesce(published_at, fetched_at) < %(until)s
"""
HEADLINE_OPTIONS = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=24, MinWords=12"
# The hit's vendor names (most mentioned first; SQLite: with their counts) and source names.
SQLITE_NAMES = """
       (SELECT group_concat(n || char(31) || name, char(30)) FROM (
           SELECT count(*) AS n, v.name AS name FROM mention AS m JOIN vendor AS v
           ON v.id = m.vendor_id WHERE m.article_id = a.id GROUP BY v.name)),
       (SELECT group_concat(name, char(30)) FROM (
           SELECT DISTINCT s.name AS name FROM article_source AS x JOIN source AS s
           ON s.id = x.source_id WHERE x.article_id = a.id))
"""
POSTGRES_NAMES = """
       ARRAY(SELECT v.name FROM mention AS m JOIN vendor AS v ON v.id = m.vendor_id
           WHERE m.article_id = a.id GROUP BY v.name ORDER BY count(*) DESC, v.name),
       ARRAY(SELECT DISTINCT s.name FROM article_source AS x JOIN source AS s
           ON s.id = x.source_id WHERE x.article_id = a.id ORDER BY s.name)
"""


def bare_sql(case: Case, sqlite: bool, rank_all: bool) -> tuple[str, str]:
    """(the search, the count of articles that pass the match and the filters)."""
    if sqlite:
        matches = "FROM article_fts AS f WHERE article_fts MATCH :match"
        dates = (
            SQLITE_DATES if not rank_all else SQLITE_DATES[SQLITE_DATES.index("      AND EXISTS") :]
        )
        matches += (SQLITE_VENDOR if case.vendor else "") + (dates if case.since else "")
        score = "bm25(article_fts, 5.0, 1.0)"
        if rank_all:
            best = f"SELECT f.rowid AS id, {score} AS score {matches} ORDER BY score LIMIT 20"
        else:
            best = f"""SELECT id, score FROM (
                SELECT f.rowid AS id, {score} AS score {matches}
                ORDER BY f.rowid DESC LIMIT :candidates
            ) ORDER BY score, id DESC LIMIT 20"""
        search = f"""
        WITH best AS ({best})
        SELECT a.id, a.title, a.url, a.published_at, a.fetched_at,
               snippet(article_fts, -1, char(2), char(3), '…', 24), best.score, {SQLITE_NAMES}
        FROM best CROSS JOIN article_fts CROSS JOIN article AS a
        WHERE article_fts MATCH :match AND article_fts.rowid = best.id AND a.id = best.id
        ORDER BY best.score, best.id DESC"""
        return search, f"SELECT count(*) {matches}"
    filters = (POSTGRES_VENDOR if case.vendor else "") + (POSTGRES_DATES if case.since else "")
    matches = f"FROM article WHERE search @@ to_tsquery('simple', %(match)s) {filters}"
    score = "ts_rank_cd(search, to_tsquery('simple', %(match)s), 32)"
    if rank_all:
        best = f"SELECT id, {score} AS score {matches} ORDER BY score DESC LIMIT 20"
    else:
        # The ids bounding the windows come first (max(id), and the date blocks of a dated
        # search); then the newest matches of the first window (the planner's choice of
        # plan), and only if too few the older windows, each read only if the ones before
        # held too few (without plain index scans: see Bare.search); a phrase: its words
        # first (the GIN index alone), its word order tested on the newest PHRASE_ROWS of
        # those. Then the ranking of the ids found, given as an array.
        phrase = "<->" in to_tsquery(parse_query(case.query))
        if phrase and WORD_PAIRS:
            # A two-word phrase (every phrase of CASES): its articles are those whose
            # adjacent word pairs hold it, from that index alone; no word order left to test.
            loose = f"FROM article WHERE {WORD_PAIRS}(search) @@ %(pairs)s::tsquery {filters}"
        else:
            loose = f"FROM article WHERE search @@ to_tsquery('simple', %(loose)s) {filters}"
        first = f"""SELECT id {loose} AND id > %(low_0)s AND id <= %(high_0)s
            ORDER BY id DESC LIMIT %(need)s"""
        windows = []
        for k in range(1, ID_WINDOWS):
            gate = " + ".join(f"(SELECT count(*) FROM w{j})" for j in range(1, k))
            # (the store's oldest window of pairs: the id tested, not intersected)
            key = "id + 0" if phrase and WORD_PAIRS and k == ID_WINDOWS - 1 else "id"
            windows.append(
                f"""w{k} AS MATERIALIZED (
                SELECT id {loose} AND {key} > %(low_{k})s AND {key} <= %(high_{k})s
                {f"AND {gate} < %(more)s" if gate else ""}
                ORDER BY id DESC LIMIT %(more)s)"""
            )
        held = " UNION ALL ".join(f"SELECT id FROM w{k}" for k in range(1, ID_WINDOWS))
        rest = f"""WITH {", ".join(windows)}
            SELECT id FROM ({held}) AS h ORDER BY id DESC LIMIT %(more)s"""
        if phrase and not WORD_PAIRS:
            newest = """SELECT id FROM article WHERE id = ANY(%(ids)s)
                AND search @@ to_tsquery('simple', %(match)s)
                ORDER BY id DESC LIMIT %(candidates)s"""
        else:
            newest = "SELECT unnest(%(ids)s::integer[])"
        best = f"""SELECT id, {score} AS score FROM article WHERE id IN ({newest})
            ORDER BY score DESC, id DESC LIMIT 20"""
        BARE_WINDOWS[case] = (first, rest)
    search = f"""
    SELECT a.id, a.title, a.url, a.published_at, a.fetched_at,
           ts_headline('simple', a.text, to_tsquery('simple', %(match)s), %(options)s), best.score,
           {POSTGRES_NAMES}
    FROM ({best}) AS best JOIN article AS a ON a.id = best.id
    ORDER BY best.score DESC, best.id DESC"""
    return search, f"SELECT count(*) {matches}"


# PostgreSQL, bounded: the statements finding the ids (first window, older ones) by case.
BARE_WINDOWS: dict[Case, tuple[str, str]] = {}


def window_bounds(top: int, bottom: int) -> dict[str, int]:
    """The ids bounding each window, newest first (the store's RECENT_IDS, WINDOW_GROWTH)."""
    bounds, high, size = {}, top, RECENT_IDS
    for k in range(ID_WINDOWS):
        low = max(bottom, high - size) if k < ID_WINDOWS - 1 else min(bottom, high)
        bounds[f"low_{k}"], bounds[f"high_{k}"] = low, high
        high, size = low, size * WINDOW_GROWTH
    return bounds


def _sqlite_time(value: datetime) -> str:
    # How SQLAlchemy stores a DateTime on SQLite (UTC, naive).
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Bare:
    """The hand-written query on a raw DBAPI connection, kept open."""

    def __init__(self, backend: Backend, candidates: int | None) -> None:
        self.backend = backend
        self.candidates = candidates
        self.lite: sqlite3.Connection | None = None
        self.pg: psycopg.Connection[Any] | None = None
        if backend.path is not None:
            self.lite = sqlite3.connect(backend.path)
        else:
            self.pg = psycopg.connect(backend.pg_conninfo, autocommit=True)
            if candidates is not None:  # as the store does around its search statement
                self.pg.execute("SET plan_cache_mode = force_custom_plan")

    def prepare(self, case: Case) -> tuple[str, str, dict[str, Any]]:
        """The case's statement, its count statement and their parameters."""
        node = parse_query(case.query)
        search, count = bare_sql(case, self.lite is not None, self.candidates is None)
        params: dict[str, Any] = {"candidates": self.candidates}
        if case.vendor:
            params["vendor"] = case.vendor.lower()
        if self.lite is not None:
            params["match"] = to_fts5(node)
            if case.since and case.until:
                params["since"] = _sqlite_time(case.since)
                params["until"] = _sqlite_time(case.until)
        else:
            params.update(
                match=to_tsquery(node), since=case.since, until=case.until, options=HEADLINE_OPTIONS
            )
            params["loose"] = to_tsquery(node).replace("<->", "&")
            phrase = params["loose"] != params["match"]
            params["need"] = self.candidates
            if phrase and WORD_PAIRS:
                words = case.query.strip('"').lower().split()
                assert len(words) == 2, "the bare query knows two-word phrases only"
                params["pairs"] = f"'{words[0]} {words[1]}'"
            elif phrase:
                params["need"] = max(PHRASE_ROWS, self.candidates or 0)
            if case in BARE_WINDOWS:
                params["_windows"] = BARE_WINDOWS[case]
        return search, count, params

    def search(self, prepared: tuple[str, str, dict[str, Any]]) -> list[tuple[int, float]]:
        """(id, score) of the hits, best first; scores as our layer gives them."""
        sql, _, params = prepared
        if self.lite is not None:
            return [(row[0], -row[6]) for row in self.lite.execute(sql, params)]
        return [(row[0], row[6]) for row in self._pg_search(sql, params)]

    def _pg_search(self, sql: str, params: dict[str, Any], explain: bool = False) -> list[Any]:
        """PostgreSQL: the statement itself (--rank-all), or the bounds, the ids window by
        window, then the ranking; with ``explain``, the plans of the statements run."""
        assert self.pg is not None
        windows = params.get("_windows")
        params = {k: v for k, v in params.items() if k != "_windows"}
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if explain else ""
        plans: list[Any] = []
        if windows is None:
            return self.pg.execute(prefix + sql, params).fetchall()
        bounded = self._bounded(params)
        if bounded is None:
            return []
        params = bounded
        first, rest = windows
        if explain:
            plans += self.pg.execute(prefix + first, params).fetchall()
        ids = [row[0] for row in self.pg.execute(first, params)]
        if len(ids) < params["need"]:
            # As the store does: the older windows intersected from the indexes, never
            # walked by the primary key.
            self.pg.execute("SET enable_indexscan = off")
            self.pg.execute("SET work_mem = '32MB'")
            if WORD_PAIRS:  # the store's older windows run without JIT since 0021 too
                self.pg.execute("SET jit = off")
            try:
                more = {**params, "more": params["need"] - len(ids)}
                if explain:
                    plans += self.pg.execute(prefix + rest, more).fetchall()
                ids += [row[0] for row in self.pg.execute(rest, more)]
            finally:
                self.pg.execute("RESET enable_indexscan")
                self.pg.execute("RESET work_mem")
                self.pg.execute("RESET jit")
        if not ids:
            return plans
        return plans + self.pg.execute(prefix + sql, {**params, "ids": ids}).fetchall()

    def _bounded(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """PostgreSQL: the ids bounding the windows, from max(id) and, for a dated search,
        the blocks of ids whose dates overlap the window; None if no block does."""
        assert self.pg is not None
        if params.get("since") is None:
            top = self.pg.execute("SELECT max(id) FROM article").fetchone()
            return {**params, **window_bounds(top[0] if top and top[0] else 0, 0)}
        blocks = "FROM article_date_block WHERE last_at >= %(since)s AND first_at < %(until)s"
        found = self.pg.execute(
            f"SELECT (SELECT max(id) FROM article), (SELECT min(block) {blocks}),"
            f" (SELECT max(block) {blocks})",
            params,
        ).fetchone()
        assert found is not None
        top, first, last = found
        if first is None:
            return None
        top = min(top, ((last + 1) << 10) - 1)
        return {**params, **window_bounds(top, (first << 10) - 1)}

    def explain(self, prepared: tuple[str, str, dict[str, Any]]) -> str:
        sql, _, params = prepared
        if self.lite is not None:
            plan = self.lite.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in plan)
        return "\n".join(row[0] for row in self._pg_search(sql, params, explain=True))

    def matches(self, prepared: tuple[str, str, dict[str, Any]]) -> int:
        """How many articles pass the match and the filters (before any limit)."""
        _, sql, params = prepared
        if self.lite is not None:
            return int(self.lite.execute(sql, params).fetchone()[0])
        assert self.pg is not None
        params = {k: v for k, v in params.items() if k != "_windows"}
        found = self.pg.execute(sql, params).fetchone()
        return int(found[0]) if found else 0

    def close(self) -> None:
        if self.lite is not None:
            self.lite.close()
        if self.pg is not None:
            self.pg.close()


def same_hits(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """The same hits, but for which of several equal scores made the cut at the limit."""
    if len(a) != len(b):
        return False
    if not a:
        return True
    scores_a, scores_b = [round(s, 9) for _, s in a], [round(s, 9) for _, s in b]
    if sorted(scores_a) != sorted(scores_b):
        return False
    cut = min(scores_a)
    above = {i for i, s in zip([i for i, _ in a], scores_a, strict=True) if s > cut}
    return above == {i for i, s in zip([i for i, _ in b], scores_b, strict=True) if s > cut}


def ours(store: Store, case: Case, candidates: int | None) -> list[tuple[int, float]]:
    """Our layer, as `tracker search` calls it."""
    bounded: dict[str, Any] = {} if candidates is None else {"candidates": candidates}
    with store.session() as session:
        hits = search_articles(
            session,
            parse_query(case.query),
            vendors=[case.vendor] if case.vendor else [],
            since=case.since,
            until=case.until,
            limit=20,
            **bounded,
        )
    return [(hit.article_id, hit.score) for hit in hits]


def _figures(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "max_ms": round(max(values), 2),
    }


def measure(
    backend: Backend, cases: list[Case], runs: int, explain: bool, candidates: int | None
) -> dict[str, Any]:
    """Latency of our layer and of the bare query on every case, ``runs`` times each.

    The runs are rounds over all the cases, so a busy moment of the machine falls on every
    case alike; within a case, which side goes first alternates."""
    bare = Bare(backend, candidates)
    prepared = [bare.prepare(case) for case in cases]
    timings: dict[str, list[list[float]]] = {
        "ours": [[] for _ in cases],
        "bare": [[] for _ in cases],
    }
    mismatches: list[str] = []
    hits: list[int] = []
    for run in range(runs + 1):  # run 0 warms the cache and checks the results
        for k, case in enumerate(cases):
            order = ("ours", "bare") if (run + k) % 2 == 0 else ("bare", "ours")
            found: dict[str, list[tuple[int, float]]] = {}
            for side in order:
                t0 = time.perf_counter()
                if side == "ours":
                    found[side] = ours(backend.store, case, candidates)
                else:
                    found[side] = bare.search(prepared[k])
                elapsed = (time.perf_counter() - t0) * 1000
                if run:
                    timings[side][k].append(elapsed)
            if run == 0:
                hits.append(len(found["ours"]))
                if not same_hits(found["ours"], found["bare"]):
                    mismatches.append(f"{case.kind}: {case.label()}")
    counts = [bare.matches(p) for p in prepared]
    plans = {case.label(): bare.explain(p) for case, p in zip(cases, prepared, strict=True)}
    bare.close()
    result: dict[str, Any] = {"mismatches": mismatches, "per_query": [], "per_kind": {}}
    for kind in [None, *dict.fromkeys(case.kind for case in cases)]:
        figures: dict[str, Any] = {}
        for side in ("ours", "bare"):
            flat = [
                t
                for case, per in zip(cases, timings[side], strict=True)
                for t in per
                if kind is None or case.kind == kind
            ]
            figures.update({f"{side}_{k}": v for k, v in _figures(flat).items()})
        figures["ratio_p50"] = round(figures["ours_p50_ms"] / figures["bare_p50_ms"], 2)
        figures["ratio_p95"] = round(figures["ours_p95_ms"] / figures["bare_p95_ms"], 2)
        if kind is None:
            result.update(figures)
        else:
            result["per_kind"][kind] = figures
    for k, case in enumerate(cases):
        result["per_query"].append(
            {
                "kind": case.kind,
                "case": case.label(),
                "matches": counts[k],
                "hits": hits[k],
                "ours_p50_ms": round(statistics.median(timings["ours"][k]), 2),
                "bare_p50_ms": round(statistics.median(timings["bare"][k]), 2),
                "ours_max_ms": round(max(timings["ours"][k]), 2),
                "bare_max_ms": round(max(timings["bare"][k]), 2),
            }
        )
    if explain:
        result["plans"] = plans
    return result


def run_backend(name: str, corpus: Corpus, args: argparse.Namespace) -> dict[str, Any]:
    backend = open_backend(name, args)
    candidates = None if args.rank_all else args.candidates
    cases = [c for c in CASES if not args.kind or c.kind in args.kind][: args.queries]
    try:
        reused = args.reuse
        loaded = counts(backend) if reused else load(backend, corpus, args.articles, args.batch)
        size = sizes(backend)
        searched = measure(backend, cases, args.runs, args.explain, candidates)
    finally:
        backend.store.close()
        if not (args.keep or args.reuse):
            backend.cleanup()
    result: dict[str, Any] = {
        "backend": name,
        "url": backend.url,
        "kept": args.keep,
        "candidates": candidates,
        **loaded,
    }
    if loaded["db_s"]:
        result["load_rate"] = round(loaded["articles"] / loaded["db_s"])
        result["load_rate_with_upkeep"] = round(
            loaded["articles"] / (loaded["db_s"] + loaded["upkeep_s"])
        )
    return {**result, **{k: round(v) for k, v in size.items()}, **searched}


def counts(backend: Backend) -> dict[str, Any]:
    """Row counts of a kept database (--reuse): nothing was loaded in this run."""
    found: dict[str, Any] = {"db_s": 0.0, "generate_s": 0.0, "upkeep_s": 0.0, "index_s": 0.0}
    with backend.store.engine.connect() as conn:
        for key, table in (
            ("articles", "article"),
            ("article_sources", "article_source"),
            ("mentions", "mention"),
        ):
            found[key] = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
    return found


def report(result: dict[str, Any], per_query: bool) -> None:
    r = result
    print(
        f"\n== {r['backend']}: {r['articles']:,} articles, {r['mentions']:,} mentions, "
        f"{r['article_sources']:,} source links"
    )
    if r["db_s"]:
        upkeep = (
            f"; with VACUUM ANALYZE ({r['upkeep_s']:.0f} s) {r['load_rate_with_upkeep']:,}/s"
            if r["upkeep_s"]
            else ""
        )
        print(
            f"load: {r['db_s']:.0f} s of database time"
            + (f" (building the indexes after COPY: {r['index_s']:.0f} s)" if r["index_s"] else "")
            + f", {r['load_rate']:,} articles/s{upkeep} "
            f"(generating the rows: {r['generate_s']:.0f} s more)"
        )
    else:
        print("load: none (--reuse)")
    pairs = f", index of adjacent word pairs {r['pairs_mb']:,} MB" if r.get("pairs_mb") else ""
    print(f"size: {r['db_mb']:,} MB, of which full-text index {r['fts_mb']:,} MB{pairs}")
    if r["kept"]:
        print(f"kept: {r['url']}")
    ranked = "every match" if r["candidates"] is None else f"the newest {r['candidates']:,} matches"
    print(f"ranked: {ranked}")
    head = f"{'kind':<12} {'ours p50':>9} {'p95':>8} {'max':>8} {'bare p50':>9} {'p95':>8}"
    print(f"{head} {'max':>8} {'ratio p50':>10} {'p95':>6}")
    for kind, f in [*r["per_kind"].items(), ("all", r)]:
        print(
            f"{kind:<12} {f['ours_p50_ms']:>9} {f['ours_p95_ms']:>8} {f['ours_max_ms']:>8} "
            f"{f['bare_p50_ms']:>9} {f['bare_p95_ms']:>8} {f['bare_max_ms']:>8} "
            f"{f['ratio_p50']:>10} {f['ratio_p95']:>6}"
        )
    if r["mismatches"]:
        print(f"DIFFERENT RESULTS ours/bare: {r['mismatches']}")
    else:
        print("same hits ours/bare: every case")
    if per_query:
        print(f"{'kind':<12} {'query | vendor | dates':<56} {'matches':>8} {'ours p50':>9}", end="")
        print(f" {'bare p50':>9}")
        for q in r["per_query"]:
            print(
                f"{q['kind']:<12} {q['case']:<56} {q['matches']:>8} {q['ours_p50_ms']:>9} "
                f"{q['bare_p50_ms']:>9}"
            )
    for label, plan in r.get("plans", {}).items():
        print(f"-- {label}\n{plan}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--queries", type=int, default=len(CASES), help=f"The first N of {len(CASES)} searches."
    )
    parser.add_argument("--runs", type=int, default=10, help="Timed rounds over the searches.")
    parser.add_argument("--kind", action="append", choices=KINDS, help="Only searches of KIND.")
    parser.add_argument(
        "--candidates",
        type=int,
        default=CANDIDATES,
        help="How many of the newest matches are ranked (default: the store's).",
    )
    parser.add_argument(
        "--rank-all",
        action="store_true",
        help="Rank every match, as the code before bounded candidates did (for a before figure"
        " with that code: our layer is called without `candidates`).",
    )
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--batch", type=int, default=5_000, help="Articles per transaction.")
    parser.add_argument("--sqlite-path", default="/tmp/tracker-store-bench.db")
    parser.add_argument("--pg-admin", default=ADMIN_URL, help="Admin database URL (psycopg).")
    parser.add_argument("--pg-db", help="PostgreSQL database name (default: a new random one).")
    parser.add_argument("--keep", action="store_true", help="Keep the databases.")
    parser.add_argument(
        "--reuse", action="store_true", help="Measure the kept databases again, without loading."
    )
    parser.add_argument("--per-query", action="store_true", help="Show every search.")
    parser.add_argument("--explain", action="store_true", help="Show the bare query plans.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    corpus = Corpus(args.seed)
    names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    for name in names:
        results.append(run_backend(name, corpus, args))
        if not args.json:
            report(results[-1], args.per_query)
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        print(f"\nload average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
