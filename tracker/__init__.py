"""tracker: a self-hosted supply-chain and vendor news tracker.

The library is the product; the CLI is a thin shell over it.
"""

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
from tracker.models import ArticleRecord, Extraction, FeedEntry, Page, ParsedFeed, VendorMention
from tracker.parse.feed import parse_feed
from tracker.parse.page import extract_page
from tracker.parse.urls import canonical_url
from tracker.query import parse_query

__version__ = "0.1.0"

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
