"""End-to-end `tracker fetch` on real pages, against two CPU floors on the same inputs.

    .venv/bin/python bench/real_ingest_bench.py [--rounds 2] [--pages 0] [--feeds 50]
    .venv/bin/python bench/real_ingest_bench.py --checkout /tmp/before   # and another version
    .venv/bin/python bench/real_ingest_bench.py --generated 2000         # generated pages

1. Reads the real pages of ``../shared/data/trafilatura-eval`` (990) and
   ``../shared/data/article-extraction-benchmark`` (181), or of ``$TRACKER_SHARED_DATA``; when
   they are missing it says so and exits with status 0.
2. Serves them, bytes as recorded, from a separate process on 127.0.0.1 behind ``--feeds`` RSS
   feeds (round robin). An entry's title is the annotated one, else the page's ``<title>``; its
   date is the annotated one when there is one (62% of the pages), else none: the page must
   give it.
3. Runs ``tracker fetch --timings`` (politeness relaxed: no per-host delay, 16 requests to the
   one host) into a fresh SQLite database, as the ``tracker`` command a user runs, and
   measures the CPU of the whole tree (the command and its workers), its peak memory and the
   CPU of each step as ``--timings`` reports it.
4. Measures, on the same feeds and pages, the floors, spread over one process per core:
   (a) feedparser on every feed + ``trafilatura.extract(html, include_comments=False)`` on
   every page; (b) (a) plus our own vendor, product, relation and event extraction
   (``tracker.extract.extract_text`` with the extractor the command loads) on that text;
   (c) (b) plus what the command cannot leave out and (b) does: the requests, as CPU of a bare
   httpx2 client getting every feed and page 16 at once, and the writes, as CPU of sqlite3
   alone writing (b)'s articles and findings into the migrated schema (its indexes and
   triggers), 64 articles a transaction.
5. Paired, page by page in one process: the page-text step as the workers run it
   (``tracker.ingest.work``, the entry's title and date given) against ``trafilatura.extract``.

With ``--generated N`` the pages are N generated ones instead (``tests/sitegen.py``, as
``fetch_bench.py`` serves them: 6 KB of HTML, 3-6 KB of text naming the gazetteer's vendors,
each with its title and date in its feed entry), where our own extraction weighs more and the
page text less; the shared corpora are then not needed.

Rounds interleave the command and the floors (and, with ``--checkout``, another version of
the code run with the same libraries), so that the load of a shared machine falls on both.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import html
import json
import lzma
import multiprocessing
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(Path(__file__).resolve().parent), str(ROOT)]

from fetch_bench import SERVER, MemorySampler, free_config  # noqa: E402

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)


@dataclass(frozen=True, slots=True)
class RealPage:
    """One page of the corpora, as the bench serves it and announces it in a feed."""

    page_id: str
    body: bytes
    title: str
    published_at: datetime | None
    description: str


def shared_data() -> Path | None:
    """The folder that holds the corpora, or None when it is absent."""
    base = Path(os.environ.get("TRACKER_SHARED_DATA") or ROOT.parent / "shared" / "data")
    if (base / "trafilatura-eval").is_dir() and (base / "article-extraction-benchmark").is_dir():
        return base
    return None


def _page_title(body: bytes) -> str:
    match = _TITLE.search(body[:200_000])
    if not match:
        return ""
    raw = match[1].decode("utf-8", errors="replace")
    return " ".join(html.unescape(raw).split())[:300]


def _date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC)


def load_corpus(base: Path, limit: int = 0) -> list[RealPage]:
    """The pages of both corpora, in a fixed order (every n-th when ``limit`` is set)."""
    pages: list[RealPage] = []
    gold = json.loads((base / "trafilatura-eval" / "gold.json").read_text(encoding="utf-8"))
    for page_id in sorted(gold):
        meta = gold[page_id]
        body = lzma.decompress(
            (base / "trafilatura-eval" / "html" / f"{page_id}.html.xz").read_bytes()
        )
        title = str(meta.get("title") or "") or _page_title(body)
        pages.append(
            RealPage(
                f"t-{page_id}",
                body,
                title,
                _date(meta.get("date")),
                str(meta.get("description") or ""),
            )
        )
    aeb = base / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        body = gzip.decompress((aeb / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(RealPage(f"a-{page_id[:16]}", body, _page_title(body), None, ""))
    if limit and limit < len(pages):
        step = len(pages) / limit
        pages = [pages[int(i * step)] for i in range(limit)]
    return pages


def generated_corpus(root: Path, count: int, seed: int = 1) -> list[RealPage]:
    """``count`` generated pages (tests/sitegen.py), announced with their title and date."""
    from tests.sitegen import generate_site

    per_feed = 20
    generate_site(root, feeds=-(-count // per_feed), entries_per_feed=per_feed, seed=seed)
    pages: list[RealPage] = []
    for path in sorted((root / "articles").glob("*.html"))[:count]:
        body = path.read_bytes()
        published = re.search(rb"article:published_time' content='([^']+)'", body)
        assert published is not None
        pages.append(
            RealPage(
                f"g-{path.stem}",
                body,
                _page_title(body).removesuffix(" | Example News"),
                datetime.fromisoformat(published[1].decode()),
                "",
            )
        )
    return pages


def write_site(pages: list[RealPage], root: Path, feeds: int) -> list[str]:
    """The pages under ``root/p/`` (bytes as recorded); the feed names."""
    (root / "p").mkdir(parents=True)
    for page in pages:
        (root / "p" / f"{page.page_id}.html").write_bytes(page.body)
    return [f"real{n:02d}" for n in range(feeds)]


def write_feeds(pages: list[RealPage], root: Path, names: list[str], port: int) -> None:
    """One RSS 2.0 feed per name, the pages dealt round robin."""
    (root / "feeds").mkdir(exist_ok=True)
    for n, name in enumerate(names):
        items = []
        for page in pages[n :: len(names)]:
            link = f"http://127.0.0.1:{port}/p/{page.page_id}.html"
            parts = [f"<title>{html.escape(page.title)}</title>", f"<link>{link}</link>"]
            parts.append(f'<guid isPermaLink="true">{link}</guid>')
            if page.published_at is not None:
                parts.append(f"<pubDate>{email.utils.format_datetime(page.published_at)}</pubDate>")
            if page.description:
                parts.append(f"<description>{html.escape(page.description)}</description>")
            items.append("<item>" + "".join(parts) + "</item>")
        (root / "feeds" / f"{name}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{name}</title><link>http://127.0.0.1:{port}/</link>"
            f"<description>real pages</description>{''.join(items)}</channel></rss>\n",
            encoding="utf-8",
        )


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(checkout: Path, config: Path, db: Path) -> dict[str, Any]:
    """``tracker fetch --timings`` as a user runs it; its CPU (with its workers), peak memory
    and timings."""
    script = Path(sys.executable).parent / "tracker"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]
    command += ["--config", str(config), "--db", f"sqlite:///{db}", "fetch", "--format", "json"]
    command += ["--timings"]
    env = {**os.environ, "PYTHONPATH": str(checkout)}  # before the editable install's path
    cpu_before = _children_cpu_s()
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    sampler = MemorySampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall_s = time.perf_counter() - started
    sampler.done.set()
    cpu_s = _children_cpu_s() - cpu_before  # the command and every worker it waited for
    if proc.returncode not in (0, 3):
        print(err[-3000:], file=sys.stderr)
        raise SystemExit(f"tracker fetch exited with {proc.returncode}")
    summary = json.loads(out)
    timings = json.loads(err.rsplit("timings ", 1)[1].splitlines()[0])
    return {
        "stored": summary["new_articles"],
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "peak_main_mb": sampler.peak_main_kb / 1024,
        "peak_tree_mb": sampler.peak_tree_kb / 1024,
        "timings": timings,
    }


_EXTRACTOR: Any = None


def _warm(config: str) -> None:
    global _EXTRACTOR
    import feedparser  # noqa: F401
    import trafilatura  # noqa: F401

    from tracker.config import load_settings
    from tracker.extract import load_extractor

    settings = load_settings(Path(config), required=True)
    _EXTRACTOR = load_extractor(
        settings.vendors_file, settings.catalog_dir, settings.attributions_file
    )


def _floor_feed(feed_path: str) -> tuple[float, float, list[tuple[str, str, str, Any]]]:
    """CPU seconds of floor (a) and of our extraction on top of it, for one feed's entries;
    each entry's link, title, text and extraction (for floor (c)'s writes)."""
    import feedparser
    import trafilatura

    from tracker.extract import ARTICLE_BUDGET_S, extract_text

    started = time.thread_time()
    feed = feedparser.parse(Path(feed_path).read_bytes())
    floor_a = time.thread_time() - started
    ours = 0.0
    site = Path(feed_path).parent.parent
    found: list[tuple[str, str, str, Any]] = []
    for entry in feed.entries:
        body = (site / "p" / entry.link.rsplit("/", 1)[1]).read_bytes()
        started = time.thread_time()
        text = trafilatura.extract(body, include_comments=False) or ""
        middle = time.thread_time()
        title = entry.get("title", "")
        extraction = extract_text(_EXTRACTOR, title, text, None, ARTICLE_BUDGET_S)
        floor_a += middle - started
        ours += time.thread_time() - middle
        found.append((entry.link, title, text, extraction))
    return floor_a, ours, found


REQUESTS = """
import asyncio, sys, time
import httpx2
async def main(urls):
    async with httpx2.AsyncClient(limits=httpx2.Limits(max_connections=16), timeout=120) as client:
        gate = asyncio.Semaphore(16)
        async def get(url):
            async with gate:
                response = await client.get(url)
                response.raise_for_status()
                return len(response.content)
        started = time.process_time()
        await asyncio.gather(*(get(url) for url in urls))
        print(time.process_time() - started)
