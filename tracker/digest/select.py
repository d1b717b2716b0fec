"""Pure: which stories a digest shows, once each, grouped and ordered; and what changed.

1. Every story of the period is matched against the watchlist; its relevance to an item is
   1.0 when the item is in the headline, 0.8 for an event of that type or concerning that
   vendor, and less for a passing mention (``relevance``).
2. Copies of one story are merged: the same article in several feeds is already one record
   (``article_source``); different articles with the same text hash or near-identical
   headlines (word-set Jaccard >= 0.7) are one entry that links the earliest copy and says
   "reported by N sources". A story that matches an article from before the period is old.
3. Each story goes to the watchlist item it is most relevant to; within an item, stories are
   ordered by event urgency (``EVENT_TYPES``: disruptions and export controls first), then
   relevance, then time; at most ``max_per_group`` are shown.
4. What changed: supplier relations whose (supplier, customer) pair was never reported
   before the period, and vendors named in at least ``spike_factor`` times the articles their
   own 14-day baseline predicts. A relation is shown as confirmed only when the extraction is
   sure of it (``tracker.models.shown_status``); the rest show as reported with their
   confidence, and the least sure are held back.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from tracker.catalog.watch import WatchItem
from tracker.digest.records import (
    Digest,
    DigestInput,
    Entry,
    Group,
    NewRelation,
    Period,
    Section,
    Segment,
    Spike,
    StoryRecord,
)
from tracker.digest.settings import DigestSpec, Thresholds
from tracker.extract.sentences import sentence_spans
from tracker.models import EVENT_TYPES, shown_status
from tracker.wording import shorten

TITLE_SIMILARITY = 0.7  # word-set Jaccard at which two headlines are one story
MIN_WORDS_FOR_SIMILARITY = 4  # shorter headlines must match word for word
EVIDENCE_MAX_CHARS = 360
MAX_NEW_RELATIONS = 8
MAX_SPIKES = 10
_URGENCY = {t: i for i, t in enumerate(EVENT_TYPES)}
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "after",
        "over",
        "says",
        "said",
        "amid",
        "new",
    ]
)


# -- relevance ------------------------------------------------------------------------------


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", re.IGNORECASE)


def _in_title(surfaces: Iterable[str], title: str) -> bool:
    folded = title.casefold()
    return any(s and s.casefold() in folded for s in surfaces)


def _not_title(sentences: Iterable[str], title: str) -> str:
    """The first sentence that is not the headline again (the reader has just read it)."""
    candidates = [s for s in sentences if s.strip() and s.strip() != title.strip()]
    return candidates[0] if candidates else ""


def relevance(
    story: StoryRecord, item: WatchItem, pattern: re.Pattern[str] | None = None
) -> tuple[float, str]:
    """How much ``story`` is about ``item`` (0 to 1), and the sentence that shows it.

    In the headline: 1.0. An event of the item's type, or concerning the vendor: 0.8.
    Otherwise by mentions: a vendor named three times or more 0.6, twice 0.45, once 0.3; a
    product or category 0.5 plus 0.1 per further mention (at most 0.8); a keyword in the
    text 0.5 plus 0.1 per further occurrence (at most 0.8).
    """
    if item.kind == "all":
        return 1.0, ""
    if item.kind == "event_type":
        events = [e for e in story.events if e.type in item.keys]
        if not events:
            return 0.0, ""
        score = 1.0 if events[0].evidence.strip() == story.title.strip() else 0.8
        return score, _not_title((e.evidence for e in events), story.title)
    if item.kind == "vendor":
        mentions = [m for m in story.mentions if m.vendor.casefold() in item.keys]
        if not mentions:
            return 0.0, ""
        events = [e for e in story.events if any(v.casefold() in item.keys for v in e.vendors)]
        sentence = _not_title(
            [*(e.evidence for e in events), *(m.sentence for m in mentions)], story.title
        )
        if _in_title((m.surface for m in mentions), story.title):
            return 1.0, sentence
        if events:
            return 0.8, sentence
        count = len(mentions)
        return (0.6 if count >= 3 else 0.45 if count == 2 else 0.3), sentence
    if item.kind in ("product", "category"):
        if item.kind == "product":
            products = [
                p
                for p in story.products
                if (p.catalog_id or "").casefold() in item.keys or p.name.casefold() in item.keys
            ]
        else:
            products = [p for p in story.products if p.category in item.keys]
        if not products:
            return 0.0, ""
        sentence = _not_title((p.sentence for p in products), story.title)
        if _in_title((p.surface for p in products), story.title):
            return 1.0, sentence
        return min(0.8, 0.5 + 0.1 * (len(products) - 1)), sentence
    if item.kind == "keyword":
        pattern = pattern or _keyword_pattern(next(iter(item.keys)))
        if pattern.search(story.title):
            return 1.0, _keyword_sentence(story, pattern)
        body = story.text or story.summary
        hits = len(pattern.findall(body))
        if not hits:
            return 0.0, ""
        return min(0.8, 0.5 + 0.1 * (hits - 1)), _keyword_sentence(story, pattern)
    raise ValueError(f"unknown watch item kind {item.kind!r}")


def _keyword_sentence(story: StoryRecord, pattern: re.Pattern[str]) -> str:
    body = story.text or story.summary
    match = pattern.search(body)
    if match is None:
        return ""
    for start, end in sentence_spans(body):
        if start <= match.start() < end:
            return body[start:end].strip()
    return ""


# -- one entry per story --------------------------------------------------------------------


def title_words(title: str) -> frozenset[str]:
    """The words of a headline that say what it is about (lower case, no stop words)."""
    return frozenset(w for w in (m.casefold() for m in _WORD.findall(title)) if w not in _STOPWORDS)


class _Clusters:
    """Union-find over story indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        """The representative of ``i``'s cluster (halving the path on the way)."""
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        """Merge two clusters; the smaller index represents them."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _threshold(words: frozenset[str]) -> float:
    return TITLE_SIMILARITY if len(words) >= MIN_WORDS_FOR_SIMILARITY else 1.0


def cluster_titles(titles: Sequence[str], hashes: Sequence[str]) -> list[int]:
    """A cluster id per headline: same non-empty hash, or word-set Jaccard >= 0.7.

    Candidate pairs come from prefix filtering (PPJoin, Xiao et al. 2008): words sorted
    rarest first, headlines taken shortest first; two sets that reach the threshold ``t``
    share a word between the first ``n - ceil(t*n) + 1`` words of the longer one and the
    first ``n - ceil(2t/(1+t)*n) + 1`` of the shorter one, so only those are indexed and
    probed, and the cost follows the number of similar pairs, not the square of the number
    of stories.
    """
    clusters = _Clusters(len(titles))
    by_hash: dict[str, int] = {}
    for i, content_hash in enumerate(hashes):
        if content_hash:
            if content_hash in by_hash:
                clusters.union(by_hash[content_hash], i)
            else:
                by_hash[content_hash] = i
    words = [title_words(t) for t in titles]
    needs = [_threshold(ws) for ws in words]
    frequency = Counter(w for ws in words for w in ws)
    index: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(words)), key=lambda k: len(words[k])):
        ws, t = words[i], needs[i]
        size = len(ws)
        if not size:
            continue
        ordered = sorted(ws, key=lambda w: (frequency[w], w))
        candidates: set[int] = set()
        for w in ordered[: size - math.ceil(t * size - 1e-9) + 1]:
            candidates.update(index.get(w, ()))
        for j in candidates:
            other = words[j]
            need = max(t, needs[j])
            if len(other) < need * size:  # shorter sets were indexed first: |other| <= size
                continue
            common = len(ws & other)
            if common >= need * (size + len(other) - common):
                clusters.union(i, j)
        for w in ordered[: size - math.ceil(2 * t / (1 + t) * size - 1e-9) + 1]:
            index[w].append(i)
    return [clusters.find(i) for i in range(len(titles))]


# -- evidence with names marked -------------------------------------------------------------


def mark_names(sentence: str, names: Iterable[str]) -> tuple[Segment, ...]:
    """``sentence`` cut into segments, the occurrences of ``names`` marked (longest first)."""
    sentence = shorten(sentence, EVIDENCE_MAX_CHARS)
    spans: list[tuple[int, int]] = []
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", sentence):
            if all(m.end() <= s or m.start() >= e for s, e in spans):
                spans.append((m.start(), m.end()))
    segments: list[Segment] = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            segments.append((sentence[position:start], False))
        segments.append((sentence[start:end], True))
        position = end
    if position < len(sentence):
        segments.append((sentence[position:], False))
    return tuple(segments)


def _names_in(story: StoryRecord) -> set[str]:
    return {m.surface for m in story.mentions} | {p.surface for p in story.products}


def _absolute(url: str) -> str:
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def _first_sentence(text: str) -> str:
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        if sentence:
            return sentence
    return ""


# -- the digest -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    members: list[StoryRecord]
    item: int
    score: float
    sentence: str
    also: list[int]

    @property
    def earliest(self) -> StoryRecord:
        """The first copy out: its headline and link stand for the story."""
        return min(self.members, key=lambda s: (s.at, s.fetched_at, s.article_id))


def _event_type(candidate: _Candidate, item: WatchItem) -> str | None:
    types = [e.type for s in candidate.members for e in s.events]
    if item.kind == "event_type":
        return next(iter(item.keys))
    if item.kind == "vendor":
        concerning = [
            e.type
            for s in candidate.members
            for e in s.events
            if any(v.casefold() in item.keys for v in e.vendors)
        ]
        types = concerning or types
    known = [t for t in types if t in _URGENCY]
    return min(known, key=_URGENCY.__getitem__) if known else None


def _evidence_sentence(candidate: _Candidate, item: WatchItem, event_type: str | None) -> str:
    """The event's evidence, else the sentence that matched the item, else the summary's
    first sentence; never the headline again."""
    options: list[str] = []
    for story in sorted(candidate.members, key=lambda s: (s.at, s.article_id)):
        for event in story.events:
            if event.type == event_type and (
                item.kind != "vendor" or any(v.casefold() in item.keys for v in event.vendors)
            ):
                options.append(event.evidence)
    earliest = candidate.earliest
    options += [
        candidate.sentence,
        _first_sentence(earliest.summary),
        _first_sentence(earliest.text),
    ]
    return _not_title(options, earliest.title)


def _order_key(candidate: _Candidate, event_type: str | None) -> tuple[int, float, float, int]:
    """Most urgent event first, then most relevant, then newest."""
    urgency = _URGENCY.get(event_type or "", len(_URGENCY))
    earliest = candidate.earliest
    return (urgency, -candidate.score, -earliest.at.timestamp(), earliest.article_id)


def _group(
    item: WatchItem,
    candidates: list[_Candidate],
    items: Sequence[WatchItem],
    max_per_group: int,
) -> Group:
    """The group of one item: its most important stories, as entries, by event type."""
    ranked = sorted(
        ((_order_key(c, t), t, c) for c in candidates for t in [_event_type(c, item)]),
        key=lambda ranked: ranked[0],
    )
    sections: list[Section] = []
    for _, event_type, candidate in ranked[:max_per_group]:
        entry = _entry(candidate, items, event_type)  # only for shown stories: marking costs
        if sections and sections[-1].event_type == entry.event_type:
            sections[-1] = Section(entry.event_type, (*sections[-1].entries, entry))
        else:
            sections.append(Section(entry.event_type, (entry,)))
    return Group(item.kind, item.label, tuple(sections), max(len(ranked) - max_per_group, 0))


def _candidates(
    data: DigestInput, items: Sequence[WatchItem], thresholds: Thresholds
) -> list[_Candidate]:
    stories = data.stories
    prior = data.prior
    clusters = cluster_titles(
        [s.title for s in stories] + [p.title for p in prior],
        [s.content_hash for s in stories] + [p.content_hash for p in prior],
    )
    old = {clusters[len(stories) + i] for i in range(len(prior))}
    members: dict[int, list[StoryRecord]] = defaultdict(list)
    for i, story in enumerate(stories):
        if clusters[i] not in old:
            members[clusters[i]].append(story)
    patterns = {i: _keyword_pattern(it.label) for i, it in enumerate(items) if it.kind == "keyword"}
    result: list[_Candidate] = []
    for group in members.values():
        best: dict[int, tuple[float, str]] = {}
        for story in group:
            for i, item in enumerate(items):
                score, sentence = relevance(story, item, patterns.get(i))
                if score > best.get(i, (0.0, ""))[0]:
                    best[i] = (score, sentence)
        matched = [(i, s, sent) for i, (s, sent) in best.items() if s >= thresholds.min_relevance]
        if not matched:
            continue
        top = max(matched, key=lambda m: (m[1], -m[0]))
        also = [i for i, _, _ in sorted(matched) if i != top[0]]
        result.append(_Candidate(group, top[0], top[1], top[2], also))
    return result


def _entry(candidate: _Candidate, items: Sequence[WatchItem], event_type: str | None) -> Entry:
    item = items[candidate.item]
    earliest = candidate.earliest
    sentence = _evidence_sentence(candidate, item, event_type)
    names: set[str] = set()
    for story in candidate.members:
        names |= _names_in(story)
    sources: list[str] = []
    for story in sorted(candidate.members, key=lambda s: (s.at, s.fetched_at, s.article_id)):
        sources.extend(s for s in story.sources if s not in sources)
    return Entry(
        headline=" ".join(earliest.title.split()) or "(no headline)",
        url=_absolute(earliest.url),
        source=earliest.sources[0] if earliest.sources else "",
        sources=tuple(sources),
        at=earliest.at,
        event_type=event_type,
        evidence=mark_names(sentence, names) if sentence else (),
        relevance=candidate.score,
        also=tuple(
            dict.fromkeys(
                items[i].label
                for i in candidate.also
                if items[i].kind != "event_type" and items[i].label != item.label
            )
        ),
        article_ids=tuple(sorted(s.article_id for s in candidate.members)),
    )


_SHOWN_RANK = {"confirmed": 0, "reported": 1, "planned": 2}


def new_relations(
    candidates: Sequence[Sequence[StoryRecord]],
    known_pairs: frozenset[tuple[str, str]],
    vendors: Iterable[str] | None = None,
) -> list[NewRelation]:
    """Relations (not negated) whose pair was never reported before, once per pair: its
    surest report (confirmed before reported before planned, then by confidence), the
    earliest of equals. Relations below ``RELATION_SHOWN`` are held back. With ``vendors``,
    only those where one of them is the supplier or the customer."""
    watched = {v.casefold() for v in vendors} if vendors is not None else None
    found: dict[tuple[str, str], tuple[tuple[int, float, datetime], NewRelation]] = {}
    for members in candidates:
        for story in members:
            for r in story.relations:
                pair = (r.supplier, r.customer)
                shown = shown_status(r.status, r.confidence)
                if shown is None or shown == "negated" or pair in known_pairs:
                    continue
                if watched is not None and not (
                    {r.supplier.casefold(), r.customer.casefold()} & watched
                ):
                    continue
                rank = (_SHOWN_RANK.get(shown, 3), -r.confidence, story.at)
                previous = found.get(pair)
                if previous is not None and previous[0] <= rank:
                    continue
                found[pair] = (
                    rank,
                    NewRelation(
                        supplier=r.supplier,
                        customer=r.customer,
                        product=r.product,
                        status=shown,
                        evidence=mark_names(r.evidence, _names_in(story)),
                        headline=" ".join(story.title.split()),
                        url=_absolute(story.url),
                        confidence=r.confidence,
                    ),
                )
    ordered = sorted(
        (rel for _, rel in found.values()),
        key=lambda r: (_SHOWN_RANK.get(r.status, 3), r.supplier.casefold(), r.customer.casefold()),
    )
    return ordered[:MAX_NEW_RELATIONS]


def spikes(
    data: DigestInput, period: Period, thresholds: Thresholds, vendors: Iterable[str] | None
) -> list[Spike]:
    """Vendors named in at least ``spike_min_articles`` articles of the period and
    ``spike_factor`` times what their 14-day baseline predicts; none without a baseline."""
    if not data.has_baseline:
        return []
    names = list(vendors) if vendors is not None else list(data.vendor_articles)
    result: list[Spike] = []
    for vendor in names:
        count = data.vendor_articles.get(vendor, 0)
        expected = data.baseline_articles.get(vendor, 0) / data.baseline_days * period.days
        if count >= thresholds.spike_min_articles and count >= thresholds.spike_factor * expected:
            result.append(Spike(vendor, count, round(expected, 2)))
    result.sort(key=lambda s: (-(s.articles / max(s.expected, 0.5)), s.vendor))
    return result[:MAX_SPIKES]


def select_digest(
    spec: DigestSpec, period: Period, items: Sequence[WatchItem], data: DigestInput
) -> Digest:
    """The digest of ``period``: its groups, new relations and spikes."""
    candidates = _candidates(data, items, spec.thresholds)
    by_item: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_item[candidate.item].append(candidate)
    groups = tuple(
        _group(item, by_item[i], items, spec.thresholds.max_per_group)
        for i, item in enumerate(items)
        if by_item.get(i)
    )
    watched_vendors = [it.label for it in items if it.kind == "vendor"] or None
    return Digest(
        name=spec.name,
        title=spec.title,
        period=period,
        groups=groups,
        new_relations=tuple(
            new_relations([c.members for c in candidates], data.known_pairs, watched_vendors)
        ),
        spikes=tuple(spikes(data, period, spec.thresholds, watched_vendors)),
    )
