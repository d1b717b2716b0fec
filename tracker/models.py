"""Domain types shared by the layers: plain dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed, as parsed (links already absolute)."""

    guid: str
    url: str | None
    title: str
    summary: str
    published_at: datetime | None


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed: its metadata, entries, and non-fatal warnings."""

    title: str
    link: str | None
    kind: str
    entries: list[FeedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ttl_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """The main content of an HTML page."""

    title: str | None
    text: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class VendorMention:
    """A vendor found in a text: canonical name, the surface form, and its sentence."""

    vendor: str
    surface: str
    start: int
    end: int
    sentence: str


@dataclass(slots=True)
class Extraction:
    """Everything the extraction found in one text."""

    mentions: list[VendorMention] = field(default_factory=list)
    products: list[dict[str, object]] = field(default_factory=list)
    relations: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)

    def vendor_summary(self) -> list[dict[str, object]]:
        """Group mentions by vendor: name, distinct surface forms, distinct evidence sentences."""
        grouped: dict[str, tuple[list[str], list[str]]] = {}
        for m in self.mentions:
            matched, evidence = grouped.setdefault(m.vendor, ([], []))
            if m.surface not in matched:
                matched.append(m.surface)
            if m.sentence not in evidence:
                evidence.append(m.sentence)
        return [
            {"name": name, "matched": matched, "evidence": evidence}
            for name, (matched, evidence) in grouped.items()
        ]


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An article ready to store: identity, text and what was extracted from it."""

    url: str
    canonical_url: str
    title: str
    summary: str
    text: str
    text_origin: str  # "page" or "summary"
    text_note: str | None  # why the summary was kept, when it was
    content_hash: str
    published_at: datetime | None
    extraction: Extraction
