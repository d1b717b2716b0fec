"""Main-text extraction from article pages (trafilatura does the hard part).

A page is read in trafilatura's fast mode first (its own extractor, no comparison with
readability and jusText); only a page whose text came back short is read again in the
default mode, which compares with them (the recall pass; issue 18: on the Zyte benchmark
fast mode alone scores F1 0.962, on trafilatura's own evaluation pages it loses 1.3 points
of snippet recall that the recall pass of the pages under 1,000 characters wins back).
The title and date come from the page only when asked for: a feed entry mostly has both.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import trafilatura
from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.utils import load_html

from tracker.models import Page
from tracker.parse.text import clean_text

# trafilatura logs every page it finds too short at WARNING; that is our decision to report.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# htmldate reads the page's metadata first (meta tags, Open Graph, JSON-LD), then the date in
# its URL (deferred: metadata is better trusted), then guesses from the page's elements and
# text; the original date, not the last update.
_DATE_PARAMS: dict[str, Any] = {
    "extensive_search": False,
    "original_date": True,
    "deferred_url_extractor": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
# A text shorter than this after the fast pass is read again with readability's and
# jusText's comparison (bench/README.md, real_ingest_bench.py: 12% of real pages).
RECALL_BELOW_CHARS = 1000
_EMPTY = Page(title=None, text="", published_at=None)


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


def _main_text(html: Any, url: str | None, *, fast: bool) -> str | None:
    doc = trafilatura.bare_extraction(
        html, url=url, fast=fast, include_comments=False, include_tables=True
    )
    return None if doc is None else getattr(doc, "text", None) or ""


def _title(tree: Any) -> str | None:
    """The title as trafilatura's metadata gives it: meta tags, JSON-LD, then the page."""
    found = examine_meta(tree)
    # trafilatura's JSON-LD reader can fail on odd data; the page's title is then read below
    with contextlib.suppress(Exception):
        found = extract_meta_json(tree, found)
    found.title = found.title or extract_title(tree)
    found.clean_and_trim()  # entities, spaces and control characters (soft hyphens) out
    title: str | None = found.title
    return title


def extract_page(
    html: str | bytes, url: str | None = None, *, with_title: bool = True, with_date: bool = True
) -> Page:
    """The title, main text and publication time of an HTML page.

    Navigation, related links, comments and cookie banners are dropped. A page with no
    recognisable main content gives an empty ``text``. ``with_title``/``with_date`` False
    skip reading the page's title or date (the caller has them): ``Page.title`` or
    ``published_at`` is then None.
    """
    if not html.strip():
        return _EMPTY
    source: Any = html
    title = published = None
    if with_title or with_date:
        # One parse: the metadata and both passes read this tree (each pass on its own copy).
        source = load_html(html)
        if source is None:
            return _EMPTY
        if with_title:
            title = _title(source)
        if with_date:
            page_url = extract_url(source, url)
            published = _parse_date(find_date(source, url=page_url, **_DATE_PARAMS))
    text = _main_text(source, url, fast=True)
    if text is None or len(text) < RECALL_BELOW_CHARS:
        text = _main_text(source, url, fast=False) or text
    return Page(
        title=clean_text(title) if title else None,
        text=clean_text(text or ""),
        published_at=published,
    )
