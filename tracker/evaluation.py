"""Scoring the extraction against labelled articles (pure: records in, figures out).

A gold record: ``{id, text, vendors, products, relations, events}`` (title optional).
- vendors: canonical names; scored as sets per record, summed over records (micro P/R/F1),
  and per vendor kind.
- products: names or catalog ids, resolved through the catalog to ids; unknown names are
  compared by their normalised form.
- relations: (supplier, customer, current?) where current means status is not "negated";
  the status itself is scored as accuracy over the matched pairs.
- events: the set of event types per record, and the (type, vendor) pairs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.catalog.products import Catalog
from tracker.errors import ParseError
from tracker.extract import Extractor
from tracker.extract.products import normalise
from tracker.models import Extraction

FIELDS = ("vendors", "products", "relations", "event_types", "event_vendors")


@dataclass(slots=True)
class Score:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], predicted: set[Any]) -> None:
        """Count one record's sets."""
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Figures for JSON."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Miss:
    """What one record got wrong in one field."""

    record: str
    field: str
    missed: list[str]
    spurious: list[str]


@dataclass(slots=True)
class Report:
    """The evaluation of a gold set."""

    records: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    by_kind: dict[str, Score] = field(default_factory=dict)
    status_matched: int = 0
    status_correct: int = 0
    vendor_free: int = 0
    vendor_free_with_vendors: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def status_accuracy(self) -> float:
        """Share of matched relations whose status is right."""
        return self.status_correct / self.status_matched if self.status_matched else 1.0

    def worst(self, limit: int = 10) -> list[Miss]:
        """The records with most errors, most first."""
        return sorted(self.misses, key=lambda m: -(len(m.missed) + len(m.spurious)))[:limit]

    def as_dict(self, worst: int = 10) -> dict[str, Any]:
        """Everything, for JSON."""
        return {
            "records": self.records,
            "fields": {name: score.as_dict() for name, score in self.scores.items()},
            "vendor_kinds": {k: s.as_dict() for k, s in sorted(self.by_kind.items())},
            "relation_status_accuracy": round(self.status_accuracy, 4),
            "vendor_free_records": self.vendor_free,
            "vendor_free_records_with_vendors": self.vendor_free_with_vendors,
            "worst": [
                {"record": m.record, "field": m.field, "missed": m.missed, "spurious": m.spurious}
                for m in self.worst(worst)
            ],
        }


def read_gold(lines: Iterable[str], origin: str = "gold") -> list[dict[str, Any]]:
    """Parse JSON lines; ParseError names the line of a bad record."""
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(f"eval: {origin}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ParseError(f"eval: {origin}:{number}: a record needs a text")
        record.setdefault("id", f"line-{number}")
        records.append(record)
    return records


def _product_key(name: str, extractor: Extractor) -> str:
    """A gold product name as the extractor would link it, else its normalised form."""
    found = extractor.products.find(name, [(0, len(name))], [])
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(name.rstrip()):
        return found[0].catalog_id or normalise(found[0].name)
    product = extractor.catalog.get(name)
    return product.id if product else normalise(name)


def _ancestors(catalog: Catalog, product_id: str) -> list[str]:
    chain: list[str] = []
    current = catalog.products.get(product_id)
    while current is not None and current.parent and current.parent not in chain:
        chain.append(current.parent)
        current = catalog.products.get(current.parent)
    return chain


def _credit_specific(predicted: set[str], gold: set[str], catalog: Catalog) -> set[str]:
    """A link to a more specific entry than the label (12-high HBM3E for HBM3E) counts as
    the label: linking deeper in the catalog is not an error."""
    credited: set[str] = set()
    for key in predicted:
        if key not in gold:
            key = next((a for a in _ancestors(catalog, key) if a in gold), key)
        credited.add(key)
    return credited


def _current(status: object) -> bool:
    return status != "negated"


def evaluate(records: Sequence[dict[str, Any]], extractor: Extractor) -> Report:
    """Run the extractor over each record's text and score it against the labels."""
    report = Report()
    kinds = {v.name: v.kind for v in extractor.gazetteer.vendors.values()}
    for record in records:
        result = extractor.extract(record.get("title"), record["text"])
        report.records += 1
        _score_record(report, str(record["id"]), record, result, extractor, kinds)
    return report


def _score_record(
    report: Report,
    rid: str,
    gold: dict[str, Any],
    result: Extraction,
    extractor: Extractor,
    kinds: dict[str, str],
) -> None:
    gold_sets: dict[str, set[Any]] = {
        "vendors": set(gold.get("vendors", [])),
        "products": {_product_key(str(p), extractor) for p in gold.get("products", [])},
        "relations": {
            (r["supplier"], r["customer"], _current(r.get("status")))
            for r in gold.get("relations", [])
        },
        "event_types": {e["type"] for e in gold.get("events", [])},
        "event_vendors": {
            (e["type"], v) for e in gold.get("events", []) for v in e.get("vendors", [])
        },
    }
    predicted: dict[str, set[Any]] = {
        "vendors": {m.vendor for m in result.mentions},
        "products": {p.catalog_id or normalise(p.name) for p in result.products},
        "relations": {(r.supplier, r.customer, _current(r.status)) for r in result.relations},
        "event_types": {e.type for e in result.events},
        "event_vendors": {(e.type, v) for e in result.events for v in e.vendors},
    }
    predicted["products"] = _credit_specific(
        predicted["products"], gold_sets["products"], extractor.catalog
    )
    for name in FIELDS:
        report.scores[name].add(gold_sets[name], predicted[name])
        missed = sorted(map(str, gold_sets[name] - predicted[name]))
        spurious = sorted(map(str, predicted[name] - gold_sets[name]))
        if missed or spurious:
            report.misses.append(Miss(rid, name, missed, spurious))
    for vendor in gold_sets["vendors"] | predicted["vendors"]:
        score = report.by_kind.setdefault(kinds.get(vendor, "unknown"), Score())
        score.add(gold_sets["vendors"] & {vendor}, predicted["vendors"] & {vendor})
    gold_status = {
        (r["supplier"], r["customer"]): r.get("status") for r in gold.get("relations", [])
    }
    for relation in result.relations:
        status = gold_status.get((relation.supplier, relation.customer))
        if status is not None:
            report.status_matched += 1
            report.status_correct += status == relation.status
    if not gold_sets["vendors"]:
        report.vendor_free += 1
        report.vendor_free_with_vendors += bool(predicted["vendors"])


def kind_counts(records: Sequence[dict[str, Any]]) -> Counter[str]:
    """How many records of each style the set holds."""
    return Counter(str(r.get("style", "unknown")) for r in records)