asyncio.run(main(sys.stdin.read().split()))
"""


def requests_floor(urls: list[str]) -> float:
    """CPU seconds of a bare httpx2 client getting every URL, 16 at once as the command does
    (its start-up left out): no limits on size or time, no robots.txt, no redirects handled."""
    done = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        input="\n".join(urls),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def writes_floor(found: list[tuple[str, str, str, Any]], db: Path, vendors_file: Path) -> float:
    """CPU seconds of writing the articles and their findings' rows by sqlite3 alone, in
    transactions of 64 articles without savepoints (the schema, its indexes and triggers as
    migrated; no text hash, so its unique index is left out): the statements compiled once,
    every value converted by its column's type."""
    import sqlite3

    from sqlalchemy import insert
    from sqlalchemy.dialects import sqlite

    from tracker.catalog.gazetteer import load_gazetteer
    from tracker.store import Store
    from tracker.store import tables as t
    from tracker.store.identity import sync_vendor_ids
    from tracker.store.sources import upsert_source

    store = Store(f"sqlite:///{db}")
    vendor_ids = sync_vendor_ids(store, load_gazetteer(vendors_file))
    with store.session() as session:
        source_id = upsert_source(session, "floor", "http://127.0.0.1/floor.xml").id
    store.close()
    dialect = sqlite.dialect()
    statements: dict[Any, tuple[str, list[Any]]] = {}
    for model in (
        *(t.Article, t.ArticleSource, t.Mention, t.ProductMention, t.Relation, t.Event),
        *(t.EventVendor, t.VendorCandidate),
    ):
        table = model.__table__  # type: ignore[attr-defined]
        columns = [c for c in table.columns if c.name != "id"]
        sql = str(insert(table).compile(dialect=dialect, column_keys=[c.name for c in columns]))
        statements[model] = (sql, [c.type.bind_processor(dialect) for c in columns])

    def row(model: Any, *values: Any) -> tuple[Any, ...]:
        convert = statements[model][1]
        return tuple(f(v) if f else v for f, v in zip(convert, values, strict=True))

    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    started = time.process_time()
    for first in range(0, len(found), 64):
        conn.execute("BEGIN IMMEDIATE")
        for url, title, text, x in found[first : first + 64]:
            now = datetime.now(UTC)
            ids = sorted({vendor_ids[m.vendor] for m in x.mentions if m.vendor in vendor_ids})
            article = conn.execute(
                statements[t.Article][0],
                row(t.Article, url, url, title, "", text, "page", None, "", None, now, ids),
            ).lastrowid
            conn.execute(
                statements[t.ArticleSource][0],
                row(t.ArticleSource, article, source_id, url, url, now),
            )
            conn.executemany(
                statements[t.Mention][0],
                [
                    (article, vendor_ids[m.vendor], m.surface, m.sentence, m.start, m.end)
                    for m in x.mentions
                    if m.vendor in vendor_ids
                ],
            )
            conn.executemany(
                statements[t.ProductMention][0],
                [
                    (article, p.catalog_id, p.name, p.vendor, p.category, p.surface, p.sentence)
                    for p in x.products
                ],
            )
            conn.executemany(
                statements[t.Relation][0],
                [
                    row(t.Relation, article, r.supplier, r.customer, r.product, r.status,
                        r.confidence, r.evidence, r.attribution, None)
                    for r in x.relations
                ],
            )  # fmt: skip
            for e in x.events:
                event = conn.execute(
                    statements[t.Event][0], (article, e.type, e.evidence, e.attribution)
                ).lastrowid
                conn.executemany(statements[t.EventVendor][0], [(event, v) for v in e.vendors])
            conn.executemany(
                statements[t.VendorCandidate][0],
                [(article, c.name, c.sentence) for c in x.candidates],
            )
        conn.execute("COMMIT")
    spent = time.process_time() - started
    conn.close()
    return spent


