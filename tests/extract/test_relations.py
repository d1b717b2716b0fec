"""Supplier relations on sentences written for these tests: each construction the grammar
reads, one way round and the other, and the statements that must not become supply."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tracker.catalog.attributions import load_attributions
from tracker.catalog.gazetteer import build_gazetteer, load_gazetteer, vendor_table
from tracker.catalog.products import load_catalog
from tracker.extract import Extractor
from tracker.extract.grammar_en import GRAMMAR
from tracker.extract.grammar_intl import GRAMMARS
from tracker.extract.relations import _template
from tracker.extract.sentences import sentence_spans
from tracker.models import Relation

CONFIG = ROOT / "config"
GOLD = ROOT / "fixtures" / "gold" / "articles.jsonl"
# Names in Japanese and Korean script the tests use, in case the gazetteer lacks them.
EXTRA_ALIASES = {
    "Apple": ["アップル", "애플", "苹果", "蘋果"],
    "Samsung Electronics": ["삼성전자"],
    "SK hynix": ["SK하이닉스"],
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    gazetteer = load_gazetteer(CONFIG / "vendors.toml")
    raw = [vendor_table(v) for v in gazetteer.vendors.values()]
    for entry in raw:
        extra = EXTRA_ALIASES.get(str(entry["name"]), [])
        aliases = list(entry["aliases"])  # type: ignore[call-overload]
        entry["aliases"] = aliases + [a for a in extra if a not in aliases]
    return Extractor(
        build_gazetteer(raw),
        load_catalog(CONFIG / "catalog"),
        load_attributions(CONFIG / "attributions.toml"),
    )


def relations(extractor: Extractor, title: str | None, text: str) -> list[Relation]:
    return extractor.extract(title, text).relations


def pairs(extractor: Extractor, text: str, title: str | None = None) -> set[tuple[str, str]]:
    """(supplier, customer) of the relations that are not negated."""
    return {
        (r.supplier, r.customer) for r in relations(extractor, title, text) if r.status != "negated"
    }


# --- roles from the sentence's structure -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # headline forms
        (
            "OpenAI taps MediaTek, Qualcomm and Luxshare for its first device",
            {("MediaTek", "OpenAI"), ("Qualcomm", "OpenAI"), ("Luxshare", "OpenAI")},
        ),
        ("Foxconn wins Nvidia order for GB300 racks", {("Foxconn", "Nvidia")}),
        ("Google picks Compal for its next tablets", {("Compal", "Google")}),
        ("TSMC secures Ambarella as a 2nm customer", {("TSMC", "Ambarella")}),
        # supplier first, customer first
        ("Micron began supplying HBM3E to Nvidia in the second quarter.", {("Micron", "Nvidia")}),
        ("Nvidia began buying HBM3E from Micron in the second quarter.", {("Micron", "Nvidia")}),
        (
            "NXP has been supplying Bosch and Continental for years.",
            {("NXP", "Bosch"), ("NXP", "Continental")},
        ),
        ("Apple accounts for about 70 per cent of Luxshare's sales.", {("Luxshare", "Apple")}),
        (
            "Broadcom expects $10 billion of revenue from Anthropic next year.",
            {("Broadcom", "Anthropic")},
        ),
        ("Intel received its first High NA EUV machine from ASML in January.", {("ASML", "Intel")}),
        (
            "Intel has secured all of ASML's stock of EUV machines for the year.",
            {("ASML", "Intel")},
        ),
        ("Oracle's new order for AMD accelerators is worth billions.", {("AMD", "Oracle")}),
        (
            "Samsung's entry into Nvidia's supply chain came late in the year.",
            {("Samsung Electronics", "Nvidia")},
        ),
        ("Apple assembles iPhones in India through Foxconn's local unit.", {("Foxconn", "Apple")}),
        (
            "Sony builds the console in Vietnam, with Goertek and Pegatron both manufacturing it.",
            {("Goertek", "Sony"), ("Pegatron", "Sony")},
        ),
        ("Inventec, another major supplier for Dell, expects more orders.", {("Inventec", "Dell")}),
        # a company after "at" or "with" that a relative clause makes the subject again
        (
            "He heads sales at NXP Semiconductors, a Dutch chipmaker, which has been supplying "
            "Bosch and Continental for years.",
            {("NXP", "Bosch"), ("NXP", "Continental")},
        ),
        (
            "Apple signed contracts with LG Display and Samsung Display, both of which will "
            "supply Apple with OLED panels.",
            {("LG Display", "Apple"), ("Samsung Display", "Apple")},
        ),
        (
            "Nintendo's main assembly partner, Foxconn, owns a stake in the plant.",
            {("Foxconn", "Nintendo")},
        ),
        ("Compal landed 70 percent of Dell's notebook orders this year.", {("Compal", "Dell")}),
        (
            "Quanta has orders from Sony and a few orders from Apple for 2013.",
            {("Quanta", "Sony"), ("Quanta", "Apple")},
        ),
        # two subjects with a relative clause each, not one list of customers
        (
            "Micron is closing the gap with SK hynix, which dominates supply to Nvidia, and "
            "Samsung Electronics, which has been slower to qualify its parts.",
            {("SK hynix", "Nvidia")},
        ),
        ("Nvidia qualified Micron's HBM3E for the B300.", {("Micron", "Nvidia")}),
        ("Micron expects to be qualified for Nvidia's Rubin platform.", {("Micron", "Nvidia")}),
        ("Cable makers such as Amphenol added capacity to keep up with Nvidia's demand.", set()),
    ],
)
def test_roles_come_from_the_sentence(
    extractor: Extractor, text: str, expected: set[tuple[str, str]]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ibiden's clients include Intel Corp, Samsung Electronics Co and Taiwan "
            "Semiconductor Manufacturing Co (台積電), as well as Nvidia.",
            {
                ("Ibiden", "Intel"),
                ("Ibiden", "Samsung Electronics"),
                ("Ibiden", "TSMC"),
                ("Ibiden", "Nvidia"),
            },
        ),
        (
            "Dell has booked substrate capacity from makers including Taiwan's Unimicron, "
            "Japan's Ibiden and Austria's AT&S.",
            {("Unimicron", "Dell"), ("Ibiden", "Dell"), ("AT&S", "Dell")},
        ),
        (
            "CATL to build a battery plant for BMW, Mercedes",
            {("CATL", "BMW"), ("CATL", "Mercedes-Benz")},
        ),
        # a name the gazetteer lacks inside a list of names it knows
        (
            "Dell booked capacity from makers including Ibiden and Kyoden, and Austria's AT&S.",
            {("Ibiden", "Dell"), ("AT&S", "Dell")},
        ),
        (
            "CATL signed a new buyer, adding to customer deals with carmakers ranging from "
            "Tesla Inc. to Volkswagen AG and General Motors Co.",
            {("CATL", "Tesla"), ("CATL", "Volkswagen"), ("CATL", "General Motors")},
        ),
    ],
)
def test_lists_of_companies(
    extractor: Extractor, text: str, expected: set[tuple[str, str]]
) -> None:
    assert pairs(extractor, text) == expected


def test_a_comma_between_two_companies_is_not_a_list(extractor: Extractor) -> None:
    found = pairs(extractor, "In its deal with Apple, Samsung will supply panels to Google.")
    assert found == {("Samsung Display", "Google")}  # panels: the group's display maker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tesla has picked a new camera module supplier for its trucks. Samsung "
            "Electro-Mechanics won the contract, beating LG Innotek.",
            {("Samsung Electro-Mechanics", "Tesla")},
        ),
        (
            "Nvidia wants a third HBM supplier for Rubin. Micron will supply the stacks from "
            "next year.",
            {("Micron", "Nvidia")},
        ),
        # the definite article points at a product, not back at the previous company
        (
            "Foxconn assembles most iPhones in China. Tata Electronics now builds the base "
            "iPhone 17 in Hosur.",
            {("Foxconn", "Apple"), ("Tata Electronics", "Apple")},
        ),
    ],
)
def test_the_customer_in_one_sentence_and_the_deal_in_the_next(
    extractor: Extractor, text: str, expected: set[tuple[str, str]]
) -> None:
    assert pairs(extractor, text) == expected


# --- what is not supply --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Samsung secures 2nm AI chip contract, intensifies battle with TSMC and Intel",
        "Samsung won a 2nm order, stepping up its rivalry with TSMC.",
        "Nvidia completed its $5 billion investment in Intel last month.",
        "Qualcomm sued Arm over its licence terms.",
        "Apple is in talks with BOE about supplying OLED panels for the iPhone.",
        "Samsung sent samples of HBM4 to Nvidia for qualification.",
        "Micron, SK hynix and Samsung provided Nvidia with HBM3E samples for verification.",
        "Texas Instruments and Infineon see auto chip orders recover as Toyota, Volkswagen restock",
        "Intel and AMD compete for server orders from Microsoft.",
        "The startup was launched to help Microsoft woo customers to compete with Amazon Web "
        "Services.",
    ],
)
def test_not_supply(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == set()


def test_rivals_named_in_a_supply_sentence_are_not_customers(extractor: Extractor) -> None:
    found = pairs(extractor, "Oracle is working with Nvidia to compete with Amazon.")
    assert found == {("Nvidia", "Oracle")}


def test_a_relation_that_ended_is_negated(extractor: Extractor) -> None:
    found = relations(
        extractor, None, "xAI shifted all of its server orders from Supermicro to Dell."
    )
    status = {(r.supplier, r.customer): r.status for r in found}
    assert status == {("Dell", "xAI"): "confirmed", ("Supermicro", "xAI"): "negated"}


def test_removed_from_a_supply_chain_is_negated(extractor: Extractor) -> None:
    found = relations(extractor, None, "O-Film was removed from Apple's supply chain last year.")
    assert [(r.supplier, r.customer, r.status) for r in found] == [("O-Film", "Apple", "negated")]


# --- the demo's known failures -------------------------------------------------------------


def test_a_rack_built_around_a_chip_is_not_the_speakers_supply(extractor: Extractor) -> None:
    text = (
        "Delta Electronics introduced 800-volt power shelves for AI racks. The company said "
        "the products are intended for racks built around Nvidia's accelerator platforms."
    )
    assert ("Nvidia", "Delta Electronics") not in pairs(extractor, text)


def test_made_by_belongs_to_the_company_the_sentence_is_about(extractor: Extractor) -> None:
    title = "US tightens export rules, closing door on Nvidia H20 successor"
    text = (
        "Huawei has become the leading domestic supplier of AI accelerators with its Ascend "
        "chips, many of which are believed to be manufactured by SMIC."
    )
    found = pairs(extractor, text, title)
    assert ("SMIC", "Huawei") in found
    assert ("SMIC", "Nvidia") not in found


def test_made_by_refers_back_to_the_previous_subject(extractor: Extractor) -> None:
    title = "Arm-based laptop chips from Qualcomm and MediaTek gain ground"
    text = (
        "MediaTek is working on a Windows processor for 2027. Our checks suggest the design "
        "will be manufactured by TSMC on a 3-nanometre process."
    )
    found = pairs(extractor, text, title)
    assert ("TSMC", "MediaTek") in found
    assert ("TSMC", "Qualcomm") not in found


def test_a_push_from_a_company_is_not_a_part_from_it(extractor: Extractor) -> None:
    title = "Arm-based laptop chips from Qualcomm gain ground"
    text = "The shift is driven by battery life and a push from Microsoft to run AI locally."
    assert pairs(extractor, text, title) == set()


def test_board_makers_are_customers_of_the_chip_maker(extractor: Extractor) -> None:
    title = "Nvidia GeForce RTX 3080 supply improves"
    text = "Retailers now stock RTX 3080 models from Gigabyte and Asus at list price."
    found = pairs(extractor, text, title)
    assert ("Gigabyte", "Nvidia") not in found


# --- reported relations and who reports them ----------------------------------------------


def test_the_seed_story(extractor: Extractor) -> None:
    title = "OpenAI Reportedly Taps Apple Suppliers MediaTek, Qualcomm and Luxshare"
    text = (
        "OpenAI is preparing its first consumer device for 2027. The chips and the final "
        "assembly will come from companies that already serve the iPhone, said analyst "
        "Ming-Chi Kuo of TF International Securities in a note on Monday."
    )
    found = {(r.supplier, r.customer): r for r in relations(extractor, title, text)}
    for supplier in ("MediaTek", "Qualcomm", "Luxshare"):
        relation = found[(supplier, "OpenAI")]
        assert relation.status == "reported"
        assert relation.attribution is not None
        assert "Kuo" in relation.attribution
    assert ("Apple", "OpenAI") not in found


# --- other languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German
        (
            "TSMC verhandelt mit seinen drei größten Kunden AMD, Apple und Nvidia über Wafer.",
            {("TSMC", "AMD"), ("TSMC", "Apple"), ("TSMC", "Nvidia")},
        ),
        (
            "Bosch liefert Steuergeräte an Volkswagen und BMW.",
            {("Bosch", "Volkswagen"), ("Bosch", "BMW")},
        ),
        ("Apple bezieht seine Displays seit Jahren von LG Display.", {("LG Display", "Apple")}),
        # French
        (
            "TSMC fabrique les puces haut de gamme pour Nvidia depuis des années.",
            {("TSMC", "Nvidia")},
        ),
        ("Nvidia est devenu le premier client de TSMC cette année.", {("TSMC", "Nvidia")}),
        # Chinese
        ("台积电为苹果代工新一代处理器。", {("TSMC", "Apple")}),
        ("苹果的组装代工主要依赖富士康。", {("Foxconn", "Apple")}),
        ("小米的屏幕供应商是京东方。", {("BOE", "Xiaomi")}),
        (
            "台積電的客戶包括輝達、高通和蘋果。",
            {("TSMC", "Nvidia"), ("TSMC", "Qualcomm"), ("TSMC", "Apple")},
        ),
        # Japanese
        (
            "ジャパンディスプレイがアップルに液晶パネルを供給している。",
            {("Japan Display", "Apple")},
        ),
        ("ソニーはTSMCの最大の取引先である。", {("TSMC", "Sony")}),
        (
            "アップル向けパネルは、BOEが約20%、ジャパンディスプレイが約10%を供給している。",
            {("BOE", "Apple"), ("Japan Display", "Apple")},
        ),
        # Korean
        ("LG이노텍이 애플에 카메라 모듈을 공급한다.", {("LG Innotek", "Apple")}),
        (
            "삼성전자와 SK하이닉스가 애플에 메모리를 공급한다.",
            {("Samsung Electronics", "Apple"), ("SK hynix", "Apple")},
        ),
    ],
)
def test_other_languages(extractor: Extractor, text: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Infineon und NXP sind Konkurrenten im Automobilgeschäft, sagte Bosch.",
        "台积电与三星竞争苹果的订单。",
        "サムスン電子はTSMCと競合している。",
    ],
)
def test_other_languages_not_supply(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == set()


def test_a_rule_never_matches_without_the_words_it_needs(extractor: Extractor) -> None:
    """Each rule names words it cannot match without, and is skipped on sentences that lack
    them: on the labelled articles, no rule matches a sentence without its words."""
    grammars = (GRAMMAR, *GRAMMARS.values())
    needs = {r.name: re.compile(r.need) for g in grammars for r in g.rules}
    checked = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        spans = sentence_spans(text)
        mentions, _ = extractor.vendors.scan(text, spans)
        products = extractor.products.find(text, spans, mentions)
        for start, end in spans:
            parties = [(m.vendor, m.start, m.end) for m in mentions if start <= m.start < end]
            if len(parties) < 2:
                continue
            in_sentence = [p for p in products if start <= p.start < end]
            template = _template(text[start:end], start, parties, in_sentence).text
            lowered = text[start:end].lower()
            for g in grammars:
                for r in g.rules:
                    if r.regex.search(template):
                        checked += 1
                        assert needs[r.name].search(lowered), (r.name, text[start:end])
    assert checked > 100


def test_the_rules_match_the_same_compiled_for_ascii() -> None:
    """Rules run compiled for ASCII on ASCII templates (relations.ascii_twin): that is exact
    only while no non-ASCII character of a rule matches an ASCII one case-insensitively."""
    import re

    from tracker.extract import grammar_en
    from tracker.extract.grammar_intl import GRAMMARS
    from tracker.extract.relations import _ASCII_SPACES, ascii_twin

    for grammar in (grammar_en.GRAMMAR, *GRAMMARS.values()):
        for r in grammar.rules:
            for char in {c for c in r.regex.pattern if not c.isascii()}:
                assert not any(re.fullmatch(re.escape(char), chr(i), re.I) for i in range(128))
    template = "\x030\x04 supplies the \x050\x06 to \x031\x04, and \x032\x04 buys from \x033\x04."
    assert template.isascii()
    assert not _ASCII_SPACES.search(template)
    for r in grammar_en.GRAMMAR.rules:
        found = [(m.span(), m.groupdict()) for m in r.regex.finditer(template)]
        assert [(m.span(), m.groupdict()) for m in ascii_twin(r.regex).finditer(template)] == found
