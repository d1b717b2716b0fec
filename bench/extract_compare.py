"""Extraction speed of two checkouts, alternated on the same corpus; or their outputs compared.

Each checkout runs its own ``Extractor`` (its code, its ``config/tracker.toml``) in a worker
process of its own, over the same fixed corpora, built here once: extract_bench's generated
articles (``build_corpus(mb, seed)``) and the labelled texts of ``fixtures/gold``. The
workers are warmed up, then the checkouts take turns, round after round, the order swapped
each round; each turn is the best of two passes per corpus, in process CPU time
(``time.process_time``), which a loaded machine inflates less than the wall clock.

    .venv/bin/python bench/extract_compare.py BASE_TREE NEW_TREE [--rounds 6] [--mb 2] [--seed 7]
    .venv/bin/python bench/extract_compare.py OLD_TREE NEW_TREE --same-output [--more FILE]

Prints ms per article per corpus and checkout, each round's ratio NEW / BASE and the median.
With ``--same-output`` it times nothing: it compares every article's full extraction (its
``repr``) between the two checkouts, on both corpora and the dev set's texts, and exits 1 at
the first difference. A tree is a directory holding ``tracker/`` and ``config/``, e.g. one made
by ``git archive 3f484ef | tar -x -C /tmp/extract-base``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT.parent / "shared" / "data" / "supplychain-news-dev" / "articles.jsonl"
CORPORA = ("generated", "gold")


def gold_articles(path: Path) -> list[tuple[str | None, str]]:
    """(title, text) of each record of a JSON-lines file of labelled texts."""
    articles: list[tuple[str | None, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            articles.append((record.get("title") or None, record["text"]))
    return articles


def worker(tree: Path, corpus_file: Path) -> int:
    """Serve commands on stdin: ``time CORPUS`` (CPU seconds of one pass), ``digest CORPUS``
    (a hash of each article's extraction), ``quit``."""
    import tracker
    from tracker.config import load_settings
    from tracker.extract import load_extractor

    imported = Path(tracker.__file__).resolve()
    if not imported.is_relative_to(tree.resolve()):
        print(f"error: imported {imported}, not from {tree}", flush=True)
        return 1
    settings = load_settings(tree / "config" / "tracker.toml", required=True)
    extractor = load_extractor(
        settings.vendors_file, settings.catalog_dir, settings.attributions_file
    )
    corpora: dict[str, list[tuple[str | None, str]]] = {
        name: [(t, x) for t, x in articles]
        for name, articles in json.loads(corpus_file.read_text(encoding="utf-8")).items()
    }
    for name in CORPORA:  # warm-up: lazy tables, caches, the allocator
        for title, text in corpora[name][:100]:
            extractor.extract(title, text)
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, name = line.strip().partition(" ")
        if command == "quit":
            break
        articles = corpora[name]
        if command == "time":
            started = time.process_time()
            for title, text in articles:
                extractor.extract(title, text)
            print(time.process_time() - started, flush=True)
        elif command == "digest":
            digests = [
                hashlib.sha256(repr(extractor.extract(t, x)).encode()).hexdigest()[:16]
                for t, x in articles
            ]
            print(json.dumps(digests), flush=True)
    return 0


class Worker:
    """One checkout's worker process."""

    def __init__(self, tree: Path, corpus_file: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(tree))
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(tree), str(corpus_file)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        answer = self.ask(None)
        if answer != "ready":
            raise SystemExit(f"{tree}: worker did not start: {answer}")

    def ask(self, command: str | None) -> str:
        assert self.process.stdin
        assert self.process.stdout
        if command:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(timeout=60)


def compare_speed(workers: list[Worker], sizes: dict[str, int], rounds: int) -> None:
    """Alternate the two checkouts; print ms/article per turn and the ratios."""
    ratios: dict[str, list[float]] = {name: [] for name in CORPORA}
    best: dict[tuple[int, str], float] = {}
    for number in range(rounds):
        order = [0, 1] if number % 2 == 0 else [1, 0]
        per_article: dict[tuple[int, str], float] = {}
        for index in order:
            for name in CORPORA:
                seconds = min(float(workers[index].ask(f"time {name}")) for _ in range(2))
                per_article[index, name] = 1000 * seconds / sizes[name]
                key = (index, name)
                best[key] = min(best.get(key, float("inf")), per_article[key])
        cells = []
        for name in CORPORA:
            ratio = per_article[1, name] / per_article[0, name]
            ratios[name].append(ratio)
            cells.append(
                f"{name} {per_article[0, name]:6.2f} -> {per_article[1, name]:6.2f} ms"
                f" ({ratio:.3f}x)"
            )
        print(f"round {number + 1}: " + "; ".join(cells), flush=True)
    for name in CORPORA:
        print(
            f"{name:9} {sizes[name]:5} articles: best {best[0, name]:6.2f} -> "
            f"{best[1, name]:6.2f} ms/article, ratio median {statistics.median(ratios[name]):.3f}"
            f" (range {min(ratios[name]):.3f}-{max(ratios[name]):.3f}),"
            f" of bests {best[1, name] / best[0, name]:.3f}"
        )
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def compare_output(workers: list[Worker], corpora: dict[str, list[tuple[str | None, str]]]) -> int:
    """Exit status 1 when an article's extraction differs between the two checkouts."""
    status = 0
    for name, articles in corpora.items():
        first, second = (json.loads(w.ask(f"digest {name}")) for w in workers)
        differing = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        print(f"{name:9} {len(articles):5} articles: {len(differing)} differ")
        for i in differing[:5]:
            title, text = articles[i]
            print(f"  #{i}: {(title or text)[:100]!r}")
        status |= bool(differing)
    return status


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return worker(Path(sys.argv[2]), Path(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="the checkout to compare against")
    parser.add_argument("new", type=Path, help="the checkout measured")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--mb", type=float, default=2.0, help="generated corpus size in MB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--same-output", action="store_true", help="compare outputs, not time")
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="labelled news (--same-output)")
    parser.add_argument(
        "--more",
        type=Path,
        action="append",
        default=[],
        help="more texts for --same-output: JSON lines with text (and title), e.g. the cache"
        " bench/vendor_precision.py --texts writes of the shared off-topic pages",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from extract_bench import build_corpus

    corpora: dict[str, list[tuple[str | None, str]]] = {
        "generated": [(t, x) for t, x in build_corpus(args.mb, args.seed)],
        "gold": gold_articles(ROOT / "fixtures" / "gold" / "articles.jsonl"),
    }
    if args.same_output and args.dev.exists():
        corpora["dev"] = gold_articles(args.dev)
    for path in args.more if args.same_output else ():
        corpora[path.stem] = gold_articles(path)
    with tempfile.TemporaryDirectory() as scratch:
        corpus_file = Path(scratch) / "corpora.json"
        corpus_file.write_text(json.dumps(corpora), encoding="utf-8")
        workers = [Worker(tree.resolve(), corpus_file) for tree in (args.base, args.new)]
        try:
            if args.same_output:
                return compare_output(workers, corpora)
            print(f"{args.base} -> {args.new}", flush=True)
            compare_speed(workers, {k: len(v) for k, v in corpora.items()}, args.rounds)
        finally:
            for w in workers:
                w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
