"""Vendor matching on texts written for the test: aliases, scripts, and traps."""

from __future__ import annotations

import pytest

from tracker.catalog.gazetteer import build_gazetteer
from tracker.errors import ConfigError
from tracker.extract import Extractor, VendorMatcher, extract_text


def vendors(matcher: VendorMatcher, text: str) -> set[str]:
    return {m.vendor for m in matcher.find(text)}


def test_seed_story(matcher: VendorMatcher) -> None:
    text = (
        "OpenAI has reportedly tapped Apple suppliers MediaTek, Qualcomm and Luxshare for its "
        "first consumer device, according to people familiar with the matter."
    )
    assert vendors(matcher, text) == {"OpenAI", "Apple", "MediaTek", "Qualcomm", "Luxshare"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taiwan Semiconductor Manufacturing Co. raised capex.", {"TSMC"}),
        ("台積電 and 聯發科 signed a deal.", {"TSMC", "MediaTek"}),
        ("立讯精密 will assemble the units.", {"Luxshare"}),
        ("Hon Hai Precision Industry reported record sales.", {"Foxconn"}),
        ("SK Hynix and SK hynix are the same company.", {"SK hynix"}),
        ("NVIDIA booked more CoWoS capacity.", {"Nvidia"}),
    ],
)
def test_aliases_in_any_script(matcher: VendorMatcher, text: str, expected: set[str]) -> None:
    assert vendors(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Apple growers in Washington expect a record harvest this autumn.",
        "An apple a day keeps the doctor away, and apple prices are falling.",
        "The filter removes particles down to 5 micron. Micron ratings matter for well water.",
        "The pitcher left the game with arm soreness. Arm injuries end careers.",
        "Delta flights to Denver were delayed; flex fares can be changed for free.",
        "The Amazon basin lost more rainforest this year.",
        "We drove through Corning on the way to the lake.",
    ],
)
def test_common_words_are_not_vendors(matcher: VendorMatcher, text: str) -> None:
    assert vendors(matcher, text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apple Inc. is the largest customer of the plant.", {"Apple"}),
        ("Apple ordered more OLED panels for the iPhone.", {"Apple"}),
        ("Micron Technology raised its HBM forecast.", {"Micron"}),
        ("Micron said DRAM prices will rise next quarter.", {"Micron"}),
        ("Intel delayed its 18A ramp.", {"Intel"}),
        ("Arm raised its royalty rates for chip licensing.", {"Arm"}),
        ("Delta Electronics makes power supplies for AI servers.", {"Delta Electronics"}),
        ("Amazon is designing a new Trainium chip.", {"Amazon"}),
    ],
)
def test_ambiguous_names_with_company_evidence(
    matcher: VendorMatcher, text: str, expected: set[str]
) -> None:
    assert vendors(matcher, text) == expected


def test_arm_based_names_an_architecture(matcher: VendorMatcher) -> None:
    text = "Qualcomm and MediaTek are building Arm-based laptop chips."
    assert vendors(matcher, text) == {"Qualcomm", "MediaTek"}


def test_longest_alias_wins(matcher: VendorMatcher) -> None:
    found = matcher.find("Samsung Display will supply the panels.")
    assert [m.vendor for m in found] == ["Samsung Display"]


def test_no_partial_word_matches(matcher: VendorMatcher) -> None:
    assert vendors(matcher, "The amdocs team used a tsmcx tool and a BOEING jet.") == set()


def test_mentions_carry_surface_offsets_and_sentence(matcher: VendorMatcher) -> None:
    text = "Demand is strong. Luxshare Precision will assemble it in Vietnam. Nothing else."
    (mention,) = matcher.find(text)
    assert mention.vendor == "Luxshare"
    assert text[mention.start : mention.end] == mention.surface == "Luxshare Precision"
    assert mention.sentence == "Luxshare Precision will assemble it in Vietnam."


