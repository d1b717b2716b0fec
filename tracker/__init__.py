"""tracker: a self-hosted supply-chain and vendor news tracker.

The library is the product; the CLI is a thin shell over it. The names below are loaded on
first use, so that ``import tracker`` (and every ``tracker`` command) pays only for what it
touches: trafilatura, feedparser and the database layer are not imported until asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.catalog.gazetteer import Gazetteer, Vendor, load_gazetteer
    from tracker.config import Settings, load_settings
    from tracker.errors import (
        ConfigError,
        FetchError,
        ParseError,
        QueryError,
        StoreError,
        TrackerError,
        UsageError,
    )
    from tracker.extract import VendorMatcher, extract_text
    from tracker.models import (
        ArticleRecord,
        Extraction,
        FeedEntry,
        Page,
        ParsedFeed,
        VendorMention,
    )
    from tracker.parse.feed import parse_feed
    from tracker.parse.page import extract_page
    from tracker.parse.urls import canonical_url
    from tracker.query import parse_query

__version__ = "0.1.0"

# Public name -> the module that defines it.
_SOURCES = {
    "ArticleRecord": "tracker.models",
    "ConfigError": "tracker.errors",
    "Extraction": "tracker.models",
    "FeedEntry": "tracker.models",
    "FetchError": "tracker.errors",
    "Gazetteer": "tracker.catalog.gazetteer",
    "Page": "tracker.models",
    "ParseError": "tracker.errors",
    "ParsedFeed": "tracker.models",
    "QueryError": "tracker.errors",
    "Settings": "tracker.config",
    "StoreError": "tracker.errors",
    "TrackerError": "tracker.errors",
    "UsageError": "tracker.errors",
    "Vendor": "tracker.catalog.gazetteer",
    "VendorMatcher": "tracker.extract",
    "VendorMention": "tracker.models",
    "canonical_url": "tracker.parse.urls",
    "extract_page": "tracker.parse.page",
    "extract_text": "tracker.extract",
    "load_gazetteer": "tracker.catalog.gazetteer",
    "load_settings": "tracker.config",
    "parse_feed": "tracker.parse.feed",
    "parse_query": "tracker.query",
}

__all__ = [
    "ArticleRecord",
    "ConfigError",
    "Extraction",
    "FeedEntry",
    "FetchError",
    "Gazetteer",
    "Page",
    "ParseError",
    "ParsedFeed",
    "QueryError",
    "Settings",
    "StoreError",
    "TrackerError",
    "UsageError",
    "Vendor",
    "VendorMatcher",
    "VendorMention",
    "canonical_url",
    "extract_page",
    "extract_text",
    "load_gazetteer",
    "load_settings",
    "parse_feed",
    "parse_query",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and keep the name here."""
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module 'tracker' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
