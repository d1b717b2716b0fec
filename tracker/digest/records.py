"""Pure: the records a digest is made of, from the store's rows to the rendered sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MentionRecord:
    """A vendor named in an article: canonical name, the words used, the sentence."""

    vendor: str
    surface: str
    sentence: str


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product named in an article."""

    name: str
    catalog_id: str | None
    category: str | None
    surface: str
    sentence: str


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An event reported by an article."""

    type: str
    vendors: tuple[str, ...]
    evidence: str


@dataclass(frozen=True, slots=True)
class RelationRecord:
    """A supplier relation reported by an article."""

    supplier: str
    customer: str
    product: str | None
    status: str
    evidence: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """One stored article with what was found in it; ``sources`` in the order they saw it."""

    article_id: int
    title: str
    url: str
    sources: tuple[str, ...]
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str = ""
    summary: str = ""
    text: str = ""  # only loaded when the watchlist has keywords
    mentions: tuple[MentionRecord, ...] = ()
    products: tuple[ProductRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()
    relations: tuple[RelationRecord, ...] = ()

    @property
    def at(self) -> datetime:
        """When the story came out: its publication time, else when it was fetched."""
        return self.published_at or self.fetched_at


@dataclass(frozen=True, slots=True)
class PriorStory:
    """An article from before the period: a later copy of it is not new."""

    title: str
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """What one digest covers: articles fetched in (start, end]; ``key`` names it."""

    key: str  # the local date the digest is due: "2026-11-26"
    due_at: datetime
    start: datetime
    end: datetime
    timezone: str
    cadence: str = "daily"

    @property
    def days(self) -> float:
        """The length of the window in days (for the mention baseline)."""
        return max((self.end - self.start).total_seconds() / 86400, 1 / 24)


@dataclass(frozen=True, slots=True)
class DigestInput:
    """Everything ``select_digest`` needs, read from the store in one go."""

    stories: list[StoryRecord]
    prior: list[PriorStory] = field(default_factory=list)
    known_pairs: frozenset[tuple[str, str]] = frozenset()  # (supplier, customer) seen before
    vendor_articles: dict[str, int] = field(default_factory=dict)  # in the period
    baseline_articles: dict[str, int] = field(default_factory=dict)  # in the baseline window
    baseline_days: float = 14.0
    has_baseline: bool = False  # any article at all in the baseline window


Segment = tuple[str, bool]
"""A piece of an evidence sentence and whether it is a vendor or product name."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One story, however many outlets carried it."""

    headline: str
    url: str  # absolute http(s), or "" when the stored link is not one
    source: str  # the outlet of the earliest copy
    sources: tuple[str, ...]  # every outlet that carried it
    at: datetime
    event_type: str | None
    evidence: tuple[Segment, ...]
    relevance: float
    also: tuple[str, ...] = ()  # other watchlist items it matches
    article_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """The entries of one event type within a group (``None``: no event)."""

    event_type: str | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """The stories of one watchlist item; ``hidden`` were cut by ``max_per_group``."""

    kind: str
    label: str
    sections: tuple[Section, ...]
    hidden: int = 0

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every shown entry, in order."""
        return tuple(e for s in self.sections for e in s.entries)


@dataclass(frozen=True, slots=True)
class NewRelation:
    """A (supplier, customer) pair reported for the first time, with the status it is shown
    with (``tracker.models.shown_status``: confirmed only when the extraction is sure)."""

    supplier: str
    customer: str
    product: str | None
    status: str
    evidence: tuple[Segment, ...]
    headline: str
    url: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Spike:
    """A vendor named in many more articles than its own 14-day baseline."""

    vendor: str
    articles: int
    expected: float  # articles its baseline predicts for a period this long


@dataclass(frozen=True, slots=True)
class Digest:
    """A selected digest, ready to render."""

    name: str
    title: str
    period: Period
    groups: tuple[Group, ...]
    new_relations: tuple[NewRelation, ...] = ()
    spikes: tuple[Spike, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every shown entry."""
        return tuple(e for g in self.groups for e in g.entries)

    @property
    def story_count(self) -> int:
        """Stories shown."""
        return len(self.entries)

    @property
    def is_empty(self) -> bool:
        """Nothing new: no story and nothing changed."""
        return not (self.groups or self.new_relations or self.spikes)

    def count_of(self, event_type: str) -> int:
        """Shown stories of one event type."""
        return sum(1 for e in self.entries if e.event_type == event_type)
