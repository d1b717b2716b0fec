"""Pure: time decay, the news window, and a company's risk from its news."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from tracker.config import ExposureSettings
from tracker.models import EVENT_TYPES

RISK_WEIGHTS: dict[str, float] = {
    "disruption": 3.0,
    "export_control": 3.0,
    "shortage": 2.5,
    "lead_time_price": 2.0,
    "capacity": 1.0,
    "design_win": 0.5,
    "m_and_a": 0.5,
    "earnings": 0.5,
    "legal": 0.5,
    "leadership": 0.25,
    "product_launch": 0.25,
    "quality_recall": 0.25,
}
"""How much one event of each type adds to a company's risk before decay (non-increasing in the
order of ``EVENT_TYPES``, which is most urgent first)."""


_URGENCY = {t: i for i, t in enumerate(EVENT_TYPES)}


DAY_S = 86400.0


def decay(age: timedelta, half_life_days: float) -> float:
    """``0.5 ** (age / half-life)``; an age below zero (a time after "now") counts as zero."""
    days = max(age.total_seconds(), 0.0) / DAY_S
    return float(0.5 ** (days / half_life_days))


@dataclass(frozen=True, slots=True)
class Window:
    """The news window ``[start, end)`` and the baseline before it ``[baseline_start, start)``."""

    start: datetime
    end: datetime
    baseline_start: datetime
    label: str  # "in the last 30 days", "since 2026-11-01"

    @property
    def weeks(self) -> float:
        """Length of the window in weeks (at least one day)."""
        return max((self.end - self.start).total_seconds(), DAY_S) / (7 * DAY_S)

    @property
    def baseline_weeks(self) -> float:
        """Length of the baseline in weeks (at least one day)."""
        return max((self.start - self.baseline_start).total_seconds(), DAY_S) / (7 * DAY_S)


def make_window(now: datetime, since: datetime | None, settings: ExposureSettings) -> Window:
    """The window ending ``now``: from ``since``, or the last ``window_days``; the baseline is
    ``baseline_windows`` windows of the same length just before it."""
    if since is None:
        start = now - timedelta(days=settings.window_days)
        label = f"in the last {settings.window_days} days"
    else:
        start = min(since, now)
        label = f"since {since.date().isoformat()}"
    length = max(now - start, timedelta(days=1))
    return Window(start, now, start - length * settings.baseline_windows, label)


def reported_weight(
    confidence: float, sources: int, last_at: datetime, now: datetime, half_life_days: float
) -> float:
    """Noisy-OR of ``sources`` independent reports of ``confidence``, decayed since ``last_at``."""
    corroborated = 1.0 - (1.0 - min(max(confidence, 0.0), 1.0)) ** max(sources, 1)
    return corroborated * decay(now - last_at, half_life_days)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that shows something, and the article it comes from."""

    kind: str  # event, relation, mention, product
    type: str  # the event type, the relation status, or ""
    sentence: str
    at: datetime
    title: str
    url: str
    sources: tuple[str, ...] = ()
    about: str = ""  # the company (or supplier -> customer) it is about

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "kind": self.kind,
            "type": self.type or None,
            "about": self.about or None,
            "sentence": self.sentence,
            "at": self.at,
            "title": self.title,
            "url": self.url,
            "sources": list(self.sources),
        }


class EventItem(NamedTuple):
    """One event concerning ``vendor``, with its article. A question's window reads its
    events without their words (``title``, ``url``, ``evidence`` empty): only the events quoted
    are given them (``answers.with_details``). A named tuple: a question reads thousands
    (1.5 us each as a frozen dataclass, 0.5 as this); change one with ``_replace``."""

    event_id: int
    vendor: str
    type: str
    at: datetime
    article_id: int
    title: str = ""
    url: str = ""
    evidence: str = ""
    sources: tuple[str, ...] = ()

    def as_evidence(self) -> Evidence:
        """The event as evidence."""
        return Evidence(
            "event",
            self.type,
            self.evidence,
            self.at,
            self.title,
            self.url,
            self.sources,
            self.vendor,
        )


