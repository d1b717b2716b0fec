"""Pure: the answers to each exposure question (customer, supplier, product) and a
vendor's profile, as rows ranked by score with their explanations."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from tracker.catalog.products import Product
from tracker.config import ExposureSettings
from tracker.exposure.graph import Edge, RelationFacts, SupplyGraph, World, reported_links
from tracker.exposure.scores import DAY_S, EventItem, Evidence, VendorNews, Window, summarize_news
from tracker.exposure.words import (
    explain_edge,
    explain_news,
    join_words,
    plural,
    products_words,
    quoted_events,
    tier_phrase,
)


class ExposureData(Protocol):
    """What exposure reads from the store (``tracker.store.exposure_queries.StoreExposureData``).

    Names are canonical vendor names, exactly as stored; times are aware UTC.
    """

    def relation_facts(
        self,
        *,
        customers: Collection[str] | None = None,
        suppliers: Collection[str] | None = None,
        end: datetime,
        excluding: Collection[str] = (),
    ) -> RelationFacts:
        """Tallies of reported links into ``customers`` or out of ``suppliers`` (None: all),
        from articles before ``end``, but for the links whose other end (the supplier of a
        customer, the customer of a supplier) is one of ``excluding``."""
        ...

    def relation_evidence(
        self, latest: Mapping[tuple[str, str], datetime]
    ) -> dict[tuple[str, str], Evidence]:
        """The sentence of the latest report of each (supplier, customer), given the time of
        that report (``ReportedLink.last_at``)."""
        ...

    def mention_counts(
        self, vendors: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles mentioning each vendor: (in the window, in the baseline)."""
        ...

    def events(self, vendors: Collection[str], start: datetime, end: datetime) -> list[EventItem]:
        """Events concerning ``vendors`` in articles of ``[start, end)``, without their words
        and sources (``event_details`` and ``article_sources`` give them for those shown)."""
        ...

    def event_details(self, event_ids: Collection[int]) -> dict[int, tuple[str, str, str]]:
        """The (title, url) of each event's article and its evidence sentence."""
        ...

    def mention_evidence(
        self, vendors: Collection[str], window: Window, per_vendor: int
    ) -> dict[str, list[Evidence]]:
        """The latest ``per_vendor`` mention sentences of each vendor in the window."""
        ...

    def news_facts(
        self, vendors: Collection[str], window: Window
    ) -> tuple[dict[str, tuple[int, int]], list[EventItem]]:
        """``mention_counts`` and ``events`` of the window together (the store may read them
        at once)."""
        ...

    def product_counts(
        self, catalog_ids: Collection[str], window: Window
    ) -> dict[str, tuple[int, int]]:
        """Articles naming each catalog entry: (in the window, in the baseline)."""
        ...

    def product_evidence(
        self, catalog_ids: Collection[str], window: Window, per_product: int
    ) -> dict[str, list[Evidence]]:
        """The latest ``per_product`` sentences naming each catalog entry in the window."""
        ...

    def article_sources(self, article_ids: Collection[int]) -> dict[int, tuple[str, ...]]:
        """The names of the sources that carried each article."""
        ...

    def latest_events(self, vendors: Collection[str], end: datetime, limit: int) -> list[EventItem]:
        """The newest ``limit`` events concerning ``vendors`` before ``end``."""
        ...

    def mention_times(
        self, vendors: Collection[str], start: datetime, end: datetime
    ) -> list[datetime]:
        """The time of each article mentioning ``vendors`` in ``[start, end)``."""
        ...


