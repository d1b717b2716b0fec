"""Time and memory per article on hostile and real input: the worst any article costs.

    .venv/bin/python bench/hostile_bench.py [--sizes 36,72,1000,8000] [--corpora] [--limit N]

Pathological: an RSS feed whose one item's description is "TSMC Nvidia Apple Arm Intel Foxconn "
repeated to each size in KB (no sentence end anywhere), parsed and turned into a stored-ready
record (``parse_feed`` then ``extract_article``, as a fetch does in a worker). Each size runs in
a fresh process, so that its peak memory is its own: the figures are the CPU seconds of that
article and the process's peak RSS over what loading the extractor took.

With ``--corpora``: every document of ../shared/data/feedparser-corpus (or
``$TRACKER_SHARED_DATA``) parsed as a feed, each entry turned into a record, and every
article of supplychain-news-dev and article-extraction-benchmark's pages, with the worst CPU
time per article and the peak RSS of the whole run. Missing corpora are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("TRACKER_SHARED_DATA") or ROOT.parent / "shared" / "data")
UNIT = "TSMC Nvidia Apple Arm Intel Foxconn "


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _extractor():  # type: ignore[no-untyped-def]
    from tracker.extract import load_extractor

    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def _record(extractor, entry, body: bytes | None = None):  # type: ignore[no-untyped-def]
    from tracker.ingest.work import PageJob, extract_article

    job = PageJob(
        canonical_url=entry.url or "https://news.example/a",
        title=entry.title,
        summary=entry.summary,
        published_at=entry.published_at,
        fallback_label="news.example",
        page_body=body,
        page_url=entry.url,
        page_content_type="text/html; charset=utf-8",
    )
    return extract_article(job, extractor)


def one_size(kb: int) -> None:
    """Child process: one pathological feed of ``kb`` KB; prints a JSON line."""
    from tracker.parse.feed import parse_feed

    extractor = _extractor()
    base = _rss_mb()
    body = UNIT * (kb * 1000 // len(UNIT))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://news.example/</link><description>d</description><item>"
        "<title>Item</title><link>https://news.example/a</link>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode()
    started = time.process_time()
    parsed = parse_feed(feed, "https://news.example/feed.xml", "application/rss+xml")
    record = _record(extractor, parsed.entries[0]).value
    cpu = time.process_time() - started
    print(
        json.dumps(
            {
                "kb": kb,
                "cpu_s": round(cpu, 2),
                "peak_mb_over_base": round(_rss_mb() - base, 1),
                "text_chars": len(record.text),
                "mentions": len(record.extraction.mentions),
                "note": record.text_note,
            }
        )
    )


def sizes(kbs: list[int]) -> None:
    print("pathological description, one article each (fresh process per size)")
    print(f"{'size':>8} {'CPU s':>7} {'peak MB':>8} {'kept chars':>11} {'mentions':>9}")
    for kb in kbs:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(kb)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        label = f"{kb} KB" if kb < 1000 else f"{kb // 1000} MB"
        print(
            f"{label:>8} {row['cpu_s']:>7} {row['peak_mb_over_base']:>8} "
            f"{row['text_chars']:>11} {row['mentions']:>9}"
        )


def corpora(limit: int | None) -> None:
    from tracker.errors import TrackerError
    from tracker.parse.feed import parse_feed

    extractor = _extractor()
    base = _rss_mb()
    worst: tuple[float, str] = (0.0, "")
    count = 0

    def timed(label: str, func) -> None:  # type: ignore[no-untyped-def]
        nonlocal worst, count
        started = time.process_time()
        with contextlib.suppress(TrackerError):
            func()
        spent = time.process_time() - started
        count += 1
        if spent > worst[0]:
            worst = (spent, label)

    corpus = SHARED / "feedparser-corpus"
    if corpus.is_dir():
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix != ".md")
        for path in files[:limit]:

            def feed(path: Path = path) -> None:
                parsed = parse_feed(path.read_bytes(), f"https://news.example/{path.name}")
                for entry in parsed.entries:
                    _record(extractor, entry)

            timed(str(path.relative_to(SHARED)), feed)
        print(f"feedparser-corpus: {len(files[:limit])} documents")
    news = SHARED / "supplychain-news-dev" / "articles.jsonl"
    if news.is_file():
        lines = news.read_text(encoding="utf-8").splitlines()[:limit]
        for i, line in enumerate(lines):
            item = json.loads(line)
            text = item.get("text") or ""
            timed(f"supplychain-news-dev #{i}", lambda t=text: extractor.extract(None, t))
        print(f"supplychain-news-dev: {len(lines)} articles")
    aeb = SHARED / "article-extraction-benchmark" / "html"
    if aeb.is_dir():
        pages = sorted(aeb.glob("*.html.gz"))[:limit]
        import gzip

        from tracker.models import FeedEntry

        for page in pages:
            entry = FeedEntry("g", "https://news.example/a", "", "", None)
            body = gzip.decompress(page.read_bytes())
            timed(f"aeb {page.name}", lambda b=body, e=entry: _record(extractor, e, b))
        print(f"article-extraction-benchmark: {len(pages)} pages")
    print(f"worst CPU per document: {worst[0]:.2f} s ({worst[1]}) over {count} documents")
    print(f"peak RSS over the extractor's: {_rss_mb() - base:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="36,72,1000,8000", help="KB, comma-separated")
    parser.add_argument("--corpora", action="store_true", help="also the shared corpora")
    parser.add_argument("--limit", type=int, default=None, help="documents per corpus")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_size(args.one)
        return
    if args.sizes:
        sizes([int(s) for s in args.sizes.split(",")])
    if args.corpora:
        corpora(args.limit)


if __name__ == "__main__":
    main()
