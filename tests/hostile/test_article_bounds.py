"""One article never runs away: its text is bounded, its extraction has a CPU budget, and
every step's work and memory grow linearly with what it reads."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tracker.extract import Extractor, load_extractor
from tracker.extract.candidates import MAX_CANDIDATES, find_candidates
from tracker.extract.sentences import MAX_EVIDENCE, sentence_spans
from tracker.ingest.work import PageJob, extract_article
from tracker.parse.text import MAX_ARTICLE_CHARS, bounded_text

UNIT = "TSMC Nvidia Apple Arm Intel Foxconn "


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    config = ROOT / "config"
    return load_extractor(config / "vendors.toml", config / "catalog", config / "attributions.toml")


def _job(summary: str) -> PageJob:
    return PageJob(
        canonical_url="https://news.example/a",
        title="A feed without full stops",
        summary=summary,
        published_at=None,
        fallback_label="news.example",
    )


def test_an_endless_description_is_cut_and_the_article_kept_with_a_note(
    extractor: Extractor,
) -> None:
    summary = UNIT * (1_000_000 // len(UNIT))  # 1 MB, far below the body limit
    record = extract_article(_job(summary), extractor).value
    assert len(record.text) <= MAX_ARTICLE_CHARS
    assert len(record.summary) <= MAX_ARTICLE_CHARS
    assert record.text_note is not None
    assert "text cut to its first" in record.text_note
    assert f"of {len(summary):,} characters" in record.text_note
    mentions = record.extraction.mentions
    assert mentions
    # What is kept per mention is bounded: no sentence-long copies per mention.
    assert max(len(m.sentence) for m in mentions) <= MAX_EVIDENCE + 20
    assert len({id(m.sentence) for m in mentions}) <= len(record.text) // 50


def test_a_short_text_is_kept_whole() -> None:
    assert bounded_text("TSMC ships.") == ("TSMC ships.", None)
    text, note = bounded_text("word " * 30, limit=100)
    assert len(text) <= 100
    assert text.endswith("word")
    assert note == "text cut to its first 99 of 150 characters"


def test_an_extraction_over_its_budget_is_recorded_with_a_note(extractor: Extractor) -> None:
    text = "Foxconn assembles iPhones for Apple in Zhengzhou. " * 20
    whole = extractor.extract("Apple and Foxconn", text)
    assert whole.note is None
    assert whole.products
    assert whole.relations
    stopped = extractor.extract("Apple and Foxconn", text, budget_s=0.0)
    assert stopped.mentions == whole.mentions
    assert stopped.products == []
    assert stopped.relations == []
    assert stopped.note == "extraction stopped before products: over its budget of 0 s CPU"


def test_unknown_names_are_bounded_per_article() -> None:
    names = " ".join(f"Zq{i:05d} Precision Industry Co., Ltd." for i in range(3000))
    found = find_candidates(names, sentence_spans(names), [])
    assert len(found) == MAX_CANDIDATES


def test_extraction_work_grows_linearly(extractor: Extractor) -> None:
    # Doubling the text doubles the evidence kept, never squares it.
    sizes = []
    for count in (1000, 2000):
        result = extractor.extract(None, UNIT * count)
        kept = {id(m.sentence): len(m.sentence) for m in result.mentions}
        sizes.append((len(result.mentions), sum(kept.values())))
    (m1, k1), (m2, k2) = sizes
    assert m2 <= 2 * m1 + 10
    assert k2 <= 2 * k1 + 2 * MAX_EVIDENCE