@dataclass(frozen=True, slots=True)
class ExposureRow:
    """One company (or watched item) of an answer, with its score and why."""

    name: str
    tier: int
    path: tuple[str, ...]
    arrow: str  # " <- " upstream (suppliers), " -> " downstream (customers)
    news: VendorNews | None
    dependency: float
    score: float
    explanation: str
    edge: Edge | None = None
    through: str = ""  # the subsidiary the link really goes through, when not the named one
    also_via: tuple[str, ...] = ()
    role: str = ""
    via: tuple[str, ...] = ()  # products the link is about
    kind: str = "company"  # company, vendor, product, part
    evidence: tuple[Evidence, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def path_text(self) -> str:
        """The path in words: "Apple <- Luxshare <- ..." or "Luxshare -> Apple"."""
        return self.arrow.join(self.path)

    @property
    def link(self) -> str:
        """declared, reported, both, or what the row is (vendor, part...)."""
        return self.edge.kind if self.edge is not None else self.role or self.kind

    def record(self, rank: int) -> dict[str, Any]:
        """A plain record; JSON-ready but for datetimes."""
        news = self.news.record() if self.news is not None else {}
        return {
            "rank": rank,
            "name": self.name,
            "kind": self.kind,
            "tier": self.tier,
            "path": list(self.path),
            "path_text": self.path_text,
            "through": self.through or None,
            "also_via": list(self.also_via),
            "role": self.role or None,
            "link": self.link,
            "via": list(self.via),
            "edge": self.edge.record() if self.edge is not None else None,
            "dependency": round(self.dependency, 3),
            **news,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": [e.record() for e in self.evidence],
            **dict(self.extra),
        }


@dataclass(frozen=True, slots=True)
class ExposureReport:
    """An answer: the question, the window, the rows ranked, and what is no longer current."""

    question: str  # customer, supplier, product, watchlist, parts
    subject: str
    tier: int
    window: Window
    as_of: datetime
    settings: ExposureSettings
    rows: tuple[ExposureRow, ...]
    total: int  # rows before the limit
    subject_news: VendorNews | None = None
    subject_explanation: str = ""
    subject_evidence: tuple[Evidence, ...] = ()
    subject_extra: tuple[tuple[str, Any], ...] = ()
    not_current: tuple[Edge, ...] = ()
    followed: tuple[str, ...] = ()  # whose suppliers (customers) the next tier followed

    def record(self) -> dict[str, Any]:
        """The whole answer as one plain record."""
        subject: dict[str, Any] = {"name": self.subject, **dict(self.subject_extra)}
        if self.subject_news is not None:
            subject |= self.subject_news.record()
        if self.subject_explanation:
            subject["explanation"] = self.subject_explanation
        if self.subject_evidence:
            subject["evidence"] = [e.record() for e in self.subject_evidence]
        return {
            "question": self.question,
            "subject": subject,
            "tier": self.tier,
            "as_of": self.as_of,
            "since": self.window.start,
            "baseline_since": self.window.baseline_start,
            "half_life_days": self.settings.half_life_days,
            "total": self.total,
            "followed": list(self.followed),
            "rows": [row.record(i) for i, row in enumerate(self.rows, 1)],
            "not_current": [
                {
                    **edge.record(),
                    "explanation": explain_edge(edge, self.as_of),
                }
                for edge in self.not_current
            ],
        }


class _Reach(NamedTuple):
    """A company reached by the walk, with the path and edge that reached it (a named tuple:
    one per candidate link, 1,500 at tier 2)."""

    name: str
    tier: int
    path: tuple[str, ...]
    edge: Edge
    dependency: float
    through: str
    also_via: tuple[str, ...] = ()


def _walk(
    world: World,
    data: ExposureData,
    subject: str,
    *,
    upstream: bool,
    tiers: int,
    end: datetime,
    now: datetime,
    settings: ExposureSettings,
) -> tuple[list[_Reach], list[Edge], list[str]]:
    """Suppliers (upstream) or customers (downstream) of ``subject`` tier by tier, each with its
    strongest current path; the tier-1 links the news says ended; and the companies whose own
    suppliers (customers) were followed, at most ``tier_frontier`` per tier."""
    reached: dict[str, _Reach] = {}
    not_current: dict[str, Edge] = {}
    excluded = set(world.family(subject))
    frontier: dict[str, _Reach | None] = {subject: None}
    followed: list[str] = []
    for tier in range(1, tiers + 1):
        heads_of: dict[str, list[str]] = {}
        for head in frontier:
            for member in world.family(head):
                heads_of.setdefault(member, []).append(head)
        members = sorted(heads_of)
        # The links to companies already reached (or to the subject's family) are skipped
        # below: not read at all (at tier 2 they are most of the links, a few thousand).
        if upstream:
            facts = data.relation_facts(customers=members, end=end, excluding=excluded)
            declared = [d for m in members for d in world.declared_by_customer.get(m, ())]
        else:
            facts = data.relation_facts(suppliers=members, end=end, excluding=excluded)
            declared = [d for m in members for d in world.declared_by_supplier.get(m, ())]
        graph = SupplyGraph(declared, reported_links(facts, now, settings.half_life_days))
        candidates: dict[str, list[_Reach]] = {}
        families = {head: world.family(head) for head in frontier}
        discount = settings.tier_discount if tier > 1 else 1.0
        # Thousands of links at tier 2: what depends on the link alone is found once.
        for edge in graph.edges.values():
            near, far = (
                (edge.customer, edge.supplier) if upstream else (edge.supplier, edge.customer)
            )
            heads = heads_of.get(near)
            if heads is None or far in excluded:
                continue
            current = edge.is_current
            strength = edge.strength if current else 0.0
            for head in heads:
                if far in families[head]:
                    continue
                if not current:
                    if tier == 1:
                        not_current.setdefault(far, edge)
                    continue
                parent = frontier[head]
                dependency = (parent.dependency if parent else 1.0) * strength * discount
                path = (parent.path if parent else (subject,)) + (far,)
                reach = _Reach(far, tier, path, edge, dependency, near if near != head else "")
                candidates.setdefault(far, []).append(reach)
        found: dict[str, _Reach] = {}
        for far, options in candidates.items():
            if len(options) == 1:
                found[far] = options[0]
                continue
            options.sort(key=lambda r: (-r.dependency, r.path, r.through))
            best = options[0]
            others = [o.path[-2] for o in options[1:] if o.path[-2] != best.path[-2]]
            found[far] = best._replace(also_via=tuple(dict.fromkeys(others))) if others else best
        reached |= found
        excluded |= set(found)
        if tier == tiers:
            break
        # The next tier follows the strongest links only: a weak, old report of a tier-1
        # supplier would add its whole supply base at a tiny weight (and cost a query).
        strongest = sorted(
            found.values(),
            key=lambda r: (-r.dependency, -(r.edge.reported.articles if r.edge.reported else 0)),
        )[: settings.tier_frontier]
        frontier = {r.name: r for r in strongest}
        followed += [r.name for r in strongest]
        if not frontier:
            break
    for name in list(not_current):
        if name in reached:
            del not_current[name]
    return list(reached.values()), list(not_current.values()), followed


def news_for(
    world: World,
    data: ExposureData,
    vendors: Collection[str],
    window: Window,
    now: datetime,
    settings: ExposureSettings,
) -> dict[str, VendorNews]:
    """The news of each vendor in the window, subsidiaries rolled up into their parents; its
    events without their words until ``with_sources`` gives them to those shown."""
    families = {v: world.family(v) for v in vendors}
    names = sorted({n for family in families.values() for n in family})
    if not names:
        return {}
    counts, events_found = data.news_facts(names, window)
    by_vendor: dict[str, list[EventItem]] = {}
    for event in events_found:
        by_vendor.setdefault(event.vendor, []).append(event)
    result: dict[str, VendorNews] = {}
    decays: dict[datetime, float] = {}
    for vendor, family in families.items():
        if len(family) == 1:  # most companies: no subsidiary
            mentions, baseline = counts.get(vendor, (0, 0))
            found: Collection[EventItem] = by_vendor.get(vendor, ())
        else:
            mentions = sum(counts.get(n, (0, 0))[0] for n in family)
            baseline = sum(counts.get(n, (0, 0))[1] for n in family)
            events: dict[int, EventItem] = {}
            for member in family:
                for event in by_vendor.get(member, ()):
                    events.setdefault(event.event_id, event)
            found = list(events.values())
        result[vendor] = summarize_news(
            vendor, mentions, baseline, found, window, now, settings, decays
        )
    return result


def with_sources(
    data: ExposureData, news: Mapping[str, VendorNews], shown: int = 3
) -> dict[str, VendorNews]:
    """``news`` with the sources that carried its events (one query for all), those of its
    first ``shown`` events (the evidence) on each of them, and the words (title, url,
    sentence) of the events shown or quoted (``quoted_events``): only the rows shown need
    them, for "reported by N sources" and their explanation."""
    ids = {e.article_id for n in news.values() for e in n.events}
    sources = data.article_sources(ids) if ids else {}
    quoted = {
        e.event_id
        for n in news.values()
        for e in (*n.events[:shown], *quoted_events(n).values())
        if not e.evidence
    }
    words = data.event_details(quoted) if quoted else {}
    result: dict[str, VendorNews] = {}
    for vendor, n in news.items():
        events = list(n.events)
        for i, e in enumerate(events):
            if e.event_id in words:
                title, url, evidence = words[e.event_id]
                e = e._replace(title=title, url=url, evidence=evidence)
            if i < shown:
                e = e._replace(sources=sources.get(e.article_id, ()))
            events[i] = e
        names = {s for e in n.events for s in sources.get(e.article_id, ())}
        result[vendor] = replace(n, events=tuple(events), event_sources=tuple(sorted(names)))
    return result


def exposure_score(risk: float, dependency: float) -> float:
    return round(risk * dependency, 2)


def evidence_for_rows(
    data: ExposureData,
    rows: list[ExposureRow],
    window: Window,
    per_row: int = 3,
) -> list[ExposureRow]:
    """Attach the latest sentences: the link's own report, the most urgent events, and a
    mention when nothing else is there."""
    latest = {
        (r.edge.supplier, r.edge.customer): r.edge.reported.last_at
        for r in rows
        if r.edge is not None and r.edge.reported is not None
    }
    relation = data.relation_evidence(latest) if latest else {}
    quiet = [r.name for r in rows if r.news is not None and not r.news.events]
    mentions = data.mention_evidence(quiet, window, 1) if quiet else {}
    result: list[ExposureRow] = []
    for row in rows:
        items: list[Evidence] = []
        if row.edge is not None and (row.edge.supplier, row.edge.customer) in relation:
            items.append(relation[(row.edge.supplier, row.edge.customer)])
        if row.news is not None:
            items += [e.as_evidence() for e in row.news.events[: per_row - len(items)]]
            if not row.news.events:
                items += mentions.get(row.name, [])
        result.append(replace(row, evidence=tuple(items[:per_row])))
    return result


def rank_rows(rows: Iterable[ExposureRow]) -> list[ExposureRow]:
    return sorted(rows, key=lambda r: (-r.score, -r.dependency, r.tier, r.name.casefold()))


@dataclass(frozen=True, slots=True)
class Asked:
    """What every question is asked with: the names and the links, the data, the news window,
    "now", the settings, and how many rows an answer shows."""

    world: World
    data: ExposureData
    window: Window
    now: datetime
    settings: ExposureSettings
    limit: int = 50

    def news(self, vendors: Collection[str], *, sources: bool = True) -> dict[str, VendorNews]:
        """The news of each of ``vendors`` in the window, with the sources of its events
        (unless ``sources`` is false: then only the rows shown are given them)."""
        news = news_for(self.world, self.data, vendors, self.window, self.now, self.settings)
        return with_sources(self.data, news) if sources else news

    def report(
        self,
        question: str,
        subject: str,
        tier: int,
        rows: Iterable[ExposureRow],
        *,
        explain: Callable[[list[ExposureRow]], list[ExposureRow]] | None = None,
        **about: Any,
    ) -> ExposureReport:
        """The answer: ``rows`` ranked, the first ``limit`` explained (by ``explain``, when
        their words wait until they are shown) and given their evidence; ``about`` describes
        the subject (``ExposureReport``'s ``subject_*``, ``not_current``, ``followed``)."""
        ranked = rank_rows(rows)
        top = ranked[: self.limit]
        if explain is not None:
            top = explain(top)
        return ExposureReport(
            question=question,
            subject=subject,
            tier=tier,
            window=self.window,
            as_of=self.now,
            settings=self.settings,
            rows=tuple(evidence_for_rows(self.data, top, self.window)),
            total=len(ranked),
            **about,
        )


def answer_customer(asked: Asked, name: str, *, tier: int) -> ExposureReport:
    """Who supplies ``name`` (declared and reported), to ``tier`` tiers, ranked by exposure."""
    return _answer_chain(asked, name, "customer", tier)


def answer_supplier(asked: Asked, name: str, *, tier: int) -> ExposureReport:
    """Who depends on ``name``, through which products, ranked by how much."""
    return _answer_chain(asked, name, "supplier", tier)


def _answer_chain(asked: Asked, name: str, question: str, tier: int) -> ExposureReport:
    """Customer (upstream: each supplier's own news) or supplier (downstream: the subject's
    news, weighed by how much each customer depends on it)."""
    now = asked.now
    subject = asked.world.resolve_vendor(name, f"exposure --{question}")
    upstream = question == "customer"
    reaches, not_current, followed = _walk(
        asked.world,
        asked.data,
        subject,
        upstream=upstream,
        tiers=tier,
        end=asked.window.end,
        now=now,
        settings=asked.settings,
    )
    news = asked.news([r.name for r in reaches] if upstream else [subject], sources=not upstream)
    subject_news = None if upstream else news[subject]
    subject_words = explain_news(subject_news, now) if subject_news is not None else ""
    rows = [
        ExposureRow(
            name=reach.name,
            tier=reach.tier,
            path=reach.path,
            arrow=" <- " if upstream else " -> ",
            news=news[reach.name] if upstream else None,
            dependency=reach.dependency,
            score=exposure_score(news[reach.name if upstream else subject].risk, reach.dependency),
            explanation="",  # written for the rows shown only
            edge=reach.edge,
            through=reach.through,
            also_via=reach.also_via,
            via=reach.edge.products(),
        )
        for reach in reaches
    ]

    def explain(top: list[ExposureRow]) -> list[ExposureRow]:
        shown = with_sources(asked.data, {r.name: news[r.name] for r in top}) if upstream else {}
        explained: list[ExposureRow] = []
        for row in top:
            assert row.edge is not None
            words = [tier_phrase(row.path, upstream), explain_edge(row.edge, now)]
            if upstream:
                row = replace(row, news=shown[row.name])
                words.insert(0, explain_news(shown[row.name], now))
            else:
                words.append(f"{subject}: {subject_words}")
            explained.append(replace(row, explanation="; ".join(w for w in words if w)))
        return explained

    return asked.report(
        question,
        subject,
        tier,
        rows,
        explain=explain,
        subject_news=subject_news,
        subject_explanation=subject_words,
        subject_evidence=tuple(e.as_evidence() for e in subject_news.events[:3])
        if subject_news is not None
        else (),
        not_current=tuple(sorted(not_current, key=lambda e: (e.supplier, e.customer))),
        followed=tuple(followed),
    )


@dataclass(frozen=True, slots=True)
class Part:
    vendor: str
    role: str
    product: Product | None  # what this company makes for the one above
    path: tuple[str, ...]
    depth: int
    of: str = ""  # the name of the product above


def product_tree(world: World, root: Product, depth: int) -> list[Part]:
    """The vendor of ``root`` (depth 0), the makers of its parts (depth 1), the makers of
    their parts (depth 2, via ``makers[].product`` and ``used_in``), and so on; a technology
    without a vendor (HBM3E) is made by the vendors of its members (``parent``)."""
    parts: list[Part] = []
    if root.vendor:
        parts.append(Part(root.vendor, "vendor", root, (root.name,), 0))
    level: list[tuple[Product, tuple[str, ...]]] = [(root, (root.name,))]
    seen = {root.id}
    for d in range(1, depth + 1):
        following: list[tuple[Product, tuple[str, ...]]] = []
        for product, path in level:
            components: list[tuple[str, str, Product | None]] = []
            for maker in product.makers:
                made = world.catalog.products.get(maker.product) if maker.product else None
                components.append((maker.vendor, maker.role, made))
            for part in world.parts_of.get(product.id, ()):
                if part.vendor and not any(c[2] is part for c in components):
                    components.append((part.vendor, part.category, part))
            if not product.vendor:  # a technology (HBM3E): made by the vendors of its members
                components += [(c.vendor, "maker", c) for c in world.children_of(product.id)]
            for vendor, role, made in components:
                if made is not None and made.id not in seen:
                    seen.add(made.id)
                    following.append((made, (*path, made.name)))
                if not vendor or vendor == product.vendor:
                    continue  # its own part (Apple's A18 in Apple's iPhone): only its makers count
                label = f"{vendor} ({role.replace('_', ' ')}{': ' + made.name if made else ''})"
                parts.append(Part(vendor, role, made, (*path, label), d, product.name))
        level = following
    return parts


def answer_product(asked: Asked, key: str, *, tier: int) -> ExposureReport:
    """A product's vendor and the makers of its parts (to ``tier`` levels), and their news."""
    product = asked.world.resolve_product(key, "exposure --product")
    parts = product_tree(asked.world, product, tier)
    by_vendor: dict[str, list[Part]] = {}
    for part in parts:
        by_vendor.setdefault(part.vendor, []).append(part)
    news = asked.news(list(by_vendor))
    made_ids = sorted({p.product.id for p in parts if p.product is not None} | {product.id})
    counts = asked.data.product_counts(made_ids, asked.window)
    rows = [
        _maker_row(asked, product, found, news[vendor], counts)
        for vendor, found in by_vendor.items()
    ]
    return asked.report(
        "product", product.name, tier, rows, **_product_about(asked, product, counts)
    )


def _maker_row(
    asked: Asked,
    product: Product,
    found: list[Part],
    news: VendorNews,
    counts: Mapping[str, tuple[int, int]],
) -> ExposureRow:
    """One company of a product's tree: the parts it makes (``found``), at its highest level."""
    first = min(found, key=lambda p: p.depth)
    dependency = asked.settings.tier_discount ** max(first.depth - 1, 0)
    roles = list(dict.fromkeys(f"{p.role}" for p in found))
    made = list(dict.fromkeys(p.product.name for p in found if p.product is not None))
    if first.depth == 0:
        where = f"vendor of {product.name}"
    else:
        parts_of = join_words(list(dict.fromkeys(p.of for p in found if p.of)))
        where = f"{join_words(roles).replace('_', ' ')} of {parts_of}"
        where += f" ({products_words(made)})" if made else ""
        where += f", level {first.depth}" if first.depth > 1 else ""
    part_mentions = {
        p.product.name: counts.get(p.product.id, (0, 0))[0]
        for p in found
        if p.product is not None and p.product.id != product.id
    }
    return ExposureRow(
        name=first.vendor,
        tier=first.depth,
        path=first.path,
        arrow=" <- ",
        news=news,
        dependency=dependency,
        score=exposure_score(news.risk, dependency),
        explanation=f"{explain_news(news, asked.now)}; {where}",
        role=join_words(roles),
        via=tuple(made),
        extra=(("part_mentions", part_mentions),),
    )


def _product_about(
    asked: Asked, product: Product, counts: Mapping[str, tuple[int, int]]
) -> dict[str, Any]:
    """The product itself: how often it was named in the window against its usual rate."""
    window = asked.window
    mentions, baseline = counts.get(product.id, (0, 0))
    evidence = asked.data.product_evidence([product.id], window, 3).get(product.id, [])
    per_week, usual = mentions / window.weeks, baseline / window.baseline_weeks
    return {
        "subject_explanation": (
            f"{product.name} ({product.category}, {product.vendor or 'no single vendor'}): "
            f"named in {plural(mentions, ('article', 'articles'))} {window.label} "
            f"({per_week:.1f}/week) vs {usual:.1f}/week usual"
        ),
        "subject_evidence": tuple(evidence),
        "subject_extra": (
            ("id", product.id),
            ("vendor", product.vendor or None),
            ("category", product.category),
            ("mentions", mentions),
            ("mentions_per_week", round(per_week, 2)),
            ("usual_per_week", round(usual, 2)),
        ),
    }


def _counterparties(
    world: World, edges: Iterable[Edge], family: Collection[str], upstream: bool, now: datetime
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for edge in edges:
        other = edge.supplier if upstream else edge.customer
        if other in family:
            continue
        row = rows.setdefault(
            other,
            {
                "name": other,
                "declared": 0,
                "declared_products": [],
                "reported_articles": 0,
                "reported_sources": 0,
                "status": "",
                "is_current": False,
                "last_seen_at": None,
                "weight": 0.0,
                "explanation": [],
            },
        )
        row["declared"] += len(edge.declared)
        row["declared_products"] += [d.product_name for d in edge.declared]
        row["is_current"] = row["is_current"] or edge.is_current
        row["weight"] = max(row["weight"], edge.strength)
        if edge.reported is not None:
            r = edge.reported
            row["reported_articles"] += r.articles
            row["reported_sources"] += r.sources
            if row["last_seen_at"] is None or r.last_at > row["last_seen_at"]:
                row["last_seen_at"], row["status"] = r.last_at, r.status
        elif not row["status"]:
            row["status"] = "declared"
        row["explanation"].append(explain_edge(edge, now))
    for row in rows.values():
        row["declared_products"] = list(dict.fromkeys(row["declared_products"]))
        row["weight"] = round(row["weight"], 3)
        row["explanation"] = "; ".join(row["explanation"])
    return sorted(
        rows.values(),
        key=lambda r: (-r["weight"], -r["reported_articles"], -r["declared"], r["name"]),
    )


def vendor_profile(
    world: World,
    data: ExposureData,
    name: str,
    *,
    now: datetime,
    settings: ExposureSettings,
    weeks: int = 8,
    events: int = 10,
) -> dict[str, Any]:
    """A company's profile: names, kind, family, catalog products, customers and suppliers
    (declared and reported apart), recent events, mentions per week."""
    canonical = world.resolve_vendor(name, "vendors show")
    vendor = world.gazetteer.vendors[canonical]
    family = world.family(canonical)
    upstream_facts = data.relation_facts(customers=family, end=now)
    downstream_facts = data.relation_facts(suppliers=family, end=now)
    half_life = settings.half_life_days
    suppliers_graph = SupplyGraph(
        [d for m in family for d in world.declared_by_customer.get(m, ())],
        reported_links(upstream_facts, now, half_life),
    )
    customers_graph = SupplyGraph(
        [d for m in family for d in world.declared_by_supplier.get(m, ())],
        reported_links(downstream_facts, now, half_life),
    )
    start = now - timedelta(weeks=weeks)
    times = data.mention_times(family, start, now)
    per_week = [0] * weeks
    for at in times:
        index = weeks - 1 - int((now - at).total_seconds() // (7 * DAY_S))
        if 0 <= index < weeks:
            per_week[index] += 1
    recent = data.latest_events(family, now, events)
    sources = data.article_sources({e.article_id for e in recent}) if recent else {}
    recent = [e._replace(sources=sources.get(e.article_id, ())) for e in recent]
    products = sorted(
        (p for p in world.catalog.products.values() if p.vendor in family),
        key=lambda p: (p.category, p.name.casefold()),
    )
    return {
        "name": canonical,
        "legal_name": vendor.legal_name or None,
        "aliases": list(vendor.aliases),
        "tickers": list(vendor.tickers),
        "kind": vendor.kind,
        "country": vendor.country,
        "parent": vendor.parent or None,
        "subsidiaries": list(family[1:]),
        "products": [
            {"id": p.id, "name": p.name, "category": p.category, "origin": p.origin}
            for p in products
        ],
        "customers": _counterparties(
            world, customers_graph.edges.values(), family, upstream=False, now=now
        ),
        "suppliers": _counterparties(
            world, suppliers_graph.edges.values(), family, upstream=True, now=now
        ),
        "recent_events": [e.as_evidence().record() for e in recent],
        "mentions_per_week": [
            {"week_start": now - timedelta(weeks=weeks - i), "articles": n}
            for i, n in enumerate(per_week)
        ],
        "as_of": now,
    }
