"""The language that picks a relation grammar, and the direction check by kind."""

from __future__ import annotations

import pytest

from tracker.extract.language import detect_language, grammar_language
from tracker.extract.supply_order import SupplyOrder


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("TSMC will supply the chips to Apple, people familiar with the matter said.", "en"),
        ("Der Chipfertiger liefert die Prozessoren an Apple und ist damit ein Gewinner.", "de"),
        ("Le fondeur taïwanais fabrique les puces pour Nvidia et pour Apple.", "fr"),
        ("台积电为苹果代工新一代处理器，预计明年量产。", "zh"),
        ("シャープがアップルに液晶パネルを供給している。", "ja"),
        ("LG이노텍이 애플에 카메라 모듈을 공급한다.", "ko"),
        # a few native names in brackets do not make an English text Chinese
        ("Foxconn (鴻海) and TSMC (台積電) both reported higher sales in the quarter.", "en"),
        ("Café owners in the town said the new rules would hurt trade this summer.", "en"),
    ],
)
def test_the_grammar_of_a_page(text: str, language: str) -> None:
    assert grammar_language(detect_language(text)) == language


@pytest.fixture(scope="module")
def order() -> SupplyOrder:
    kinds = {
        "Apple": "oem",
        "TSMC": "foundry",
        "Toyota": "automaker",
        "Texas Instruments": "idm",
        "SK hynix": "memory",
        "Micron": "memory",
        "Foxconn": "ems",
        "Nvidia": "fabless",
        "OpenAI": "ai_lab",
        "Google": "hyperscaler",
        "Sony": "oem",
        "Sony Semiconductor Solutions": "idm",
        "LG Innotek": "components",
        "Amkor": "osat",
    }
    return SupplyOrder(kinds, {"Sony Semiconductor Solutions": "Sony"})


@pytest.mark.parametrize(
    ("supplier", "customer", "plausible"),
    [
        ("TSMC", "Apple", True),
        ("Apple", "TSMC", False),  # a brand does not supply its foundry
        ("Toyota", "Texas Instruments", False),
        ("SK hynix", "Micron", False),  # two memory makers are rivals
        ("OpenAI", "Google", False),  # an AI lab buys, it does not supply
        ("Foxconn", "Nvidia", True),  # an assembler builds systems for a chip firm
        ("Sony", "LG Innotek", True),  # Sony's semiconductor unit makes sensors
    ],
)
def test_plausible(order: SupplyOrder, supplier: str, customer: str, plausible: bool) -> None:
    assert order.plausible(supplier, customer) is plausible


@pytest.mark.parametrize(
    ("a", "b", "about", "way"),
    [
        ("Apple", "TSMC", "", ("TSMC", "Apple")),
        ("OpenAI", "Google", "cloud", ("Google", "OpenAI")),
        ("TSMC", "Amkor", "packaging and test", ("Amkor", "TSMC")),  # what the deal is about
        ("TSMC", "Amkor", "", None),  # both at one level, nothing said about the deal
        ("Foxconn", "Nvidia", "", None),  # an assembler and a chip firm: either way
        ("Sony", "LG Innotek", "", None),  # Sony's family reaches as far up as LG Innotek
    ],
)
def test_direction(
    order: SupplyOrder, a: str, b: str, about: str, way: tuple[str, str] | None
) -> None:
    assert order.direction(a, b, about) == way