def test_headline_is_searched_too(gazetteer_extractor: Extractor) -> None:
    extraction = extract_text(
        gazetteer_extractor, "Qualcomm wins modem deal", "The contract runs to 2028."
    )
    (summary,) = extraction.vendor_summary()
    assert summary == {
        "name": "Qualcomm",
        "matched": ["Qualcomm"],
        "evidence": ["Qualcomm wins modem deal"],
    }


def test_text_without_vendors(matcher: VendorMatcher) -> None:
    assert matcher.find("") == []
    assert matcher.find("The weather was mild and the harvest was good.") == []


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"name": "A", "kind": "fab"}], "kind 'fab'"),
        ([{"kind": "oem"}], "missing name"),
        ([{"name": "A", "kind": "oem"}, {"name": "A", "kind": "oem"}], "duplicate name"),
        (
            [
                {"name": "A", "kind": "oem", "aliases": ["XY"]},
                {"name": "B", "kind": "oem", "aliases": ["xy"]},
            ],
            "already names A",
        ),
        ([{"name": "A", "kind": "oem", "parent": "Z"}], "parent 'Z'"),
        ([{"name": "A", "kind": "oem", "aliases": "X"}], "list of strings"),
    ],
)
def test_bad_gazetteer_entries(entries: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_gazetteer(entries)


def test_gazetteer_size_and_required_names(matcher: VendorMatcher) -> None:
    gazetteer = matcher.gazetteer
    assert len(gazetteer) >= 100
    for name in (
        "OpenAI",
        "Apple",
        "MediaTek",
        "Qualcomm",
        "Luxshare",
        "TSMC",
        "SK hynix",
        "Foxconn",
    ):
        assert gazetteer.get(name) is not None, name


@pytest.mark.parametrize(
    "text",
    [
        "Rain swelled the river.",
        "Rain swelled the RIVER.",
        "Rain swelled the rıver.",  # dotless i: the pattern's "i" matches it, lower case not
        "Rain swelled the RİVER.",  # dotted capital I: lower-cased to two characters
        "Rain swelled the riverſ.",  # long s after the word: a plural the pattern allows
        "Rain swelled the ΣRIVER river “quoted”.",
        "No such word here, only rivers’ banks.",
        "Nothing at all.",
    ],
)
def test_page_wide_word_test_agrees_with_its_pattern(text: str) -> None:
    """The lower-cased test before a page-wide pattern never changes its answer."""
    from tracker.extract.vendors import _fold_safe, _Page
    from tracker.extract.vocabulary import word_pattern

    words = ["river", "airline"]
    pattern = word_pattern(words)
    assert pattern is not None
    page = _Page(text, [(0, len(text))], [], "en")
    expected = pattern.search(text) is not None
    assert page.has_pattern("Amazon", pattern, _fold_safe(words)) is expected


def test_names_in_other_scripts_are_found_wherever_they_stand(matcher: VendorMatcher) -> None:
    """Forms that start outside ASCII are searched for only near their first characters:
    the same hits, in the same order, as one automaton over every form, at the start, the end
    and in between, and with more of those characters than the stretches kept."""
    import pickle

    from tracker.extract.vendors import lower_same_length

    texts = [
        "台積電與三星",
        "Apple said 台積電 supplies it, and 三星 too; “quoted” — dashes",
        "x" * 40 + " 台積電" + " filler" * 30 + " 삼성전자",
        " ".join(["台積電 and 鴻海"] * 40),
        "Plain ASCII: TSMC and Samsung.",
    ]
    copy = pickle.loads(pickle.dumps(matcher._search))
    for text in texts:
        lowered = lower_same_length(text)
        every = [(last, alias.form) for last, alias in matcher._automaton.iter(lowered)]
        assert [(last, alias.form) for last, alias in matcher._search.hits(lowered)] == every
        assert [(last, alias.form) for last, alias in copy.hits(lowered)] == every
        assert matcher._candidates(text, lowered)
