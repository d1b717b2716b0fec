"""Scoring the extraction against labelled articles (pure: records in, figures out).

Two label formats are read; which one a set uses is told by its fields.

**Project gold** (``fixtures/gold``): ``{id, text, vendors, products, relations, events}``.
- vendors: canonical gazetteer names, scored as sets per record, summed over records
  (micro P/R/F1), and per vendor kind.
- products: names or catalog ids, resolved through the catalog to ids; unknown names are
  compared by their normalised form.
- relations: (supplier, customer, current?) where current means status is not "negated";
  the status itself is scored as accuracy over the matched pairs.
- events: the set of event types per record, and the (type, vendor) pairs.

**Labelled news** (records with ``vendors_strict``, as in ``supplychain-news-dev``): real
text labelled with the labeller's own company names, plus an alias table
(``{"Canonical": ["alias as written", ...]}``).
- Names: each gold name stands for the gazetteer vendors it names (see ``VendorNames``).
- vendors: recall over ``vendors_strict``; precision over ``vendors`` (a real company
  outside the supply chain found in the text is not an error, nor is it counted as a hit).
- products: surface forms compared after folding case and dropping spaces and hyphens; a
  found product matches a label by the text it matched, or by any name the catalog gives the
  entry it linked to or that entry's ancestors (as for the project gold: "7003" linked to
  EPYC Milan, whose alias is "EPYC 7003", matches that label; "12-layer HBM3E" linked to
  HBM3E 12-high matches "HBM3E").
- relations: (supplier, customer) pairs through the name mapping; a predicted relation whose
  status is "negated" (denied, ended) is not a prediction.
- Figures per field, per language, per vendor kind and per supplier kind of the relations;
  vendors found on records whose labels name no company at all.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import field as _field
from typing import Any

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog
from tracker.errors import ParseError
from tracker.extract import Extractor
from tracker.extract.products import normalise
from tracker.models import Extraction

FIELDS = ("vendors", "products", "relations", "event_types", "event_vendors")
NEWS_FIELDS = ("vendors", "products", "relations")
GOLD_FORMAT = "gold"
NEWS_FORMAT = "news"


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

    def count(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        """Add counts worked out elsewhere."""
        self.tp += tp
        self.fp += fp
        self.fn += fn

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
    group: str = ""
    # The sentence behind each missed or spurious item, where there is one (relations).
    evidence: dict[str, str] = _field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Missed plus spurious items."""
        return len(self.missed) + len(self.spurious)

    def as_dict(self) -> dict[str, Any]:
        """The miss, for JSON."""
        found: dict[str, Any] = {
            "record": self.record,
            "field": self.field,
            "missed": self.missed,
            "spurious": self.spurious,
        }
        if self.group:
            found["group"] = self.group
        if self.evidence:
            found["evidence"] = self.evidence
        return found


