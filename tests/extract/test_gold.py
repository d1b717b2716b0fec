"""The labelled development set: scores may not drop below the pinned floors.

A floor is raised when the extraction gets better and lowered only by an explicit commit
that says why. `tracker eval fixtures/gold/articles.jsonl` prints the full report.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, ROOT
from tracker.evaluation import Report, evaluate, read_gold
from tracker.extract import Extractor, load_extractor

GOLD = FIXTURES / "gold" / "articles.jsonl"
# F1 floors per field; each a little under the score measured when it was pinned.
FLOORS = {
    "vendors": 0.97,
    "products": 0.95,
    "relations": 0.77,
    "event_types": 0.68,
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


@pytest.fixture(scope="module")
def report(extractor: Extractor) -> Report:
    records = read_gold(GOLD.read_text(encoding="utf-8").splitlines(), str(GOLD))
    assert len(records) >= 80
    return evaluate(records, extractor)


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_f1_holds_its_floor(report: Report, field: str) -> None:
    score = report.scores[field]
    assert score.f1 >= FLOORS[field], (field, score.as_dict(), report.worst(5))


def test_texts_without_vendors_get_none(report: Report) -> None:
    assert report.vendor_free >= 10
    assert report.vendor_free_with_vendors == 0


def test_relation_status_is_mostly_right(report: Report) -> None:
    assert report.status_accuracy >= 0.7
