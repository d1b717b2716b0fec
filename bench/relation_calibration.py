"""Relation confidence: how often each rule's finds hold, and how well confidence predicts it.

Runs the extraction over fixtures/gold and, when present, the labelled news of
../shared/data/supplychain-news-dev (or $TRACKER_SHARED_DATA). For every article it keeps
the surest statement of each (supplier, customer) pair that is not negated, and counts it
correct when the labels hold the pair. Prints, per rule, what it found and how much of it
held; then, per confidence band, the precision of the relations in that band (a calibrated
confidence has precision at or above the band's floor); then the share of relations at or
above the threshold that makes a relation sure (tracker.models.RELATION_SURE).

    .venv/bin/python bench/relation_calibration.py [--write]

With --write the counts replace the table in tracker/extract/relation_confidence.py, which
is how that table is rebuilt after the grammar changes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.evaluation import VendorNames, read_aliases  # noqa: E402
from tracker.extract import Extractor, load_extractor  # noqa: E402
from tracker.extract.language import detect_language, grammar_language  # noqa: E402
from tracker.extract.sentences import sentence_spans  # noqa: E402
from tracker.models import RELATION_SURE, Relation  # noqa: E402

SHARED = Path(os.environ.get("TRACKER_SHARED_DATA") or ROOT.parent / "shared" / "data")
DEV = SHARED / "supplychain-news-dev"
TABLE = ROOT / "tracker" / "extract" / "relation_confidence.py"
BEGIN, END = "# --- counts: written by", "# --- end of counts ---"


def surest(extractor: Extractor, record: dict[str, Any]) -> list[tuple[Relation, str]]:
    """Each pair's surest statement that is not negated, with its rule."""
    title, text = record.get("title"), record["text"]
    document = f"{title}\n{text}" if title else text
    spans = sentence_spans(document)
    language = detect_language(document)
    mentions, attributions = extractor.vendors.scan(document, spans, language)
    products = extractor.products.find(document, spans, mentions)
    found = extractor.relations.candidates(
        document, spans, mentions, products, attributions, grammar_language(language)
    )
    best: dict[tuple[str, str], tuple[Relation, str]] = {}
    for item in found:
        relation = item.relation
        pair = (relation.supplier, relation.customer)
        if relation.status == "negated":
            continue
        if pair not in best or best[pair][0].confidence < relation.confidence:
            best[pair] = (relation, item.rule)
    return list(best.values())


def records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the counts table")
    args = parser.parse_args()
    config = ROOT / "config"
    extractor = load_extractor(
        config / "vendors.toml", config / "catalog", config / "attributions.toml"
    )
    outcomes: list[tuple[str, str, Relation, bool]] = []  # set, rule, relation, held
    for record in records(ROOT / "fixtures" / "gold" / "articles.jsonl"):
        labelled = {
            (r["supplier"], r["customer"])
            for r in record.get("relations", [])
            if r.get("status") != "negated"
        }
        for relation, rule in surest(extractor, record):
            held = (relation.supplier, relation.customer) in labelled
            outcomes.append(("gold", rule, relation, held))
    if DEV.is_dir():
        names = VendorNames(
            extractor.gazetteer, read_aliases((DEV / "vendors.json").read_text(encoding="utf-8"))
        )
        for record in records(DEV / "articles.jsonl"):
            pairs = [(r["supplier"], r["customer"]) for r in record.get("relations", [])]
            for relation, rule in surest(extractor, record):
                held = any(
                    relation.supplier in names.equivalents(s)
                    and relation.customer in names.equivalents(c)
                    for s, c in pairs
                )
                outcomes.append(("dev", rule, relation, held))
    else:
        print(f"{DEV} is not present: counting fixtures/gold only", file=sys.stderr)

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_set: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for which, rule, _, held in outcomes:
        counts[rule][0] += 1
        counts[rule][1] += held
        by_set[(which, rule)][0] += 1
        by_set[(which, rule)][1] += held
    print(f"{'rule':26} {'found':>6} {'held':>5} {'gold':>8} {'dev':>8}")
    for rule, (found, held) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0])):
        gold, dev = by_set[("gold", rule)], by_set[("dev", rule)]
        print(
            f"{rule:26} {found:6d} {held:5d} {gold[1]:>3d}/{gold[0]:<4d} {dev[1]:>3d}/{dev[0]:<4d}"
        )
    print("\nconfidence band   relations  precision")
    bands: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _, _, relation, held in outcomes:
        band = min(int(relation.confidence * 10), 9)
        bands[band][0] += 1
        bands[band][1] += held
    for band in sorted(bands):
        found, held = bands[band]
        print(f"{band / 10:.1f} - {band / 10 + 0.1:.1f}     {found:9d}  {held / found:9.3f}")
    sure = [(r, held) for _, _, r, held in outcomes if r.status == "confirmed"]
    sure = [(r, held) for r, held in sure if r.confidence >= RELATION_SURE]
    if sure:
        precision = sum(held for _, held in sure) / len(sure)
        print(
            f"\nconfirmed at or above {RELATION_SURE}: {len(sure)} of {len(outcomes)} "
            f"relations, precision {precision:.3f}"
        )
    if args.write:
        lines = [f"{BEGIN} bench/relation_calibration.py --write ---"]
        lines.append("COUNTS: dict[str, tuple[int, int]] = {")
        for rule, (found, held) in sorted(counts.items()):
            lines.append(f'    "{rule}": ({found}, {held}),')
        lines.append("}")
        lines.append(END)
        source = TABLE.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
        TABLE.write_text(pattern.sub(lambda _: "\n".join(lines), source), encoding="utf-8")
        print(f"\nwrote {len(counts)} rules to {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
