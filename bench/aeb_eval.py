"""Score ``tracker.parse.page.extract_page`` on the article-extraction-benchmark pages.

Runs the tracker's extractor on the 181 benchmark pages (passing each page's gold URL), scores
the extracted ``Page.text`` with the benchmark metric (``bench/aeb_metric.py``) and, in the same
run, raw ``trafilatura.extract(html, include_comments=False)`` with default settings as the
benchmark repository calls it (no URL). Also reports per-page extraction time.

    python bench/aeb_eval.py                 # table
    python bench/aeb_eval.py --worst 10      # plus the 10 worst pages by tracker F1
    python bench/aeb_eval.py --json          # figures as JSON
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aeb_metric import (
    N_BOOTSTRAP,
    SEED,
    PageMatch,
    gold_bodies,
    load_ground_truth,
    page_matches,
    require_aeb_dir,
    score,
    tokenize,
)

REPO_ROOT = Path(__file__).resolve().parents[1]

# (html, url) -> (text, metadata of the page to keep)
Extractor = Callable[[str, str | None], tuple[str | None, dict[str, Any]]]


@dataclass
class Run:
    """Predictions and timings of one extractor over the benchmark pages."""

    name: str
    texts: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_pages(base: Path, ids: Sequence[str]) -> dict[str, str]:
    pages: dict[str, str] = {}
    for page_id in ids:
        with gzip.open(base / "html" / f"{page_id}.html.gz", "rt", encoding="utf8") as f:
            pages[page_id] = f.read()
    return pages


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (``q`` in 0..100) of ``values``."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def run_extractor(
    name: str, extract: Extractor, pages: dict[str, str], urls: dict[str, str | None]
) -> Run:
    run = Run(name)
    # One untimed call first, so lazy imports and caches do not land on the first page.
    first = next(iter(pages))
    with contextlib.suppress(Exception):
        extract(pages[first], urls[first])
    for page_id, html in pages.items():
        start = time.perf_counter()
        try:
            text, run.meta[page_id] = extract(html, urls[page_id])
        except Exception as exc:
            text = None
            run.errors[page_id] = f"{type(exc).__name__}: {exc}"
            if len(run.errors) == 1:
                traceback.print_exc(file=sys.stderr)
        run.seconds[page_id] = time.perf_counter() - start
        run.texts[page_id] = text or ""
    return run


def run_tracker(pages: dict[str, str], urls: dict[str, str | None]) -> Run:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        from tracker.parse.page import extract_page
    except ImportError as exc:
        print(f"cannot import tracker.parse.page.extract_page: {exc}", file=sys.stderr)
        sys.exit(1)

    def extract(html: str, url: str | None) -> tuple[str | None, dict[str, Any]]:
        page = extract_page(html, url=url)
        meta = {"title": bool(page.title), "published_at": page.published_at is not None}
        text: str | None = page.text
        return text, meta

    return run_extractor("tracker", extract, pages, urls)


def run_trafilatura(pages: dict[str, str], urls: dict[str, str | None]) -> Run:
    import trafilatura

    def extract(html: str, url: str | None) -> tuple[str | None, dict[str, Any]]:
        result: str | None = trafilatura.extract(html, include_comments=False)
        return result, {}

    return run_extractor(f"trafilatura {trafilatura.__version__} (raw)", extract, pages, urls)


def summarise(run: Run, gold: dict[str, str], n_bootstrap: int, seed: int) -> dict[str, Any]:
    figures = score(run.texts, gold, n_bootstrap=n_bootstrap, seed=seed)
    secs = list(run.seconds.values())
    figures.update(
        {
            "name": run.name,
            "n_errors": len(run.errors),
            "seconds_total": sum(secs),
            "seconds_mean": statistics.fmean(secs) if secs else math.nan,
            "seconds_p50": percentile(secs, 50),
            "seconds_p95": percentile(secs, 95),
            "seconds_max": max(secs) if secs else math.nan,
        }
    )
    if any(run.meta.values()):  # only extractors that report a title and a date
        figures["with_title"] = sum(1 for m in run.meta.values() if m.get("title"))
        figures["with_published_at"] = sum(1 for m in run.meta.values() if m.get("published_at"))
    return figures


def worst_pages(
    ours: dict[str, PageMatch],
    other: dict[str, PageMatch] | None,
    run: Run,
    gold: dict[str, str],
    urls: dict[str, str | None],
    n: int,
) -> list[dict[str, Any]]:
    ranked = sorted(ours, key=lambda i: (ours[i].f1, i))[:n]
    rows = []
    for page_id in ranked:
        m = ours[page_id]
        rows.append(
            {
                "id": page_id,
                "url": urls[page_id],
                "precision": m.precision,
                "recall": m.recall,
                "f1": m.f1,
                "baseline_f1": other[page_id].f1 if other else None,
                "gold_tokens": len(tokenize(gold[page_id])),
                "pred_tokens": len(tokenize(run.texts[page_id])),
                "seconds": run.seconds[page_id],
                "error": run.errors.get(page_id),
            }
        )
    return rows


def _json_safe(value: Any) -> Any:
    """NaN (no page to average over) becomes null, so the output is strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def print_table(results: list[dict[str, Any]]) -> None:
    print(
        f"{'extractor':<28} {'precision':<15} {'recall':<15} {'F1':<15} {'accuracy':<15}"
        f" {'ms mean':>8} {'ms p50':>7} {'ms p95':>7} {'errors':>6} {'empty':>6}"
    )
    for r in results:
        cells = "".join(
            f"{r[m]:.3f} ± {r[m + '_std']:.3f}  " for m in ("precision", "recall", "f1", "accuracy")
        )
        print(
            f"{r['name']:<28} {cells}"
            f"{r['seconds_mean'] * 1000:>7.1f} {r['seconds_p50'] * 1000:>7.1f}"
            f" {r['seconds_p95'] * 1000:>7.1f} {r['n_errors']:>6} {r['n_empty']:>6}"
        )