def _wait(_: int) -> None:
    time.sleep(0.5)


def run_floors(site: Path, config: Path, processes: int, port: int) -> dict[str, float]:
    """Floors (a) and (b), CPU seconds summed over the workers (start-up left out), and (c):
    (b) plus the requests (``requests_floor``) and the writes (``writes_floor``)."""
    feeds = [str(p) for p in sorted((site / "feeds").glob("*.xml"))]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_warm, initargs=(str(config),)
    ) as pool:
        list(pool.map(_wait, range(processes)))  # every worker started before the clock
        started = time.perf_counter()
        results = list(pool.map(_floor_feed, feeds))
        wall_s = time.perf_counter() - started
    floor_a = sum(r[0] for r in results)
    ours = sum(r[1] for r in results)
    found = [item for r in results for item in r[2]]
    feed_urls = [f"http://127.0.0.1:{port}/feeds/{Path(f).name}" for f in feeds]
    requests_s = requests_floor(feed_urls + [link for link, *_ in found])
    writes_s = writes_floor(found, site.parent / "floor.db", ROOT / "config" / "vendors.toml")
    for leftover in site.parent.glob("floor.db*"):
        leftover.unlink()
    b_s = floor_a + ours
    return {
        "a_s": floor_a,
        "b_s": b_s,
        "requests_s": requests_s,
        "writes_s": writes_s,
        "c_s": b_s + requests_s + writes_s,
        "wall_s": wall_s,
    }