@dataclass(slots=True)
class Report:
    """The evaluation of a labelled set."""

    format: str = GOLD_FORMAT
    records: int = 0
    fields: tuple[str, ...] = FIELDS
    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    by_kind: dict[str, Score] = field(default_factory=dict)
    # Field scores per language (labelled news) or per style (project gold).
    group_key: str = "style"
    by_group: dict[str, dict[str, Score]] = field(default_factory=dict)
    # Relations by the supplier's vendor kind (labelled news).
    relation_kinds: dict[str, Score] = field(default_factory=dict)
    # Predicted relations by their status: tp = the labels hold the pair, fp = they do not.
    relation_status: dict[str, Score] = field(default_factory=dict)
    status_matched: int = 0
    status_correct: int = 0
    vendor_free: int = 0
    vendor_free_with_vendors: int = 0
    vendors_on_vendor_free: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def status_accuracy(self) -> float:
        """Share of matched relations whose status is right."""
        return self.status_correct / self.status_matched if self.status_matched else 1.0

    def group_score(self, group: str, name: str) -> Score:
        """The score of one field within one group (created empty)."""
        scores = self.by_group.setdefault(group, {f: Score() for f in self.fields})
        return scores[name]

    def worst(self, limit: int = 10, only: str | None = None) -> list[Miss]:
        """The records with most errors, most first (of one field when ``only`` names it)."""
        misses = [m for m in self.misses if only is None or m.field == only]
        return sorted(misses, key=lambda m: (-m.errors, m.record, m.field))[:limit]

    def as_dict(self, worst: int = 10, only: str | None = None) -> dict[str, Any]:
        """Everything, for JSON."""
        found: dict[str, Any] = {
            "format": self.format,
            "records": self.records,
            "fields": {name: self.scores[name].as_dict() for name in self.fields},
            "vendor_kinds": {k: s.as_dict() for k, s in sorted(self.by_kind.items())},
            f"by_{self.group_key}": {
                group: {name: score.as_dict() for name, score in scores.items()}
                for group, scores in sorted(self.by_group.items())
            },
        }
        if self.format == NEWS_FORMAT:
            found["relation_supplier_kinds"] = {
                k: s.as_dict() for k, s in sorted(self.relation_kinds.items())
            }
            found["relations_by_predicted_status"] = {
                status: {"predicted": s.tp + s.fp, "labelled": s.tp}
                for status, s in sorted(self.relation_status.items())
            }
        else:
            found["relation_status_accuracy"] = round(self.status_accuracy, 4)
        found |= {
            "vendor_free_records": self.vendor_free,
            "vendor_free_records_with_vendors": self.vendor_free_with_vendors,
            "vendors_on_vendor_free_records": self.vendors_on_vendor_free,
            "worst": [m.as_dict() for m in self.worst(worst, only)],
        }
        return found


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


def read_aliases(text: str, origin: str = "aliases") -> dict[str, list[str]]:
    """An alias table: ``{"Canonical": ["alias", ...]}``; ParseError when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"eval: {origin}: not JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
        for k, v in data.items()
    ):
        raise ParseError(f"eval: {origin}: expected {{name: [alias, ...]}}")
    return {k: list(v) for k, v in data.items()}


def label_format(records: Sequence[dict[str, Any]]) -> str:
    """``NEWS_FORMAT`` when the records carry ``vendors_strict``, else ``GOLD_FORMAT``;
    ParseError when a set mixes the two."""
    news = sum("vendors_strict" in r for r in records)
    if news and news != len(records):
        raise ParseError(
            f"eval: {news} of {len(records)} records have vendors_strict: one format per set"
        )
    return NEWS_FORMAT if news else GOLD_FORMAT


class VendorNames:
    """Which gazetteer vendors a labeller's company name stands for.

    A name the gazetteer knows (as a name or an alias, any case) stands for that vendor
    ("Samsung" for Samsung Electronics, "Hewlett-Packard" for HP). Each alias the labels
    give for the name adds the vendor it names in the gazetteer ("Samsung Foundry" under
    "Samsung" adds Samsung Foundry); an alias that is itself one of the labels' names is
    left to that name (bare "Samsung" listed under "Samsung Display" does not make Samsung
    Electronics a Samsung Display). A name nothing maps stays as it is: no vendor can match
    it, so it is a miss whenever it is labelled.
    """

    def __init__(self, gazetteer: Gazetteer, aliases: Mapping[str, Sequence[str]]) -> None:
        self._index: dict[str, str] = {}
        for vendor in gazetteer.vendors.values():
            for form in vendor.surface_forms():
                self._index.setdefault(form.casefold(), vendor.name)
        for name in gazetteer.vendors:
            self._index[name.casefold()] = name
        self._aliases = {k.casefold(): list(v) for k, v in aliases.items()}
        self._cache: dict[str, frozenset[str]] = {}

    def vendor(self, name: str) -> str | None:
        """The gazetteer vendor a name or alias names, if any."""
        return self._index.get(name.strip().casefold())

    def equivalents(self, name: str) -> frozenset[str]:
        """The gazetteer vendors ``name`` stands for, or ``{name}`` when none."""
        key = name.casefold()
        if key not in self._cache:
            found: set[str] = set()
            own = self.vendor(name)
            if own is not None:
                found.add(own)
            for alias in self._aliases.get(key, []):
                if alias.casefold() in self._aliases and alias.casefold() != key:
                    continue
                vendor = self.vendor(alias)
                if vendor is not None:
                    found.add(vendor)
            self._cache[key] = frozenset(found or {name})
        return self._cache[key]

    def primary(self, name: str) -> str:
        """The one gazetteer vendor that best stands for ``name`` (for per-kind figures)."""
        own = self.vendor(name)
        return own if own is not None else min(self.equivalents(name))


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


def evaluate(
    records: Sequence[dict[str, Any]],
    extractor: Extractor,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> Report:
    """Run the extractor over each record's text and score it against the labels, in the
    format the records are written in (``label_format``)."""
    kinds = {v.name: v.kind for v in extractor.gazetteer.vendors.values()}
    if label_format(records) == NEWS_FORMAT:
        report = Report(
            format=NEWS_FORMAT,
            fields=NEWS_FIELDS,
            scores={f: Score() for f in NEWS_FIELDS},
            group_key="language",
        )
        names = VendorNames(extractor.gazetteer, aliases or {})
        for record in records:
            result = extractor.extract(record.get("title"), record["text"])
            report.records += 1
            _score_news_record(report, record, result, names, kinds, extractor.catalog)
        return report
    report = Report()
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
    group = str(gold.get("style", "unknown"))
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
        report.group_score(group, name).add(gold_sets[name], predicted[name])
        missed = sorted(map(str, gold_sets[name] - predicted[name]))
        spurious = sorted(map(str, predicted[name] - gold_sets[name]))
        if missed or spurious:
            report.misses.append(Miss(rid, name, missed, spurious, group))
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
        report.vendors_on_vendor_free += len(predicted["vendors"])


_FOLD_GAPS = re.compile(r"[\s\-\u2010-\u2015]+")


def surface_key(name: str) -> str:
    """A product's surface form with case, spaces and hyphens folded away."""
    return _FOLD_GAPS.sub("", name.casefold())


