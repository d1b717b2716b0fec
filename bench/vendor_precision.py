"""Vendor precision on pages that are mostly not about supply chains.

The workload is fixed: the 1,171 real pages of ../shared/data/trafilatura-eval (990) and
../shared/data/article-extraction-benchmark (181). Each page's main text is taken with the
project's page extractor (``extract_page``, with the page's URL), then the vendor matcher
runs on title and text. A seeded random sample of vendor mentions is drawn from all of them
and printed, each with its id (``page:offset``), vendor, surface form and the text around it,
so a person can judge whether the text means that company.

    .venv/bin/python bench/vendor_precision.py [--seed 2026] [--sample 100]
    .venv/bin/python bench/vendor_precision.py --judged bench/vendor_precision_judged.jsonl
    .venv/bin/python bench/vendor_precision.py --counts      # mentions per vendor, all pages

``--judged FILE`` reads judgements, one JSON per line ``{"id", "vendor", "correct": true |
false, "reason"}``, and prints the precision over the sampled mentions (a judgement whose id
is not in today's sample, or a sampled mention without one, is reported, not counted).
``--texts FILE`` keeps the extracted page texts between runs (JSONL, written when absent).
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.extract import load_extractor  # noqa: E402
from tracker.parse.page import extract_page  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CONTEXT = 160  # characters each side of a mention


@dataclass(frozen=True)
class Mention:
    id: str
    vendor: str
    surface: str
    title: str
    context: str


def page_sources(shared: Path) -> list[tuple[str, Path, str | None]]:
    """(page id, compressed HTML path, URL) of every page, in a fixed order."""
    pages: list[tuple[str, Path, str | None]] = []
    tra = shared / "trafilatura-eval"
    gold = json.loads((tra / "gold.json").read_text(encoding="utf-8"))
    for page_id in sorted(gold):
        pages.append((f"tra/{page_id}", tra / "html" / f"{page_id}.html.xz", gold[page_id]["url"]))
    aeb = shared / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        pages.append(
            (f"aeb/{page_id[:16]}", aeb / "html" / f"{page_id}.html.gz", truth[page_id]["url"])
        )
    return pages


def page_texts(shared: Path, cache: Path | None) -> list[tuple[str, str, str]]:
    """(page id, title, main text) of every page."""
    if cache is not None and cache.is_file():
        rows = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
        return [(r["id"], r["title"], r["text"]) for r in rows]
    texts: list[tuple[str, str, str]] = []
    for page_id, path, url in page_sources(shared):
        raw = path.read_bytes()
        html = lzma.decompress(raw) if path.suffix == ".xz" else gzip.decompress(raw)
        page = extract_page(html, url)
        texts.append((page_id, page.title or "", page.text))
    if cache is not None:
        cache.write_text(
            "".join(
                json.dumps({"id": i, "title": t, "text": x}, ensure_ascii=False) + "\n"
                for i, t, x in texts
            ),
            encoding="utf-8",
        )
    return texts


def all_mentions(texts: list[tuple[str, str, str]]) -> tuple[list[Mention], float]:
    """Every vendor mention of every page, and the seconds the matching took."""
    config = ROOT / "config"
    extractor = load_extractor(
        config / "vendors.toml", config / "catalog", config / "attributions.toml"
    )
    found: list[Mention] = []
    took = 0.0
    for page_id, title, text in texts:
        document = f"{title}\n{text}" if title else text
        started = time.perf_counter()
        mentions = extractor.vendors.find(document)
        took += time.perf_counter() - started
        for m in mentions:
            before = document[max(0, m.start - CONTEXT) : m.start]
            after = document[m.end : m.end + CONTEXT]
            context = f"{before}[[{document[m.start : m.end]}]]{after}".replace("\n", " / ")
            found.append(Mention(f"{page_id}:{m.start}", m.vendor, m.surface, title, context))
    return found, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--judged", type=Path, help="judgements to score (JSONL)")
    parser.add_argument("--texts", type=Path, help="cache of the extracted page texts (JSONL)")
    parser.add_argument("--counts", action="store_true", help="mentions per vendor instead")
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    if not args.shared.is_dir():
        sys.exit(f"vendor_precision: {args.shared} is not present")
    texts = page_texts(args.shared, args.texts)
    mentions, took = all_mentions(texts)
    pages = len({m.id.rsplit(":", 1)[0] for m in mentions})
    print(
        f"{len(texts)} pages, {sum(len(t) + len(x) for _, t, x in texts) / 1e6:.1f} MB of text; "
        f"{len(mentions)} vendor mentions on {pages} pages ({took:.1f} s matching)"
    )
    if args.counts:
        for vendor, count in Counter(m.vendor for m in mentions).most_common():
            print(f"{count:6d}  {vendor}")
        return
    sample = random.Random(args.seed).sample(mentions, min(args.sample, len(mentions)))
    if args.judged is None:
        for i, m in enumerate(sample, 1):
            print(f"\n#{i} {m.id}  {m.vendor}  ({m.surface!r})  title: {m.title[:80]!r}")
            print(f"   {m.context}")
        return
    judged = {}
    for line in args.judged.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            judged[row["id"]] = row
    ids = {m.id for m in sample}
    counted = [judged[m.id] for m in sample if m.id in judged]
    right = sum(bool(row["correct"]) for row in counted)
    for m in sample:
        if m.id not in judged:
            print(f"not judged: {m.id} {m.vendor}")
    for page_id in sorted(judged.keys() - ids):
        print(f"judged but not in this sample: {page_id}")
    for row in counted:
        if not row["correct"]:
            print(f"wrong: {row['id']} {row['vendor']}: {row['reason']}")
    if counted:
        print(f"precision {right}/{len(counted)} = {right / len(counted):.3f} (seed {args.seed})")


if __name__ == "__main__":
    main()
