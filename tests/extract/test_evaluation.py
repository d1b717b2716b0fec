"""Scoring labelled news (records with vendors_strict and an alias table): names mapped to
the gazetteer, precision over every company named, recall over the supply-chain ones.

The texts here are written for these tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Cli, write_config
from tracker.errors import ParseError
from tracker.evaluation import (
    NEWS_FORMAT,
    VendorNames,
    evaluate,
    label_format,
    read_aliases,
    surface_key,
)
from tracker.extract import Extractor, load_extractor

ALIASES = {
    "Samsung": ["Samsung", "Samsung Electronics", "Samsung Foundry"],
    "Samsung Display": ["Samsung Display", "Samsung"],
    "Hewlett-Packard": ["Hewlett-Packard"],
    "Luxshare": ["Luxshare", "立讯精密"],
    "Apple": ["Apple"],
    "Zorvath Optics": ["Zorvath Optics"],
    "Hollow Pine Catering": ["Hollow Pine Catering"],
}


def news(rid: str, text: str, language: str = "en", **labels: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": rid,
        "text": text,
        "language": language,
        "vendors": [],
        "vendors_strict": [],
        "products": [],
        "relations": [],
    }
    record.update(labels)
    return record


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def test_names_map_to_the_gazetteer_through_the_alias_table(extractor: Extractor) -> None:
    names = VendorNames(extractor.gazetteer, ALIASES)
    # The gazetteer knows the name itself.
    assert names.equivalents("Hewlett-Packard") == {"HP"}
    # An alias adds the vendor it names: the labels call Samsung Foundry "Samsung".
    assert names.equivalents("Samsung") == {"Samsung Electronics", "Samsung Foundry"}
    # An alias that is another of the labels' names belongs to that name.
    assert names.equivalents("Samsung Display") == {"Samsung Display"}
    # A company the gazetteer does not know stays as it is.
    assert names.equivalents("Zorvath Optics") == {"Zorvath Optics"}


def test_vendors_recall_over_strict_and_precision_over_all(extractor: Extractor) -> None:
    records = [
        news(
            "n1",
            "Luxshare began assembling the headset for Apple this spring, and Zorvath Optics "
            "supplies its lenses. Hollow Pine Catering served lunch at the launch.",
            vendors=["Luxshare", "Apple", "Zorvath Optics", "Hollow Pine Catering"],
            vendors_strict=["Luxshare", "Apple", "Zorvath Optics"],
            relations=[
                {"supplier": "Luxshare", "customer": "Apple", "evidence": "..."},
            ],
        ),
        news("n2", "Der Apfel fällt nicht weit vom Stamm.", language="de"),
    ]
    report = evaluate(records, extractor, ALIASES)
    assert report.format == NEWS_FORMAT
    vendors = report.scores["vendors"]
    # Luxshare and Apple found; Zorvath Optics is not in the gazetteer: a miss.
    assert (vendors.tp, vendors.fp, vendors.fn) == (2, 0, 1)
    assert report.by_kind["unknown"].fn == 1
    assert report.vendor_free == 1
    assert report.vendor_free_with_vendors == 0
    assert set(report.by_group) == {"en", "de"}
    assert report.group_score("en", "vendors").fn == 1
    missed = [m for m in report.misses if m.field == "vendors"]
    assert [(m.record, m.missed, m.group) for m in missed] == [("n1", ["Zorvath Optics"], "en")]


def test_a_vendor_outside_the_labels_is_spurious_on_a_text_that_names_none(
    extractor: Extractor,
) -> None:
    record = news("n3", "Nvidia shipped more GPUs to Microsoft than any quarter before.")
    report = evaluate([record], extractor, ALIASES)
    assert report.scores["vendors"].fp == 2
    assert report.vendor_free_with_vendors == 1
    assert report.vendors_on_vendor_free == 2


def test_products_fold_case_spaces_and_hyphens(extractor: Extractor) -> None:
    assert surface_key("Snapdragon 8-Gen 3") == surface_key("snapdragon 8gen3")
    record = news(
        "n4",
        "Samsung Electronics put the snapdragon 8 gen 3 in every Galaxy S24 sold in Korea.",
        vendors=["Samsung"],
        vendors_strict=["Samsung"],
        products=["Snapdragon 8-Gen 3", "Galaxy S24", "Galaxy Z Fold 9"],
    )
    report = evaluate([record], extractor, ALIASES)
    products = report.scores["products"]
    assert (products.tp, products.fn) == (2, 1)
    assert report.scores["vendors"].tp == 1


def test_products_match_by_the_names_the_catalog_gives_what_they_link_to(
    extractor: Extractor,
) -> None:
    record = news(
        "n4b",
        "AMD trimmed orders for Epyc 7002/7003 parts, and Micron began shipping 12-layer HBM3E.",
        vendors=["AMD", "Micron"],
        vendors_strict=["AMD", "Micron"],
        # "7003" links to EPYC Milan, whose alias is "EPYC 7003"; the 12-high HBM3E link is
        # a child of HBM3E.
        products=["Epyc 7003", "HBM3E"],
    )
    report = evaluate([record], extractor, ALIASES)
    products = report.scores["products"]
    assert (products.tp, products.fn) == (2, 0), report.misses


def test_relations_pair_through_names_and_skip_negated_claims(extractor: Extractor) -> None:
    records = [
        news(
            "n5",
            "Samsung Foundry will make the modem chips for Apple, the company said.",
            vendors=["Samsung", "Apple"],
            vendors_strict=["Samsung", "Apple"],
            relations=[{"supplier": "Samsung", "customer": "Apple", "evidence": "..."}],
        ),
        news(
            "n6",
            "Luxshare stopped supplying cables to Apple in March, ending a ten-year contract.",
            vendors=["Luxshare", "Apple"],
            vendors_strict=["Luxshare", "Apple"],
        ),
    ]
    report = evaluate(records, extractor, ALIASES)
    extracted = {
        (r.supplier, r.customer, r.status)
        for record in records
        for r in extractor.extract(None, record["text"]).relations
    }
    relations = report.scores["relations"]
    claims = {(s, c) for s, c, status in extracted if status != "negated"}
    assert relations.fp == len(claims - {("Samsung Foundry", "Apple")})
    assert relations.tp == int(("Samsung Foundry", "Apple") in claims)
    assert relations.tp + relations.fn == 1
    negated = report.relation_status.get("negated")
    assert (negated.tp + negated.fp if negated else 0) == sum(
        status == "negated" for *_, status in extracted
    )


def test_one_format_per_set() -> None:
    assert label_format([{"text": "x", "vendors": []}]) == "gold"
    assert label_format([news("a", "x")]) == NEWS_FORMAT
    with pytest.raises(ParseError, match="one format per set"):
        label_format([news("a", "x"), {"text": "y", "vendors": []}])


def test_a_bad_alias_table_is_a_clear_error() -> None:
    with pytest.raises(ParseError, match="expected"):
        read_aliases('{"Apple": "Apple"}', "vendors.json")
    with pytest.raises(ParseError, match="not JSON"):
        read_aliases("{", "vendors.json")


def test_eval_reads_labelled_news_with_its_alias_table(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    records = [
        news(
            "n1",
            "Luxshare began assembling the headset for Apple this spring.",
            vendors=["Luxshare", "Apple"],
            vendors_strict=["Luxshare", "Apple"],
            relations=[{"supplier": "Luxshare", "customer": "Apple", "evidence": "x"}],
        ),
        news(
            "n2",
            "立讯精密为苹果组装耳机。",
            language="zh",
            vendors=["Luxshare", "Apple"],
            vendors_strict=["Luxshare", "Apple"],
        ),
    ]
    (folder / "articles.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    (folder / "vendors.json").write_text(json.dumps(ALIASES), encoding="utf-8")
    cli = Cli(write_config(tmp_path / "c.toml", {}), f"sqlite:///{tmp_path / 'x.db'}")
    result = cli("eval", str(folder), "--format", "json", "--worst", "50")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["format"] == NEWS_FORMAT
    assert set(report["fields"]) == {"vendors", "products", "relations"}
    assert set(report["by_language"]) == {"en", "zh"}
    assert report["fields"]["vendors"]["tp"] >= 3
    table = cli("eval", str(folder / "articles.jsonl"), "--field", "vendors")
    assert table.exit_code == 0, table.stderr
    assert "F1 by language" in table.stdout
    assert "relations by supplier kind" in table.stdout
    bad = cli("eval", str(folder), "--field", "event_types")
    assert bad.exit_code == 2