def _names(values: object) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _score_news_record(
    report: Report,
    record: dict[str, Any],
    result: Extraction,
    names: VendorNames,
    kinds: dict[str, str],
    catalog: Catalog,
) -> None:
    rid = str(record["id"])
    group = str(record.get("language") or "unknown")
    for miss, tp in (
        _news_vendors(report, rid, record, result, names, kinds),
        _news_products(rid, record, result, catalog),
        _news_relations(report, rid, record, result, names, kinds),
    ):
        miss.group = group
        fp, fn = len(miss.spurious), len(miss.missed)
        report.scores[miss.field].count(tp, fp, fn)
        report.group_score(group, miss.field).count(tp, fp, fn)
        if miss.missed or miss.spurious:
            report.misses.append(miss)


def _news_vendors(
    report: Report,
    rid: str,
    record: dict[str, Any],
    result: Extraction,
    names: VendorNames,
    kinds: dict[str, str],
) -> tuple[Miss, int]:
    """Recall over vendors_strict, precision over vendors; figures per kind."""
    strict = sorted(set(_names(record.get("vendors_strict"))))
    named = set(_names(record.get("vendors"))) | set(strict)
    predicted = {m.vendor for m in result.mentions}
    covered: set[str] = set()
    for name in named:
        covered |= names.equivalents(name)
    missed = [n for n in strict if not names.equivalents(n) & predicted]
    spurious = sorted(predicted - covered)
    for name in strict:
        score = report.by_kind.setdefault(kinds.get(names.primary(name), "unknown"), Score())
        score.count(tp=name not in missed, fn=name in missed)
    for vendor in spurious:
        report.by_kind.setdefault(kinds.get(vendor, "unknown"), Score()).count(fp=1)
    if not named:
        report.vendor_free += 1
        report.vendor_free_with_vendors += bool(predicted)
        report.vendors_on_vendor_free += len(predicted)
    return Miss(rid, "vendors", missed, spurious), len(strict) - len(missed)


