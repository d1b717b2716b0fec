"""Domain types shared by the layers: plain dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Crossing:
    """A slots dataclass that crosses between processes (worker results), pickled as its
    class and its fields' values. The default for slots builds a dict per object: a record
    of a hundred findings took 0.36 ms to pickle and 0.30 to unpickle, 0.15 and 0.13 so."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # A slots dataclass lists its fields in __slots__, in the order __init__ takes them.
        names: tuple[str, ...] = type(self).__slots__
        return type(self), tuple(getattr(self, name) for name in names)


@dataclass(frozen=True, slots=True)
class FeedEntry(Crossing):
    """One entry of a feed, as parsed (links already absolute), or an article link taken from
    a listing page or a sitemap.

    ``published_at`` is a date the source states for the entry. ``date_fallback`` is a weaker
    guess (a date in the URL, a sitemap's lastmod), used only when the article page's own
    metadata gives none.
    """

    guid: str
    url: str | None
    title: str
    summary: str
    published_at: datetime | None
    date_fallback: datetime | None = None


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
class VendorMention(Crossing):
    """A vendor found in a text: canonical name, the surface form, and its sentence."""

    vendor: str
    surface: str
    start: int
    end: int
    sentence: str


EVENT_TYPES = (
    "disruption",
    "export_control",
    "shortage",
    "lead_time_price",
    "capacity",
    "design_win",
    "m_and_a",
    "earnings",
    "legal",
    "leadership",
    "product_launch",
    "quality_recall",
)
"""Event taxonomy, most urgent first (digests and exposure order by it)."""

RELATION_STATUSES = ("confirmed", "reported", "planned", "negated")
"""confirmed: stated as fact; reported: attributed or rumoured; planned: agreed or intended
for the future; negated: denied, failed, ended (not a current relation)."""

RELATION_SURE = 0.85
"""The confidence at which the extraction is sure of a relation. Only a relation stated as
fact (``confirmed``) at or above it is shown as confirmed: in the digest's "What changed"
and on exposure paths. Below it, or when reported or planned, a relation is shown as
reported with its confidence; below ``RELATION_SHOWN`` it is held back. The confidences are
calibrated on labelled news (``bench/relation_calibration.py``)."""

RELATION_SHOWN = 0.6
"""The least confidence at which a relation is shown at all (see ``RELATION_SURE``)."""

NEGATED = "negated"
"""The status of a relation that denies or ends the link."""


def shown_status(status: str, confidence: float) -> str | None:
    """How a relation is shown: ``confirmed`` when the extraction is sure of a fact,
    ``reported`` for any other current relation it is fairly sure of, ``negated`` as is,
    and None (held back) below ``RELATION_SHOWN``."""
    if status == NEGATED:
        return status
    if confidence < RELATION_SHOWN:
        return None
    if status == "confirmed" and confidence >= RELATION_SURE:
        return "confirmed"
    return "reported" if status == "confirmed" else status


@dataclass(frozen=True, slots=True)
class ProductMention(Crossing):
    """A product named in a text; ``catalog_id`` is None when no catalog entry matched."""

    name: str
    catalog_id: str | None
    vendor: str | None
    category: str | None
    surface: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Relation(Crossing):
    """``supplier`` supplies ``customer`` (optionally with ``product``), per ``evidence``."""

    supplier: str
    customer: str
    product: str | None
    status: str
    confidence: float
    evidence: str
    attribution: str | None = None


@dataclass(frozen=True, slots=True)
class Event(Crossing):
    """Something that happened to ``vendors``, of one type of ``EVENT_TYPES``."""

    type: str
    vendors: tuple[str, ...]
    evidence: str
    attribution: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateVendor(Crossing):
    """A name with company form that the gazetteer does not know."""

    name: str
    sentence: str


@dataclass(slots=True)
class Extraction:
    """Everything the extraction found in one text."""

    mentions: list[VendorMention] = field(default_factory=list)
    products: list[ProductMention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    candidates: list[CandidateVendor] = field(default_factory=list)
    # Why the extraction is incomplete (it ran out of its time budget), when it is.
    note: str | None = None

    def vendor_summary(self) -> list[dict[str, object]]:
        """Group mentions by vendor: name, distinct surface forms, distinct evidence sentences."""
        grouped: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
        for m in self.mentions:
            matched, evidence = grouped.setdefault(m.vendor, ({}, {}))
            matched.setdefault(m.surface)
            evidence.setdefault(m.sentence)
        return [
            {"name": name, "matched": list(matched), "evidence": list(evidence)}
            for name, (matched, evidence) in grouped.items()
        ]

    def product_summary(self) -> list[dict[str, object]]:
        """Group product mentions by catalog entry (or by name when unlinked)."""
        grouped: dict[tuple[str | None, str], dict[str, object]] = {}
        seen: set[tuple[tuple[str | None, str], str, str]] = set()
        for p in self.products:
            key = (p.catalog_id, p.name if p.catalog_id is None else "")
            item = grouped.setdefault(
                key,
                {
                    "name": p.name,
                    "id": p.catalog_id,
                    "vendor": p.vendor,
                    "category": p.category,
                    "matched": [],
                    "evidence": [],
                },
            )
            for field_name, value in (("matched", p.surface), ("evidence", p.sentence)):
                values = item[field_name]
                assert isinstance(values, list)
                if (key, field_name, value) not in seen:
                    seen.add((key, field_name, value))
                    values.append(value)
        return list(grouped.values())

    def relation_summary(self) -> list[dict[str, object]]:
        """Relations as plain records."""
        return [
            {
                "supplier": r.supplier,
                "customer": r.customer,
                "product": r.product,
                "status": r.status,
                "confidence": round(r.confidence, 2),
                "evidence": r.evidence,
                "attribution": r.attribution,
            }
            for r in self.relations
        ]

    def event_summary(self) -> list[dict[str, object]]:
        """Events as plain records."""
        return [
            {
                "type": e.type,
                "vendors": list(e.vendors),
                "evidence": e.evidence,
                "attribution": e.attribution,
            }
            for e in self.events
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


@dataclass(frozen=True, slots=True)
class SourceState:
    """The part of a source that its fetches change, with what decides when it is due.

    ``tracker.ingest.transition.after_fetch`` derives the next state from this one and a
    fetch's outcome; the store reads and writes it.
    """

    name: str
    is_enabled: bool = True
    disabled_reason: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    interval_minutes: int | None = None  # None: [schedule] interval_minutes
    is_adaptive: bool = False
    error_streak: int = 0
    is_failing: bool = False
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_not_modified_at: datetime | None = None
    last_error: str | None = None
    last_error_class: str | None = None
    last_http_status: int | None = None
    next_attempt_at: datetime | None = None
