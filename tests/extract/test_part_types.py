"""Part types ("OLED panels", "camera modules", "SiC wafers") found as noun phrases, in
English, German, Chinese, Japanese and Korean; texts written for these tests."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tracker.catalog.part_types import english_plurals, part_vocabulary
from tracker.catalog.products import CATEGORIES
from tracker.errors import ConfigError
from tracker.extract import Extractor, load_extractor
from tracker.models import ProductMention


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def parts(extractor: Extractor, text: str) -> dict[str, ProductMention]:
    """Part-type mentions (no vendor of their own) by the text they cover."""
    return {p.surface: p for p in extractor.extract(None, text).products if p.vendor is None}


@pytest.mark.parametrize(
    ("text", "surface", "name", "category"),
    [
        (
            "BOE will ship 6.1-inch LTPS-TFT OLED panels for the new phone, Apple said.",
            "6.1-inch LTPS-TFT OLED panels",
            "6.1-inch LTPS-TFT OLED panel",
            "display",
        ),
        (
            "Sunny Optical began shipping 7P wide-angle lens modules in May.",
            "7P wide-angle lens modules",
            "7P wide-angle lens module",
            "component",
        ),
        (
            "Qorvo said it will buy 200mm silicon carbide bare and epitaxial wafers for a decade.",
            "200mm silicon carbide bare and epitaxial wafers",
            "200mm silicon carbide bare and epitaxial wafer",
            "component",
        ),
        (
            "The plant makes 46-series cylindrical batteries for European carmakers.",
            "46-series cylindrical batteries",
            "46-series cylindrical battery",
            "component",
        ),
        ("Intel booked BT substrates for two years.", "BT substrates", "BT substrate", "packaging"),
        ("Qualcomm will keep supplying modems to Apple.", "modems", "modem", "modem"),
        ("Murata raised prices of image sensors and MLCCs.", "image sensors", "image sensor",
         "component"),
    ],
)  # fmt: skip
def test_english_part_types_as_written(
    extractor: Extractor, text: str, surface: str, name: str, category: str
) -> None:
    found = parts(extractor, text)
    assert surface in found, found
    mention = found[surface]
    assert (mention.name, mention.category) == (name, category)
    assert text[mention.start : mention.end] == surface


def test_a_part_type_that_is_a_catalog_entry_links_to_it(extractor: Extractor) -> None:
    found = parts(extractor, "EVE will supply lithium-iron phosphate (LFP) batteries to Ford.")
    mention = found["lithium-iron phosphate (LFP) batteries"]
    assert (mention.catalog_id, mention.name) == ("lfp-battery", "LFP battery")
    assert parts(extractor, "Prices of MLCCs rose again.")["MLCCs"].catalog_id == "mlcc"


@pytest.mark.parametrize(
    "text",
    [
        "TSMC makes chips for AMD and Nvidia.",  # a generic head alone
        "Nvidia sells AI chips and network chips to cloud providers.",  # what it is for
        "The fab processes 300mm wafers around the clock.",  # a size alone
        "The camera module supplier grew its sales.",  # the first half of a compound
        "Notebook ODMs face falling orders this year.",
        "Sales of panels and batteries slowed.",
    ],
)
def test_generic_words_purposes_and_compounds_are_no_part_types(
    extractor: Extractor, text: str
) -> None:
    assert parts(extractor, text) == {}


@pytest.mark.parametrize(
    ("text", "surface", "name"),
    [
        ("Infineon kauft SiC-Wafer bei Wolfspeed.", "SiC-Wafer", "silicon carbide wafer"),
        ("Infineon kauft Siliziumkarbid-Wafer bei Wolfspeed.", "Siliziumkarbid-Wafer",
         "silicon carbide wafer"),
        ("Sharp liefert 6,1-Zoll-Bildschirme an Apple.", "6,1-Zoll-Bildschirme", "6.1-inch screen"),
        ("LG Innotek liefert Kameramodule an Apple.", "Kameramodule", "camera module"),
        ("京东方向苹果供应柔性OLED面板。", "柔性OLED面板", "flexible OLED panel"),
        ("华星为小米供应1.5K柔性直屏。", "1.5K柔性直屏", "1.5K flexible flat screen"),
        ("シャープが6.1インチの液晶パネルを供給。", "6.1インチの液晶パネル", "6.1-inch LCD panel"),
        ("サムスンが有機ELパネルを供給する。", "有機ELパネル", "OLED panel"),
        ("LG이노텍이 듀얼카메라 모듈을 공급한다.", "듀얼카메라 모듈", "dual camera module"),
        ("SK하이닉스가 모바일 D램을 공급한다.", "모바일 D램", "mobile DRAM"),
    ],
)  # fmt: skip
def test_part_types_in_other_languages_get_english_names(
    extractor: Extractor, text: str, surface: str, name: str
) -> None:
    found = parts(extractor, text)
    assert surface in found, found
    assert found[surface].name == name


def test_one_part_is_one_name_in_any_language(extractor: Extractor) -> None:
    english = parts(extractor, "Samsung Display ships OLED panels to Apple.")["OLED panels"]
    japanese = parts(extractor, "サムスンが有機ELパネルを供給する。")["有機ELパネル"]
    assert english.name == japanese.name == "OLED panel"


def test_a_part_type_never_covers_a_company_or_a_product(extractor: Extractor) -> None:
    text = "LG Display ships OLED panels; SK hynix ships HBM3E chips."
    result = extractor.extract(None, text)
    surfaces = {p.surface for p in result.products}
    assert "OLED panels" in surfaces
    assert not any("LG" in s or "HBM3E chips" in s for s in surfaces)


def test_english_plurals() -> None:
    assert english_plurals("lens") == ("lenses",)
    assert english_plurals("battery") == ("batteries",)
    assert english_plurals("MLCC") == ("MLCCs",)
    assert english_plurals("camera module") == ("camera modules",)
    assert english_plurals("Kameramodul") == ()  # German nouns list their own plurals
    assert english_plurals("面板") == ()


def test_a_bad_part_type_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="category"):
        part_vocabulary([({"part_type": [{"name": "widget", "category": "x"}]}, "f")], CATEGORIES)
    with pytest.raises(ConfigError, match="forms"):
        part_vocabulary(
            [({"part_type": [{"name": "widget", "category": "component", "forms": "w"}]}, "f")],
            CATEGORIES,
        )
    entry = {"name": "widget", "category": "component", "forms": ["widget"]}
    with pytest.raises(ConfigError, match="duplicate"):
        part_vocabulary([({"part_type": [entry, entry]}, "f")], CATEGORIES)
