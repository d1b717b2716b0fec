"""Events on sentences written for these tests: tied to the company they are about, read
in context, and dated (what an article recalls from years before is not news)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import ROOT
from tracker.extract import Extractor, load_extractor
from tracker.models import Event

CONFIG = ROOT / "config"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return load_extractor(CONFIG / "vendors.toml", CONFIG / "catalog", CONFIG / "attributions.toml")


def events(
    extractor: Extractor, title: str, text: str, published: datetime | None = None
) -> dict[str, Event]:
    return {e.type: e for e in extractor.extract(title, text, published).events}


def test_an_earthquake_recalled_from_years_before_is_not_news(extractor: Extractor) -> None:
    title = "TSMC raises its 2026 capital spending"
    text = (
        "TSMC said it would spend more on new fabs in 2026. The company's plants in Japan "
        "were closed for weeks after the 2011 earthquake, an executive recalled."
    )
    found = events(extractor, title, text, datetime(2026, 3, 2, tzinfo=UTC))
    assert "disruption" not in found
    assert found["capacity"].vendors == ("TSMC",)


def test_an_earthquake_this_year_is_news(extractor: Extractor) -> None:
    title = "Earthquake halts TSMC fabs"
    text = "A magnitude 6.4 earthquake on 3 March 2026 forced TSMC to evacuate its fabs."
    found = events(extractor, title, text, datetime(2026, 3, 4, tzinfo=UTC))
    assert found["disruption"].vendors == ("TSMC",)


def test_years_ago_recalls_the_past_without_a_date(extractor: Extractor) -> None:
    text = "Huawei, crippled by US sanctions five years ago, now ships its own AI chips."
    assert "export_control" not in events(extractor, "Huawei ships AI chips", text)


def test_the_year_the_article_names_most_often_dates_it(extractor: Extractor) -> None:
    text = (
        "Samsung plans to expand HBM capacity in 2026. Its 2026 plan doubles output. "
        "A flood closed one of its lines in 2019."
    )
    found = events(extractor, "Samsung's 2026 plan", text)  # no publication date known
    assert "disruption" not in found
    assert "capacity" in found


@pytest.mark.parametrize(
    "text",
    [
        "Micron came under fire from analysts for its cautious guidance.",
        "Critics opened fire on Apple's pricing of the new iPhone.",
        "The union at Samsung said it was selected for an award by the magazine.",
        "Nvidia's expansion into software is a bet on recurring revenue.",
        "TSMC and Amkor strike a packaging deal for the Arizona plant.",
    ],
)
def test_words_that_mean_an_event_only_in_context(extractor: Extractor, text: str) -> None:
    found = events(extractor, "Company news", text)
    assert not {"disruption", "capacity", "design_win"} & found.keys()


@pytest.mark.parametrize(
    ("text", "kind", "vendors"),
    [
        ("A fire at Murata's Fukui plant halted capacitor output.", "disruption", ("Murata",)),
        (
            "Workers at the Samsung plant went on strike on Monday.",
            "disruption",
            ("Samsung Electronics",),
        ),
        ("Micron plans to expand capacity at its Hiroshima fab.", "capacity", ("Micron",)),
        (
            "Apple selected Luxshare to assemble the new headset.",
            "design_win",
            ("Apple", "Luxshare"),
        ),
    ],
)
def test_the_same_words_in_context(
    extractor: Extractor, text: str, kind: str, vendors: tuple[str, ...]
) -> None:
    assert events(extractor, "Company news", text)[kind].vendors == vendors


def test_an_event_belongs_to_the_companies_of_its_clause(extractor: Extractor) -> None:
    text = "Intel reported record revenue, while a fire at the plant of Unimicron halted output."
    found = events(extractor, "Quarterly news", text)
    assert found["disruption"].vendors == ("Unimicron",)


def test_a_lede_event_without_a_company_is_the_subject_s(extractor: Extractor) -> None:
    title = "Kioxia warns of NAND shortage"
    text = "A shortage of NAND flash will last into next year, the company said."
    assert events(extractor, title, text)["shortage"].vendors == ("Kioxia",)


def test_pages_that_name_no_company_have_no_events(extractor: Extractor) -> None:
    text = (
        "Council approves library expansion. A fire broke out in the old town hall, and "
        "drivers face disruption as roadworks close the high street."
    )
    assert events(extractor, "Town news", text) == {}


def test_the_lexicon_by_first_letter_finds_what_the_lexicon_finds() -> None:
    """The pattern events are read with (its alternatives grouped by first letter) matches
    where EVENTS_RE does, with the same type, on the gold texts and on the lexicon's words."""
    import json
    import re

    from tracker.extract.events import _EVENTS_BY_LETTER, _KIND_OF, _LEXICON, EVENTS_RE

    gold = (ROOT / "fixtures" / "gold" / "articles.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"].lower() for line in gold.splitlines() if line.strip()]
    texts += [
        " ".join(re.sub(r"[\\()?*+|\[\]{}^$.]", " ", w.lower()).split()) for w in _LEXICON.values()
    ]
    for text in texts:
        expected = [(m.span(), m.lastgroup) for m in EVENTS_RE.finditer(text)]
        found = [(m.span(), _KIND_OF[str(m.lastgroup)]) for m in _EVENTS_BY_LETTER.finditer(text)]
        assert found == expected
