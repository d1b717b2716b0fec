"""Every sample page: main text extracted, and exactly the vendors its body names."""

from __future__ import annotations

import json

import pytest
import time_machine

from tests.conftest import FIXTURES, SAMPLE_NOW, SITE
from tracker.extract import Extractor, extract_text
from tracker.parse.page import extract_page

EXPECTED: dict[str, dict[str, object]] = json.loads(
    (FIXTURES / "expected" / "articles.json").read_text(encoding="utf-8")
)
PAGES = sorted(slug for slug, e in EXPECTED.items() if not e.get("page_missing"))


def test_every_page_has_an_expectation() -> None:
    on_disk = sorted(p.stem for p in (SITE / "articles").glob("*.html"))
    assert on_disk == PAGES


# A page's date is read only when it is not in the future (htmldate's rule): the clock is
# pinned to the sample's days.
@pytest.mark.parametrize("slug", PAGES)
@time_machine.travel(SAMPLE_NOW, tick=True)
def test_page_vendors(slug: str, gazetteer_extractor: Extractor) -> None:
    expected = EXPECTED[slug]
    page = extract_page((SITE / "articles" / f"{slug}.html").read_bytes())
    assert page.title == expected["title"]
    assert page.published_at is not None
    assert len(page.text) > 500
    found = {m.vendor for m in extract_text(gazetteer_extractor, page.title, page.text).mentions}
    assert found == set(expected["vendors"])  # type: ignore[arg-type]
    assert not found & set(expected["absent"])  # type: ignore[arg-type]
