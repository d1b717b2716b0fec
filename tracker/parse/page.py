"""Main-text extraction from article pages (trafilatura does the hard part)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import trafilatura

from tracker.models import Page
from tracker.parse.text import clean_text

# trafilatura logs every page it finds too short at WARNING; that is our decision to report.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# htmldate (run by trafilatura on the tree it parsed) reads the page's metadata first (meta
# tags, Open Graph, JSON-LD), then the date in its URL (deferred: metadata is better trusted),
# then guesses from the page's elements and text; the original date, not the last update.
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "deferred_url_extractor": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def extract_page(html: str | bytes, url: str | None = None) -> Page:
    """The title, main text and publication time of an HTML page.

    Navigation, related links, comments and cookie banners are dropped. A page with no
    recognisable main content gives an empty ``text``.
    """
    if isinstance(html, bytes) and not html.strip():
        return Page(title=None, text="", published_at=None)
    if isinstance(html, str) and not html.strip():
        return Page(title=None, text="", published_at=None)
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None:
        return Page(title=None, text="", published_at=None)
    title = getattr(doc, "title", None)
    text = getattr(doc, "text", None) or ""
    return Page(
        title=clean_text(title) if title else None,
        text=clean_text(text),
        published_at=_parse_date(getattr(doc, "date", None)),
    )
