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


def found(extractor: Extractor, text: str) -> dict[str, tuple[str, str | None]]:
    """Products by the text they cover: (name, catalog id)."""
    return {p.surface: (p.name, p.catalog_id) for p in extractor.extract(None, text).products}


@pytest.mark.parametrize(
    "text",
    [
        "Der Anti-A100-Aktivist protestierte vor dem Rathaus gegen den Ausbau.",
        "The A100 was closed near Berlin after a crash on Monday.",
        "Das Programm Horizon 2020 der EU förderte die Forschung.",
        "Funded by Horizon 2020, the consortium studied batteries.",
        "The Cortex-X4ALU count grew from six to eight.",
        "The router supports Wi-Fi 6 and PCIe 6 links.",  # standards, no one's product
        "Nintendo said players will switch to the new console soon.",  # the word, not Switch
        "Google engineers count every pixel twice.",
    ],
)
def test_no_part_number_without_a_word_boundary_or_a_plausible_context(
    extractor: Extractor, text: str
) -> None:
    assert extractor.extract(None, text).products == []


def test_a_code_counts_with_its_vendor_or_its_category(extractor: Extractor) -> None:
    assert "A100" in found(extractor, "The lab rented A100 GPUs by the hour.")
    assert "A100" in found(extractor, "Nvidia-A100-Beschleuniger sind knapp, sagte Nvidia.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "AMD cut orders for Ryzen 7000/8000 and Radeon RX 7000 parts.",
            {"Ryzen 7000": "Ryzen 7000", "8000": "Ryzen 8000", "Radeon RX 7000": "Radeon RX 7000"},
        ),
        ("AMD's Epyc 9004 chips sold well.", {"Epyc 9004": "EPYC Genoa"}),  # the catalog's alias
        ("Apple moved iPhone XS and XR assembly to India.", {"iPhone XS": "iPhone XS",
                                                             "XR": "iPhone XR"}),
        ("Samsung launched the Galaxy S26 and S26 Ultra.", {"Galaxy S26": "Galaxy S26",
                                                            "S26 Ultra": "Galaxy S26 Ultra"}),
        ("Xiaomi said the Xiaomi 16 ships in October.", {"Xiaomi 16": "Xiaomi 16"}),
        ("The phone runs a MediaTek Dimensity 9000 chip.", {"Dimensity 9000": "Dimensity 9000"}),
        ("Samsung ships the Snapdragon 8 Gen 3 for Galaxy in Korea.",
         {"Snapdragon 8 Gen 3 for Galaxy": "Snapdragon 8 Gen 3"}),
        ("小米16搭载骁龙8Gen3。", {"小米16": "Xiaomi 16", "骁龙8Gen3": "Snapdragon 8 Gen 3"}),
        ("LG이노텍이 아이폰16에 카메라를 공급한다.", {"아이폰16": "iPhone 16"}),
    ],
)  # fmt: skip
def test_a_line_and_its_models(extractor: Extractor, text: str, expected: dict[str, str]) -> None:
    names = {surface: name for surface, (name, _) in found(extractor, text).items()}
    assert expected.items() <= names.items(), names


def test_a_model_written_again_without_its_line(extractor: Extractor) -> None:
    text = "Samsung unveiled the Galaxy S25 Edge on Monday. The S25 Ultra keeps its pen."
    assert found(extractor, text)["S25 Ultra"] == ("Galaxy S25 Ultra", "samsung-galaxy-s25-ultra")


def test_a_model_stops_before_a_share_a_year_or_a_measure(extractor: Extractor) -> None:
    assert "iPhone 17 Pro" in found(extractor, "富士康取得iPhone 17 Pro 60%的组装份额。")
    assert "Xiaomi" not in " ".join(found(extractor, "Xiaomi 2025 results beat forecasts."))
    names = [n for n, _ in found(extractor, "AMD sells Ryzen 16-core parts.").values()]
    assert not any(n.startswith("Ryzen 16") for n in names), names


def test_the_vendor_before_a_product_is_its_own_mention(extractor: Extractor) -> None:
    products = found(extractor, "AMD MI300 accelerators and Google TPU capacity are scarce.")
    assert products["MI300"] == ("Instinct MI300", "amd-instinct-mi300")
    assert products["TPU"] == ("Google TPU", "google-tpu")


def test_a_line_beside_one_of_its_models_is_reported_through_the_model(
    extractor: Extractor,
) -> None:
    names = [n for n, _ in found(extractor, "Apple said iPhone sales rose as the iPhone 17 Pro "
                                            "shipped; the iPhone 8 is gone.").values()]  # fmt: skip
    assert "iPhone" not in names
    assert {"iPhone 17 Pro", "iPhone 8"} <= set(names)
    # A model whose name does not carry the line's keeps both.
    names = [n for n, _ in found(extractor, "Nvidia's GB300 uses Blackwell Ultra GPUs.").values()]
    assert {"GB300", "Blackwell Ultra"} <= set(names)
