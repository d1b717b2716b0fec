"""Pure: a watchlist or a parts list ranked by exposure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from tracker.catalog.watch import WatchItem
from tracker.config import ExposureSettings
from tracker.errors import UsageError
from tracker.exposure.answers import (
    ExposureData,
    ExposureReport,
    ExposureRow,
    Part,
    evidence_for_rows,
    exposure_score,
    news_for,
    product_tree,
    rank_rows,
    with_sources,
)
from tracker.exposure.graph import World
from tracker.exposure.scores import Window
from tracker.exposure.words import explain_news


def answer_watchlist(
    world: World,
    data: ExposureData,
    name: str,
    items: Sequence[WatchItem],
    *,
    question: str,
    window: Window,
    now: datetime,
    settings: ExposureSettings,
    limit: int = 50,
) -> ExposureReport:
    """The user's own list ranked by exposure: a vendor by its news; a product or part by the
    most exposed of its vendor and the makers of its parts (the next level counts half)."""
    trees: dict[int, list[Part]] = {}
    companies: set[str] = set()
    for i, item in enumerate(items):
        if item.product is not None:
            trees[i] = product_tree(world, item.product, 2)
            if item.vendor and not any(p.depth == 0 for p in trees[i]):
                trees[i].insert(0, Part(item.vendor, "vendor", item.product, (item.label,), 0))
            companies |= {p.vendor for p in trees[i]}
        elif item.vendor:
            companies.add(item.vendor)
    news = with_sources(data, news_for(world, data, sorted(companies), window, now, settings))
    rows: list[ExposureRow] = []
    for i, item in enumerate(items):
        if item.product is None and not item.vendor:
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.label,),
                    arrow=" <- ",
                    news=None,
                    dependency=0.0,
                    score=0.0,
                    explanation=item.note or "no vendor to follow",
                    kind=item.kind,
                )
            )
            continue
        if item.product is None:
            row_news = news[item.vendor]
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.vendor,),
                    arrow=" <- ",
                    news=row_news,
                    dependency=1.0,
                    score=exposure_score(row_news.risk, 1.0),
                    explanation=explain_news(row_news, now),
                    kind=item.kind,
                    role="vendor" if item.kind == "vendor" else "",
                    via=(),
                    extra=(("vendor", item.vendor),),
                )
            )
            continue
        if not trees[i]:
            rows.append(
                ExposureRow(
                    name=item.label,
                    tier=0,
                    path=(item.label,),
                    arrow=" <- ",
                    news=None,
                    dependency=0.0,
                    score=0.0,
                    explanation=f"the catalog names no vendor or maker of {item.product.name}",
                    kind=item.kind,
                    extra=(("product", item.product.id),),
                )
            )
            continue
        scored: list[tuple[float, Part]] = []
        for part in trees[i]:
            factor = settings.tier_discount ** max(part.depth - 1, 0)
            scored.append((exposure_score(news[part.vendor].risk, factor), part))
        scored.sort(key=lambda sp: (-sp[0], sp[1].depth, sp[1].vendor))
        top_score, top = scored[0]
        via = [f"{p.vendor} ({s:.2f})" for s, p in scored if s > 0]
        top_news = news[top.vendor]
        made = f" ({top.product.name})" if top.product else ""
        place = "its vendor" if top.depth == 0 else f"{top.role}{made} of {top.of}"
        rows.append(
            ExposureRow(
                name=item.label,
                tier=top.depth,
                path=top.path,
                arrow=" <- ",
                news=top_news,
                dependency=settings.tier_discount ** max(top.depth - 1, 0),
                score=top_score,
                explanation=f"most exposed through {top.vendor} ({place}): "
                + explain_news(top_news, now),
                kind=item.kind,
                role=top.role,
                via=tuple(dict.fromkeys(p.vendor for _, p in scored)),
                extra=(
                    ("vendor", item.vendor or item.product.vendor or None),
                    ("product", item.product.id),
                    ("exposed_via", list(dict.fromkeys(via))),
                ),
            )
        )
    ranked = rank_rows(rows)
    shown = evidence_for_rows(data, ranked[:limit], window)
    return ExposureReport(
        question=question,
        subject=name,
        tier=1,
        window=window,
        as_of=now,
        settings=settings,
        rows=tuple(shown),
        total=len(ranked),
    )


def part_items(world: World, rows: Sequence[Mapping[str, str]]) -> list[WatchItem]:
    """The rows of a parts list (``part_number,name,vendor,category,used_in``) as items: a part
    the catalog knows (by part number or name) brings the makers of its parts along; an
    unknown vendor is kept, with a note, rather than failing the whole list."""
    items: list[WatchItem] = []
    for row in rows:
        number = row.get("part_number", "").strip()
        label = number + (f" ({row['name']})" if row.get("name") else "")
        product = world.catalog.get(number) or (
            world.catalog.get(row["name"]) if row.get("name") else None
        )
        written = row.get("vendor", "").strip()
        vendor = ""
        note = ""
        if written:
            try:
                vendor = world.resolve_vendor(written)
            except UsageError as exc:
                note = f"vendor {written!r} is not in the gazetteer ({exc})"
        if not vendor and product is not None:
            vendor = product.vendor
        if not vendor and product is None and not note:
            note = "no vendor given and the catalog does not know the part"
        items.append(WatchItem("part", label, vendor=vendor, product=product, note=note))
    return items
