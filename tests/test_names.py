"""One way to resolve a typed name: exact, alias, folded (case, width, punctuation), then a
"did you mean" for near misses, never a guess."""

from __future__ import annotations

import pytest

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.names import Names, fold, product_names, vendor_names
from tracker.catalog.products import Catalog, Product
from tracker.errors import UsageError


def test_fold_ignores_width_case_and_punctuation() -> None:
    assert fold("ＳＫ-Hynix") == "skhynix"
    assert fold(" TSMC. ") == "tsmc"
    assert fold("立讯精密") == "立讯精密"
    assert fold("--") == ""


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Foxconn", "Foxconn"),
        ("Hon Hai", "Foxconn"),
        ("hon hai precision", "Foxconn"),
        ("鴻海", "Foxconn"),
        ("TWSE:2317", "Foxconn"),
        ("Luxshare Precision", "Luxshare"),
        ("立讯精密", "Luxshare"),
        ("Ｌｕｘｓｈａｒｅ", "Luxshare"),
        ("luxshare-ict", "Luxshare"),
        ("Luxshare  ICT", "Luxshare"),
        ("SK-Hynix", "SK hynix"),
        ("tsmc.", "TSMC"),
    ],
)
def test_vendor_names_and_aliases_resolve(gazetteer: Gazetteer, typed: str, canonical: str) -> None:
    assert vendor_names(gazetteer).resolve(typed, "search --vendor") == canonical


def test_a_near_miss_is_a_question_not_an_answer(gazetteer: Gazetteer) -> None:
    names = vendor_names(gazetteer)
    assert names.find("Luxshre") is None
    with pytest.raises(
        UsageError,
        match=r"^search --vendor: no company named 'Luxshre' \(did you mean 'Luxshare'\?\)$",
    ):
        names.resolve("Luxshre", "search --vendor")
    with pytest.raises(
        UsageError, match=r"no company named 'Qwzxv' \(see `tracker vendors list`\)"
    ):
        names.resolve("Qwzxv", "exposure --customer")


def test_stored_names_the_gazetteer_lost_still_resolve(gazetteer: Gazetteer) -> None:
    names = vendor_names(gazetteer, stored=["Gone Corp", "TSMC"])
    assert names.resolve("gone corp", "x") == "Gone Corp"
    assert names.resolve("TSMC", "x") == "TSMC"


def test_an_exact_name_wins_over_case_and_folding() -> None:
    names = Names("source", [("Wire", ()), ("wire", ()), ("wi-re", ())])
    assert names.find("Wire") == "Wire"
    assert names.find("wire") == "wire"
    assert names.find("wi-re") == "wi-re"
    assert names.find("WIRE") == "Wire"  # case-insensitive: the first of its spellings


def test_a_folded_form_of_two_names_resolves_to_neither() -> None:
    names = Names("source", [("a-b", ()), ("a.b", ())])
    assert names.find("AB") is None
    with pytest.raises(UsageError, match=r"it could be 'a-b', 'a\.b': give the full name"):
        names.resolve("AB", "fetch")


def test_few_names_are_listed_and_none_is_said() -> None:
    few = Names("source", [("fabledger", ("https://fab.example/rss",)), ("supplyline", ())])
    assert few.find("https://fab.example/rss") == "fabledger"
    with pytest.raises(UsageError, match=r"no source named 'qq' \(known: fabledger, supplyline\)"):
        few.resolve("qq", "sources remove")
    with pytest.raises(UsageError, match=r"no digest named 'daily' \(there are none\)"):
        Names("digest", []).resolve("daily", "digest")


def test_products_resolve_to_their_id_and_are_suggested_by_name() -> None:
    catalog = Catalog(
        {
            "q-x80": Product(
                "q-x80", "Snapdragon X80", "Qualcomm", "modem", part_numbers=("SDX80",)
            ),
            "a-m4": Product("a-m4", "Apple M4", "Apple", "soc", aliases=("M4 chip",)),
        }
    )
    names = product_names(catalog)
    assert names.resolve("sdx80", "x") == "q-x80"
    assert names.resolve("Snapdragon-X80", "x") == "q-x80"
    assert names.resolve("m4 chip", "x") == "a-m4"
    assert names.resolve("a-m4", "x") == "a-m4"
    with pytest.raises(
        UsageError, match=r"no product named 'Snapdragon X8' \(did you mean 'Snapdragon X80'\?\)"
    ):
        names.resolve("Snapdragon X8", "exposure --product")


def test_resolve_all_keeps_order_and_drops_repeats(gazetteer: Gazetteer) -> None:
    names = vendor_names(gazetteer)
    assert names.resolve_all(["Hon Hai", "Apple", "foxconn"], "x") == ["Foxconn", "Apple"]
