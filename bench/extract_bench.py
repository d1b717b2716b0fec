"""Extraction speed: the whole extraction vs the raw multi-pattern matcher, on 50+ MB of text.

The workload is fixed: the sample site's article texts (fixtures/site) and the labelled set
(fixtures/gold, when present), recombined sentence by sentence with a seeded generator into
articles of realistic length until the corpus reaches the target size. One process, one core.

    .venv/bin/python bench/extract_bench.py [--mb 50] [--seed 7]

Prints: extractor load time; full extraction MB/s and articles/s, and its CPU time per
article (fairer than the wall clock on a shared machine); the raw Aho-Corasick pass
over the same text (lower-casing included) in MB/s; their ratio; and the time of two
pathological texts without a full stop, 36 and 72 KB (vendor names repeated; a Chinese part
word, each a modifier of the next), which must grow linearly.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.config import load_settings  # noqa: E402
from tracker.extract import load_extractor  # noqa: E402
from tracker.extract.sentences import sentence_spans  # noqa: E402
from tracker.extract.vendors import lower_same_length  # noqa: E402
from tracker.parse.page import extract_page  # noqa: E402


def source_sentences() -> list[str]:
    """Sentences of every sample article and labelled text."""
    texts: list[str] = []
    for page in sorted((ROOT / "fixtures" / "site" / "articles").glob("*.html")):
        texts.append(extract_page(page.read_bytes()).text)
    for gold in sorted((ROOT / "fixtures" / "gold").glob("*.jsonl")):
        for line in gold.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    sentences: list[str] = []
    for text in texts:
        sentences.extend(text[s:e] for s, e in sentence_spans(text))
    return sentences


def build_corpus(megabytes: float, seed: int) -> list[tuple[str, str]]:
    """(title, text) articles of 20 to 45 sentences until the corpus holds ``megabytes``."""
    rng = random.Random(seed)
    sentences = source_sentences()
    target = int(megabytes * 1_000_000)
    corpus: list[tuple[str, str]] = []
    size = 0
    while size < target:
        picked = rng.sample(sentences, rng.randint(20, 45))
        paragraphs = [" ".join(picked[i : i + 4]) for i in range(1, len(picked), 4)]
        article = (picked[0], "\n".join(paragraphs))
        corpus.append(article)
        size += len(article[0].encode()) + len(article[1].encode())
    return corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (UTF-8)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "tracker.toml")
    args = parser.parse_args()

    settings = load_settings(args.config, required=True)
    started = time.perf_counter()
    extractor = load_extractor(
        settings.vendors_file, settings.catalog_dir, settings.attributions_file
    )
    load_s = time.perf_counter() - started

    corpus = build_corpus(args.mb, args.seed)
    documents = [f"{title}\n{text}" for title, text in corpus]
    megabytes = sum(len(d.encode()) for d in documents) / 1_000_000

    automaton = extractor.vendors._automaton  # the matcher under the whole extraction
    started = time.perf_counter()
    raw_hits = 0
    for document in documents:
        for _ in automaton.iter(lower_same_length(document)):
            raw_hits += 1
    raw_s = time.perf_counter() - started

    started = time.perf_counter()
    cpu_started = time.process_time()
    counts = {"vendors": 0, "products": 0, "relations": 0, "events": 0}
    for title, text in corpus:
        result = extractor.extract(title, text)
        counts["vendors"] += len(result.mentions)
        counts["products"] += len(result.products)
        counts["relations"] += len(result.relations)
        counts["events"] += len(result.events)
    full_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started

    gazetteer, catalog = extractor.gazetteer, extractor.catalog
    print(f"gazetteer {len(gazetteer)} vendors, catalog {len(catalog)} entries")
    print(f"load time                {load_s:8.3f} s")
    print(
        f"corpus                   {megabytes:8.1f} MB, {len(corpus):,} articles (seed {args.seed})"
    )
    print(f"raw matcher              {megabytes / raw_s:8.2f} MB/s ({raw_hits:,} alias hits)")
    print(
        f"full extraction          {megabytes / full_s:8.2f} MB/s, "
        f"{len(corpus) / full_s:,.0f} articles/s (one core)"
    )
    # CPU time per article: on a shared, loaded machine a fairer figure than the wall clock.
    print(f"full extraction CPU      {1000 * cpu_s / len(corpus):8.2f} ms/article")
    print(f"full / raw time          {full_s / raw_s:8.2f}x")
    print("found: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    # A feed text without sentence ends, every word a vendor name, and one of part words in
    # Chinese (each a modifier of the next): time must grow linearly.
    for unit, label in (("TSMC Nvidia Apple Arm Intel Foxconn ", "names"), ("柔性面板", "parts")):
        for size in (36_000, 72_000):
            text = (unit * (size // len(unit) + 1))[:size]
            started = time.perf_counter()
            result = extractor.extract(None, text)
            took = time.perf_counter() - started
            found = len(result.mentions) + len(result.products)
            print(f"no full stop, {label} {size // 1000} KB {took:8.2f} s ({found:,} mentions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
