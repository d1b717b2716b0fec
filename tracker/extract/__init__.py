"""Pure: text in, mentions out. No network, no database."""

from __future__ import annotations

from tracker.catalog.gazetteer import Gazetteer
from tracker.extract.vendors import VendorMatcher
from tracker.models import Extraction

__all__ = ["VendorMatcher", "extract_text"]


def extract_text(matcher: VendorMatcher, title: str | None, text: str) -> Extraction:
    """Run every extractor over an article's headline and body."""
    document = f"{title}\n{text}" if title else text
    return Extraction(mentions=matcher.find(document))


def matcher_for(gazetteer: Gazetteer) -> VendorMatcher:
    """A matcher over ``gazetteer`` (building it takes a moment: reuse it)."""
    return VendorMatcher(gazetteer)