def print_worst(rows: list[dict[str, Any]], baseline_name: str | None) -> None:
    print(f"\nWorst {len(rows)} pages by tracker F1 (per page):")
    other = "trafF1" if baseline_name else ""
    print(f"{'id':<14} {'P':>5} {'R':>5} {'F1':>5} {other:>6} {'gold':>6} {'ours':>6}  host")
    for r in rows:
        base = f"{r['baseline_f1']:.2f}" if r["baseline_f1"] is not None else ""
        host = urlsplit(r["url"] or "").netloc
        note = f"  ERROR {r['error']}" if r["error"] else ""
        print(
            f"{r['id'][:12]:<14} {r['precision']:>5.2f} {r['recall']:>5.2f} {r['f1']:>5.2f}"
            f" {base:>6} {r['gold_tokens']:>6} {r['pred_tokens']:>6}  {host}{note}"
        )
    print("(gold/ours = number of \\w+ tokens; trafF1 = raw trafilatura on the same page)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list N worst pages")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the raw trafilatura comparison"
    )
    parser.add_argument("--n-bootstrap", type=int, default=N_BOOTSTRAP)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--save-output",
        type=Path,
        metavar="PATH",
        help="write tracker predictions as benchmark-style JSON ({id: {articleBody}})",
    )
    args = parser.parse_args(argv)

    base = require_aeb_dir()
    truth = load_ground_truth(base)
    gold = gold_bodies(truth)
    ids = sorted(gold)
    urls: dict[str, str | None] = {i: truth[i].get("url") or None for i in ids}
    pages = load_pages(base, ids)

    runs = [run_tracker(pages, urls)]
    if not args.no_baseline:
        runs.append(run_trafilatura(pages, urls))
    results = [summarise(r, gold, args.n_bootstrap, args.seed) for r in runs]

    worst: list[dict[str, Any]] = []
    if args.worst > 0:
        ours = page_matches(runs[0].texts, gold)
        other = page_matches(runs[1].texts, gold) if len(runs) > 1 else None
        worst = worst_pages(ours, other, runs[0], gold, urls, args.worst)

    if args.save_output:
        out = {i: {"articleBody": runs[0].texts[i]} for i in ids}
        args.save_output.write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf8")

    if args.json:
        payload: dict[str, Any] = {
            "pages": len(ids),
            "n_bootstrap": args.n_bootstrap,
            "seed": args.seed,
            "results": results,
        }
        if args.worst > 0:
            payload["worst"] = worst
        print(json.dumps(_json_safe(payload), indent=2))
        return 0

    print(f"pages: {len(ids)}  data: {base}  bootstrap: {args.n_bootstrap} (seed {args.seed})\n")
    print_table(results)
    extra = results[0]
    print(
        f"\ntracker: title found on {extra['with_title']}/{len(ids)} pages,"
        f" published_at on {extra['with_published_at']}/{len(ids)};"
        f" total extraction time {extra['seconds_total']:.2f} s"
        f" ({extra['seconds_mean']:.4f} s/page, max {extra['seconds_max'] * 1000:.0f} ms)"
    )
    if worst:
        print_worst(worst, runs[1].name if len(runs) > 1 else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