PAIRED = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import trafilatura
from pathlib import Path
from tracker.config import load_settings
from tracker.extract import load_extractor
from tracker.ingest.work import PageJob, extract_article
settings = load_settings(Path(sys.argv[2]), required=True)
extractor = load_extractor(settings.vendors_file, settings.catalog_dir, settings.attributions_file)
pages = json.loads(Path(sys.argv[3]).read_text())
ours, theirs = [], []
for n, (path, title, published) in enumerate(pages):
    body = Path(path).read_bytes()
    job = PageJob(canonical_url=path, title=title, summary="", fallback_label=path,
                  published_at=None if published is None else
                  __import__("datetime").datetime.fromisoformat(published),
                  page_body=body, page_url="http://127.0.0.1/" + Path(path).name,
                  page_content_type="text/html")
    def run_ours():
        ours.append(extract_article(job, extractor).page_s)
    def run_theirs():
        started = time.thread_time()
        trafilatura.extract(body, include_comments=False)
        theirs.append(time.thread_time() - started)
    if n == 0:
        run_ours(); run_theirs(); ours.clear(); theirs.clear()  # warm-up, untimed
    for step in ((run_ours, run_theirs) if n % 2 else (run_theirs, run_ours)):
        step()
print(json.dumps({"ours": ours, "theirs": theirs}))
"""


def run_paired(
    checkout: Path, config: Path, site: Path, pages: list[RealPage], count: int
) -> dict[str, float]:
    """Page text as the workers do it against trafilatura.extract, page by page, CPU s."""
    chosen = pages[:: max(1, len(pages) // count)][:count] if count else []
    if not chosen:
        return {}
    listing = site.parent / "paired.json"
    listing.write_text(
        json.dumps(
            [
                [
                    str(site / "p" / f"{p.page_id}.html"),
                    p.title,
                    p.published_at.isoformat() if p.published_at else None,
                ]
                for p in chosen
            ]
        )
    )
    out = subprocess.run(
        [sys.executable, "-c", PAIRED, str(checkout), str(config), str(listing)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out)
    ours, theirs = figures["ours"], figures["theirs"]
    ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b > 0]
    return {
        "pages": len(ours),
        "ours_ms": 1000 * statistics.fmean(ours),
        "theirs_ms": 1000 * statistics.fmean(theirs),
        "ratio_of_sums": sum(ours) / sum(theirs),
        "median_ratio": statistics.median(ratios),
    }


def _step_line(result: dict[str, Any]) -> str:
    t = result["timings"]
    return (
        f"fetching {t['fetch_s']:.1f}, parsing {t['parse_s']:.1f}, page text {t['page_s']:.1f}, "
        f"our extraction {t['extract_s']:.1f}, storing {t['store_s']:.1f} "
        f"(sum {t['fetch_s'] + t['parse_s'] + t['page_s'] + t['extract_s'] + t['store_s']:.1f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=0, help="every n-th page, this many (0: all)")
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--paired", type=int, default=300, help="pages timed pairwise (0: none)")
    parser.add_argument(
        "--checkout",
        type=Path,
        action="append",
        default=[],
        help="another checkout of tracker to run too (same libraries); repeatable",
    )
    parser.add_argument(
        "--generated", type=int, default=0, help="this many generated pages instead (0: real)"
    )
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON at the end")
    args = parser.parse_args()
    base = shared_data()
    if base is None and not args.generated:
        print(
            "real_ingest_bench: ../shared/data (trafilatura-eval, article-extraction-benchmark) "
            "not found and $TRACKER_SHARED_DATA not set: nothing to measure"
        )
        return 0
    cores = os.cpu_count() or 1
    checkouts = [ROOT, *[c.resolve() for c in args.checkout]]
    tmp = Path(tempfile.mkdtemp(prefix="tracker-real-"))
    if args.generated:
        pages = generated_corpus(tmp / "generated", args.generated)
        shutil.rmtree(tmp / "generated")
    else:
        assert base is not None
        pages = load_corpus(base, args.pages)
    dated = sum(p.published_at is not None for p in pages)
    print(
        f"{len(pages)} pages ({sum(len(p.body) for p in pages) / len(pages) / 1024:.0f} KB of "
        f"HTML each on average; {dated} with a date in their feed entry) behind {args.feeds} "
        f"feeds; load average {os.getloadavg()[0]:.2f} at the start"
    )
    rows: list[dict[str, Any]] = []
    try:
        site = tmp / "site"
        names = write_site(pages, site, args.feeds)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(site)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
            write_feeds(pages, site, names, port)
            config = tmp / "bench.toml"
            free_config(config, port, names, timeout_s=120.0)
            for round_no in range(args.rounds):
                order = checkouts if round_no % 2 == 0 else checkouts[::-1]
                steps: list[tuple[str, Path | None]] = [(str(c), c) for c in order]
                if not args.no_floor:
                    steps.insert(round_no % 2 * len(steps), ("floors", None))
                for label, checkout in steps:
                    load = os.getloadavg()[0]
                    if checkout is None:
                        floors = run_floors(site, config, cores, port)
                        rows.append({"round": round_no, "kind": "floors", "load": load, **floors})
                        print(
                            f"round {round_no + 1} floors: (a) feedparser + trafilatura.extract "
                            f"{floors['a_s']:.1f} CPU s, (b) (a) + our extraction "
                            f"{floors['b_s']:.1f} CPU s, (c) (b) + bare requests "
                            f"{floors['requests_s']:.1f} s + bare writes {floors['writes_s']:.1f} s"
                            f" = {floors['c_s']:.1f} CPU s (load {load:.2f})"
                        )
                        continue
                    db = tmp / f"r{round_no}-{len(rows)}.db"
                    result = run_command(checkout, config, db)
                    rows.append({"round": round_no, "kind": label, "load": load, **result})
                    per_article_ms = 1000 * result["cpu_s"] / max(1, result["stored"])
                    print(
                        f"round {round_no + 1} {label}: {result['stored']} articles in "
                        f"{result['wall_s']:.1f} s ({result['stored'] / result['wall_s']:.1f}/s), "
                        f"{result['cpu_s']:.1f} CPU s ({per_article_ms:.0f} ms an article), "
                        f"peak RSS {result['peak_tree_mb']:.0f} MB with the workers "
                        f"({result['peak_main_mb']:.0f} MB the command), load {load:.2f}\n"
                        f"    --timings CPU s: {_step_line(result)}; the command's own CPU "
                        f"{result['timings']['main_cpu_s']:.1f}"
                    )
                    db.unlink(missing_ok=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
        floors_rows = [r for r in rows if r["kind"] == "floors"]
        print()
        for checkout in checkouts:
            runs = [r for r in rows if r["kind"] == str(checkout)]
            if not runs:
                continue
            line = f"{checkout}: CPU {statistics.median(r['cpu_s'] for r in runs):.1f} s median"
            if floors_rows:
                a = statistics.median(r["a_s"] for r in floors_rows)
                b = statistics.median(r["b_s"] for r in floors_rows)
                ratios_a = [r["cpu_s"] / f["a_s"] for r, f in zip(runs, floors_rows, strict=False)]
                ratios_b = [r["cpu_s"] / f["b_s"] for r, f in zip(runs, floors_rows, strict=False)]
                c = statistics.median(r["c_s"] for r in floors_rows)
                ratios_c = [r["cpu_s"] / f["c_s"] for r, f in zip(runs, floors_rows, strict=False)]
                line += (
                    f"; / floor (a) {a:.1f} s = {min(ratios_a):.2f}-{max(ratios_a):.2f}, "
                    f"/ floor (b) {b:.1f} s = {min(ratios_b):.2f}-{max(ratios_b):.2f}, "
                    f"/ floor (c) {c:.1f} s = {min(ratios_c):.2f}-{max(ratios_c):.2f} (per round)"
                )
            print(line)
            paired = run_paired(checkout, config, site, pages, args.paired)
            if paired:
                rows.append({"kind": "paired", "checkout": str(checkout), **paired})
                print(
                    f"  page text, paired on {paired['pages']} pages: {paired['ours_ms']:.1f} ms "
                    f"a page against {paired['theirs_ms']:.1f} ms for trafilatura.extract: "
                    f"{paired['ratio_of_sums']:.2f}x (median page {paired['median_ratio']:.2f}x)"
                )
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
        if args.json:
            print(json.dumps(rows, default=str))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
