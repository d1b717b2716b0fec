"""The vendor matcher's policy for case and sense, on sentences written for these tests:
words in other languages, people, units, codes and clubs are not companies; the page's
language decides which words confirm a name; a bare group name resolves to the subsidiary
the sentence is about; and matching stays linear in its input."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tracker.extract import Extractor, load_extractor
from tracker.extract.language import detect_language
from tracker.extract.sentences import EVIDENCE_STEP, MAX_EVIDENCE, MAX_SENTENCE, sentence_spans


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def vendors(extractor: Extractor, text: str) -> set[str]:
    return {m.vendor for m in extractor.vendors.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        # Polish: "in the year 1998" (roku); Italian elision; English words in lower case.
        "Zakład otwarto w 1998 roku, a w tym roku zatrudnia już ponad dwieście osób.",
        "La neve dell'inverno scorso ha chiuso la strada dell'alta valle per tre giorni.",
        "Every child learns the alphabet before the age of six, the teacher said.",
        # German: a tree, an anchor, an athletics club, a unit.
        "Unter der alten Linde am Marktplatz wartet das Boot, das vor Anker liegt.",
        "Im 400-Meter-Lauf siegte Anna Berger (LG Nord) vor Lea Wolf (LG Süd).",
        "Das Robert Koch-Institut bekam fünf Gigabyte an Daten und 16 Gigabyte Fotos.",
        # People: an initial, a first name before, a title, a member of parliament.
        "The letter was signed by Richard T. Ford, a law professor, and many others.",
        "Robert Largan MP wrote to the minister about the bypass on Tuesday.",
        "Results: 17. Bosch, Laura 1992 4,16 m; 18. Weber, Sarah 1993 4,10 m.",
        # Codes and abbreviations.
        "Patients with hypersensitivity pneumonitis, or HP, often keep birds at home.",
        "The stat boost (HP / MP 20%) lasts three hours in the dungeon.",
        "Siehe die Karte (Abb. 2) und die Tabelle im Anhang.",
        # A name inside an address.
        "Write to vicky.ford.mp@parliament.example or see www.google.example for more.",
    ],
)
def test_other_senses_are_not_companies(extractor: Extractor, text: str) -> None:
    assert vendors(extractor, text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ford will build the battery plant in Kentucky with SK On, the automaker said.", "Ford"),
        ("Linde AG liefert Industriegase an die Halbleiterfabrik in Dresden.", "Linde"),
        (
            "Die Telekom hat den Ausbau des Glasfasernetzes beschleunigt, sagte der Konzern.",
            "Deutsche Telekom",
        ),
        ("Anker also sells USB-C chargers and power banks through its own stores.", "Anker"),
        ("Gigabyte, MSI and Asus ship the new graphics cards next month.", "ASUS"),
        ("Retailers list RTX 3080 cards from Gigabyte, MSI and Zotac.", "Gigabyte"),
        ("tsmc is adding CoWoS capacity again, the supplier said.", "TSMC"),
    ],
)
def test_companies_are_found(extractor: Extractor, text: str, expected: str) -> None:
    assert expected in vendors(extractor, text)


def test_case_of_words_is_kept(extractor: Extractor) -> None:
    # A word-name in lower case is not the company on a page in that language...
    assert vendors(extractor, "I bought an apple and a pear at the market today.") == set()
    # ...but an invented name is, in any case.
    assert "Nvidia" in vendors(extractor, "honestly nvidia shipped more gpus than anyone.")


def test_english_context_words_do_not_confirm_a_name_on_a_polish_page(
    extractor: Extractor,
) -> None:
    # "Sony" is a Polish word form; the English word "display" nearby is no evidence here.
    text = (
        "W czasie tej nocy miał dziwne sony i nie mógł spać, a potem display na dworcu się "
        "zepsuł i nikt nie wiedział, który pociąg jedzie do domu."
    )
    assert detect_language(text) == "pl"
    assert "Sony" not in vendors(extractor, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Apple wants LG as a second supplier of LTPO OLED panels for the next iPhone.",
            "LG Display",
        ),
        ("Samsung will supply most of the OLED panels for the foldable model.", "Samsung Display"),
        ("LG also makes the camera modules for the phone's triple camera.", "LG Innotek"),
        (
            "Samsung raised MLCC prices for the third quarter, distributors said.",
            "Samsung Electro-Mechanics",
        ),
        ("LG sold more washing machines and TVs in Europe this quarter.", "LG Electronics"),
    ],
)
def test_a_group_name_resolves_to_the_subsidiary_the_sentence_is_about(
    extractor: Extractor, text: str, expected: str
) -> None:
    assert expected in vendors(extractor, text)


def test_a_possessive_names_the_group(extractor: Extractor) -> None:
    found = vendors(extractor, "Samsung's display unit raised panel prices in July.")
    assert found == {"Samsung Electronics"}


def test_language_is_told_by_words_and_script() -> None:
    assert detect_language("The company said that it was going to build a new plant.") == "en"
    assert detect_language("Das Unternehmen hat mitgeteilt, dass es ein Werk bauen wird.") == "de"
    assert (
        detect_language("台积电表示，公司将在明年扩大先进封装产能，以满足人工智能芯片的需求。")
        == "zh"
    )
    assert detect_language("12345 67890") == ""


def test_matching_is_linear_in_pathological_input(extractor: Extractor) -> None:
    # A feed text without sentence ends: every name a mention, thousands in one "sentence".
    unit = "TSMC Nvidia Apple Arm Intel Foxconn "
    text = unit * 2000  # 72 KB
    spans = sentence_spans(text)
    assert max(e - s for s, e in spans) <= MAX_SENTENCE
    mentions = extractor.vendors.find(text, spans)
    assert len(mentions) >= 4 * 2000
    # Evidence is a bounded window, and mentions near one another share one copy of it:
    # memory stays linear in the text.
    assert max(len(m.sentence) for m in mentions) <= MAX_EVIDENCE + 20
    distinct = {id(m.sentence) for m in mentions}
    assert len(distinct) <= len(text) // EVIDENCE_STEP + len(spans)
    assert sum(len(s) for s in {m.sentence for m in mentions}) <= 5 * len(text)
    result = extractor.extract(None, text)
    assert sum(len(m.sentence) for m in result.mentions) <= MAX_EVIDENCE * len(result.mentions)