def _catalog_keys(catalog: Catalog, product_id: str) -> set[str]:
    """Folded names of a catalog entry and of its ancestors."""
    keys: set[str] = set()
    for ident in (product_id, *_ancestors(catalog, product_id)):
        product = catalog.products.get(ident)
        if product is not None:
            forms = (*product.long_forms(), *product.short_names)
            keys |= {surface_key(form) for form in forms}
    return keys


def _news_products(
    rid: str, record: dict[str, Any], result: Extraction, catalog: Catalog
) -> tuple[Miss, int]:
    """Folded surface forms; a find matches by the text it matched or the names the catalog
    gives the entry it linked to (and that entry's ancestors)."""
    labelled = {surface_key(p): p for p in _names(record.get("products"))}
    found: dict[str, tuple[str, set[str]]] = {}
    for product in result.products:
        ident = product.catalog_id or surface_key(product.name)
        _, keys = found.setdefault(ident, (product.name, set()))
        keys |= {surface_key(product.name), surface_key(product.surface)}
        if product.catalog_id:
            keys |= _catalog_keys(catalog, product.catalog_id)
    hit: set[str] = set()
    wrong: set[str] = set()
    for name, keys in found.values():
        if keys & labelled.keys():
            hit |= keys & labelled.keys()
        else:
            wrong.add(name)
    missed = sorted(labelled[k] for k in labelled.keys() - hit)
    return Miss(rid, "products", missed, sorted(wrong)), len(hit)


def _news_relations(
    report: Report,
    rid: str,
    record: dict[str, Any],
    result: Extraction,
    names: VendorNames,
    kinds: dict[str, str],
) -> tuple[Miss, int]:
    """(supplier, customer) pairs through the name mapping; a negated relation is no claim."""
    labelled: dict[tuple[str, str], str] = {}
    for relation in record.get("relations", []) or []:
        pair = (str(relation["supplier"]), str(relation["customer"]))
        labelled.setdefault(pair, str(relation.get("evidence", "")))

    def holds(supplier: str, customer: str) -> set[tuple[str, str]]:
        return {
            (s, c)
            for s, c in labelled
            if supplier in names.equivalents(s) and customer in names.equivalents(c)
        }

    claims: dict[tuple[str, str], str] = {}
    for relation in result.relations:
        is_labelled = bool(holds(relation.supplier, relation.customer))
        status = report.relation_status.setdefault(relation.status, Score())
        status.count(tp=is_labelled, fp=not is_labelled)
        if _current(relation.status):
            claims.setdefault((relation.supplier, relation.customer), relation.evidence)
    matched: set[tuple[str, str]] = set()
    wrong: list[tuple[str, str]] = []
    for pair in claims:
        found = holds(*pair)
        matched |= found
        if not found:
            wrong.append(pair)
    evidence: dict[str, str] = {}
    for pair in labelled:
        kind = kinds.get(names.primary(pair[0]), "unknown")
        score = report.relation_kinds.setdefault(kind, Score())
        score.count(tp=pair in matched, fn=pair not in matched)
        if pair not in matched:
            evidence[" -> ".join(pair)] = labelled[pair]
    for pair in wrong:
        report.relation_kinds.setdefault(kinds.get(pair[0], "unknown"), Score()).count(fp=1)
        evidence[" -> ".join(pair)] = claims[pair]
    missed = sorted(" -> ".join(p) for p in labelled.keys() - matched)
    spurious = sorted(" -> ".join(p) for p in wrong)
    return Miss(rid, "relations", missed, spurious, evidence=evidence), len(matched)


def kind_counts(records: Sequence[dict[str, Any]]) -> Counter[str]:
    """How many records of each style the set holds."""
    return Counter(str(r.get("style", "unknown")) for r in records)
