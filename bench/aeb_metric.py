"""Article-body scoring as in scrapinghub/article-extraction-benchmark (``evaluate.py``).

Importable pure functions plus a self-check::

    python bench/aeb_metric.py

re-scores the published tool outputs shipped with the benchmark data and prints them next to the
numbers published in the benchmark README, to show that this implementation reproduces them.

Metric (same rules as the reference ``evaluate.py``):

* tokens are the ``\\w+`` matches of a text (Unicode, case kept);
* a text becomes the multiset of its 4-token shingles; a text with 1 to 3 tokens yields exactly
  one, shorter, shingle made of all its tokens; a text without tokens yields no shingle;
* per page, TP = sum of min(gold count, pred count) over shingles, FP = sum of the excess of
  pred counts, FN = sum of the excess of gold counts; (TP, FP, FN) is then divided by
  TP + FP + FN (when > 0) so that every page weighs the same;
* page precision = TP / (TP + FP) and page recall = TP / (TP + FN), both 1.0 when FP = FN = 0;
* precision = mean page precision over pages with TP + FP > 0 (pages where nothing was
  predicted are left out), recall = mean page recall over pages with TP + FN > 0;
* F1 = harmonic mean of those two means (not the mean of page F1s);
* accuracy = share of pages whose token lists are equal;
* ``*_std`` = standard deviation (sample, n - 1) of each figure over bootstrap resamples of the
  pages (1000 by default). The reference draws them from an unseeded ``random``; here the seed
  is fixed, so the point values match the published ones exactly and the ``±`` only to within
  bootstrap noise (about 0.001).
"""

from __future__ import annotations

import json
import lzma
import math
import os
import random
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NGRAM_N = 4
N_BOOTSTRAP = 1000
SEED = 20191119

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)

# Figures published in the benchmark's README (latest evaluation): F1, P, R, accuracy, each as
# (value, ±).
PUBLISHED: dict[str, dict[str, tuple[float, float]]] = {
    "trafilatura": {
        "f1": (0.958, 0.006),
        "precision": (0.938, 0.009),
        "recall": (0.978, 0.006),
        "accuracy": (0.293, 0.034),
    },
    "readability": {
        "f1": (0.922, 0.013),
        "precision": (0.913, 0.014),
        "recall": (0.931, 0.015),
        "accuracy": (0.315, 0.034),
    },
    "goose3": {
        "f1": (0.896, 0.015),
        "precision": (0.940, 0.013),
        "recall": (0.856, 0.020),
        "accuracy": (0.232, 0.032),
    },
}
PUBLISHED_VERSIONS = {"trafilatura": "2.0.0", "readability": "0.8.4.1", "goose3": "3.1.20"}

METRICS = ("precision", "recall", "f1", "accuracy")


# --------------------------------------------------------------------------------------------
# Per-page matching
# --------------------------------------------------------------------------------------------


def tokenize(text: str | None) -> list[str]:
    """``\\w+`` tokens of ``text`` (``None`` counts as empty)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of the ``n``-token shingles of ``text``.

    Texts with fewer than ``n`` tokens (but at least one) give a single shorter shingle; an empty
    text gives none.
    """
    tokens = tokenize(text)
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