@dataclass(frozen=True, slots=True)
class VendorNews:
    """The news touching one company (with its subsidiaries) in a window."""

    vendor: str
    mentions: int  # articles that mention it in the window
    baseline_mentions: int  # ... in the baseline before the window
    events: tuple[EventItem, ...]  # most urgent first, then newest
    window: Window
    risk: float
    event_sources: tuple[str, ...] | None = None  # set by ``with_sources``

    @property
    def per_week(self) -> float:
        """Mentions per week in the window."""
        return self.mentions / self.window.weeks

    @property
    def usual_per_week(self) -> float:
        """Mentions per week in the baseline."""
        return self.baseline_mentions / self.window.baseline_weeks

    @property
    def trend(self) -> float | None:
        """Window rate over baseline rate (None without a baseline)."""
        return self.per_week / self.usual_per_week if self.baseline_mentions else None

    def events_by_type(self) -> dict[str, int]:
        """Event counts, most urgent type first."""
        counts: dict[str, int] = {}
        for event in self.events:
            counts[event.type] = counts.get(event.type, 0) + 1
        return {t: counts[t] for t in sorted(counts, key=lambda t: _URGENCY.get(t, 99))}

    def sources(self) -> tuple[str, ...]:
        """Distinct sources that carried its events."""
        if self.event_sources is not None:
            return self.event_sources
        return tuple(sorted({s for e in self.events for s in e.sources}))

    def record(self) -> dict[str, Any]:
        """A plain record."""
        return {
            "mentions": self.mentions,
            "mentions_per_week": round(self.per_week, 2),
            "usual_per_week": round(self.usual_per_week, 2),
            "trend": round(self.trend, 2) if self.trend is not None else None,
            "events": self.events_by_type(),
            "event_sources": list(self.sources()),
            "risk": round(self.risk, 3),
        }


def risk_of(
    events: Sequence[EventItem],
    per_week: float,
    usual_per_week: float,
    now: datetime,
    news_half_life_days: float,
    decays: dict[datetime, float] | None = None,
) -> float:
    """Events weighted by type and age, plus ``log2`` of a mention surge over the baseline.
    ``decays`` keeps each event time's decay for the next call (the events of one article
    concern several companies)."""
    known = {} if decays is None else decays

    def aged(at: datetime) -> float:
        found = known.get(at)
        if found is None:
            found = known[at] = decay(now - at, news_half_life_days)
        return found

    weight = sum(RISK_WEIGHTS.get(e.type, 0.25) * aged(e.at) for e in events)
    surge = max(0.0, math.log2((per_week + 1.0) / (usual_per_week + 1.0)))
    return weight + surge


def _newest_first(event: EventItem) -> tuple[datetime, int]:
    return event.at, event.event_id


def _most_urgent_first(event: EventItem) -> tuple[int, float]:
    return _URGENCY.get(event.type, 99), -event.at.timestamp()


def summarize_news(
    vendor: str,
    mentions: int,
    baseline_mentions: int,
    events: Iterable[EventItem],
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    decays: dict[datetime, float] | None = None,
) -> VendorNews:
    """A company's news: events counted once per article and type, ranked most urgent first
    (``decays`` as in ``risk_of``: a question summarises hundreds of companies)."""
    found = events if isinstance(events, list | tuple) else list(events)
    ranked: tuple[EventItem, ...]
    if len(found) > 1:
        unique: dict[tuple[int, str], EventItem] = {}
        for event in sorted(found, key=_newest_first, reverse=True):
            unique.setdefault((event.article_id, event.type), event)
        ranked = tuple(sorted(unique.values(), key=_most_urgent_first))
    else:
        ranked = tuple(found)
    per_week = mentions / window.weeks
    usual = baseline_mentions / window.baseline_weeks
    risk = risk_of(ranked, per_week, usual, now, settings.news_half_life_days, decays)
    return VendorNews(vendor, mentions, baseline_mentions, ranked, window, risk)
