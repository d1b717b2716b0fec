"""Product matches never run across sentence ends or marks that break a token; texts written
for these tests."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tracker.extract import Extractor, load_extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


@pytest.mark.parametrize(
    "text",
    [
        "It all makes sense. I think the plan will work.",
        "After a 100-day review, the council approved the budget.",
        "Das gilt z.B. 300 Mal im Jahr, sagte Nvidia.",
    ],
)
def test_no_product_across_punctuation_or_case(extractor: Extractor, text: str) -> None:
    assert extractor.extract(None, text).products == []


def test_products_written_with_their_own_marks_still_match(extractor: Extractor) -> None:
    text = "ASML shipped a TWINSCAN EXE:5000 while Nvidia sold the A100 and B300 to Microsoft."
    found = {p.surface for p in extractor.extract(None, text).products}
    assert {"TWINSCAN EXE:5000", "A100", "B300"} <= found


def test_model_letters_after_a_device_line(extractor: Extractor) -> None:
    text = "Apple moved iPhone XS and iPhone SE assembly to India, Foxconn said."
    found = {p.surface for p in extractor.extract(None, text).products}
    assert {"iPhone XS", "iPhone SE"} <= found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The lenses were ordered from Kunlun Optics last year.", "Kunlun Optics"),
        ("Brightwater, a Taiwanese ODM, builds the laptops.", "Brightwater"),
        ("Apple supplier Norvane began shipping the hinges in May.", "Norvane"),
    ],
)
def test_unknown_brands_treated_as_companies_are_candidates(
    extractor: Extractor, text: str, name: str
) -> None:
    assert name in {c.name for c in extractor.extract(None, text).candidates}


@pytest.mark.parametrize(
    "text",
    ["Das Werk in SerbienBMW Group liefert Teile.", "The USB-C Power adapter is sold apart."],
)
def test_glued_words_and_codes_are_not_candidates(extractor: Extractor, text: str) -> None:
    assert extractor.extract(None, text).candidates == []