@dataclass(frozen=True, slots=True)
class PageMatch:
    """Normalised shingle overlap of one page (tp + fp + fn == 1, or all 0)."""

    tp: float
    fp: float
    fn: float
    exact: bool  # token lists are equal

    @property
    def precision(self) -> float:
        return precision_score(self.tp, self.fp, self.fn)

    @property
    def recall(self) -> float:
        return recall_score(self.tp, self.fp, self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def match_page(gold: str | None, pred: str | None, n: int = NGRAM_N) -> PageMatch:
    """Shingle TP/FP/FN of one prediction against its gold text, normalised to sum 1."""
    gold_sh = shingles(gold, n)
    pred_sh = shingles(pred, n)
    tp = fp = fn = 0.0
    for key in gold_sh.keys() | pred_sh.keys():
        g = gold_sh.get(key, 0)
        p = pred_sh.get(key, 0)
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageMatch(tp=tp, fp=fp, fn=fn, exact=tokenize(gold) == tokenize(pred))


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------


def _mean_or_nan(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else math.nan


def aggregate(matches: Sequence[PageMatch]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of a list of page matches (no bootstrap)."""
    precision = _mean_or_nan([m.precision for m in matches if m.tp + m.fp > 0])
    recall = _mean_or_nan([m.recall for m in matches if m.tp + m.fn > 0])
    if precision + recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    else:
        f1 = 0.0 if not math.isnan(precision + recall) else math.nan
    accuracy = _mean_or_nan([1.0 if m.exact else 0.0 for m in matches])
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy}


def bootstrap_std(
    matches: Sequence[PageMatch], n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> dict[str, float]:
    """Standard deviation of each figure over ``n_bootstrap`` resamples of the pages."""
    rng = random.Random(seed)
    n = len(matches)
    samples: dict[str, list[float]] = {k: [] for k in METRICS}
    if n == 0 or n_bootstrap < 2:
        return {f"{k}_std": math.nan for k in METRICS}
    for _ in range(n_bootstrap):
        resample = [matches[rng.randint(0, n - 1)] for _ in range(n)]
        for key, value in aggregate(resample).items():
            samples[key].append(value)
    return {f"{k}_std": statistics.stdev(v) for k, v in samples.items()}


def score(
    pred: Mapping[str, str | None],
    gold: Mapping[str, str],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = SEED,
) -> dict[str, Any]:
    """Score predicted article bodies against gold ones, both keyed by page id.

    Pages of ``gold`` missing from ``pred`` count as empty predictions (the reference script
    refuses such input instead); ids of ``pred`` absent from ``gold`` are ignored.

    Returns ``precision``, ``recall``, ``f1``, ``accuracy``, their ``*_std`` (bootstrap standard
    deviation), ``n_pages``, ``n_missing`` and ``n_empty`` (pages with no predicted token).
    """
    ids = sorted(gold)
    matches = [match_page(gold[i], pred.get(i)) for i in ids]
    result: dict[str, Any] = aggregate(matches)
    result.update(bootstrap_std(matches, n_bootstrap, seed))
    result["n_pages"] = len(ids)
    result["n_missing"] = sum(1 for i in ids if i not in pred)
    result["n_empty"] = sum(1 for i in ids if not tokenize(pred.get(i)))
    return result


def page_matches(pred: Mapping[str, str | None], gold: Mapping[str, str]) -> dict[str, PageMatch]:
    """Per-page matches, keyed by page id (for listing the worst pages)."""
    return {i: match_page(gold[i], pred.get(i)) for i in sorted(gold)}


# --------------------------------------------------------------------------------------------
# Benchmark data
# --------------------------------------------------------------------------------------------


def shared_data_dir() -> Path:
    """``../shared/data`` next to the repository, or ``$TRACKER_SHARED_DATA``."""
    env = os.environ.get("TRACKER_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def aeb_dir() -> Path:
    return shared_data_dir() / "article-extraction-benchmark"


def require_aeb_dir() -> Path:
    """The benchmark directory; prints a message and exits 0 when it is absent."""
    path = aeb_dir()
    if not (path / "ground-truth.json").is_file() or not (path / "html").is_dir():
        print(
            f"article-extraction-benchmark data not found at {path}; nothing to do.\n"
            "Set TRACKER_SHARED_DATA to the directory holding article-extraction-benchmark/."
        )
        sys.exit(0)
    return path


def load_ground_truth(path: Path) -> dict[str, dict[str, str]]:
    """``{id: {"articleBody": str, "url": str}}`` from ``ground-truth.json``."""
    with (path / "ground-truth.json").open(encoding="utf8") as f:
        data: dict[str, dict[str, str]] = json.load(f)
    return data


def gold_bodies(ground_truth: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    return {k: v.get("articleBody") or "" for k, v in ground_truth.items()}


def load_output(path: Path) -> tuple[dict[str, str | None], str | None]:
    """Published predictions ``({id: articleBody}, version)`` from ``output/<tool>.json[.xz]``."""
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf8") as f:
        data = json.load(f)
    version = None
    if isinstance(data.get("output"), dict) and "version" in data:
        version = str(data["version"])
        data = data["output"]
    return {k: (v or {}).get("articleBody") for k, v in data.items()}, version


# --------------------------------------------------------------------------------------------
# Self-check against the published figures
# --------------------------------------------------------------------------------------------


def _fmt(value: float, std: float) -> str:
    return f"{value:.3f} ± {std:.3f}"


def reproduce(tools: Iterable[str], n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED) -> int:
    base = require_aeb_dir()
    gold = gold_bodies(load_ground_truth(base))
    print(f"data: {base}  pages: {len(gold)}  bootstrap: {n_bootstrap} (seed {seed})\n")
    header = f"{'tool':<15} {'version':<9} {'':<10}" + "".join(f"{m:<17}" for m in METRICS)
    print(header)
    print("-" * len(header))
    mismatches = 0
    for tool in tools:
        path = base / "output" / f"{tool}.json.xz"
        if not path.is_file():
            print(f"{tool:<15} (no {path.name})")
            continue
        pred, version = load_output(path)
        if set(pred) != set(gold):
            print(f"{tool:<15} prediction ids differ from ground truth")
        res = score(pred, gold, n_bootstrap=n_bootstrap, seed=seed)
        ours = "".join(f"{_fmt(res[m], res[m + '_std']):<17}" for m in METRICS)
        print(f"{tool:<15} {version or '?':<9} {'ours':<10}{ours}")
        pub = PUBLISHED.get(tool)
        if pub is None:
            continue
        theirs = "".join(f"{_fmt(*pub[m]):<17}" for m in METRICS)
        pub_version = PUBLISHED_VERSIONS.get(tool, "?")
        print(f"{'':<15} {pub_version:<9} {'published':<10}{theirs}")
        diffs = [m for m in METRICS if f"{res[m]:.3f}" != f"{pub[m][0]:.3f}"]
        verdict = "point values identical" if not diffs else "DIFFER: " + ", ".join(diffs)
        std_gap = max(abs(res[m + "_std"] - pub[m][1]) for m in METRICS)
        print(f"{'':<15} {'':<9} {'check':<10}{verdict}; max |± gap| {std_gap:.3f}")
        mismatches += bool(diffs)
    print(
        "\n± is the bootstrap standard deviation; published ones come from an unseeded bootstrap,"
        "\nso they can differ from ours by about 0.001 while point values must be identical."
    )
    return 1 if mismatches else 0


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "tools",
        nargs="*",
        default=["trafilatura", "readability", "goose3"],
        help="names of output/<tool>.json.xz files to re-score",
    )
    parser.add_argument("--n-bootstrap", type=int, default=N_BOOTSTRAP)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    return reproduce(args.tools, n_bootstrap=args.n_bootstrap, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())
