"""Pure: a watchlist or a parts list ranked by exposure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tracker.catalog.watch import WatchItem
from tracker.config import ExposureSettings
from tracker.errors import UsageError
from tracker.exposure.answers import (
    Asked,
    ExposureData,
    ExposureReport,
    ExposureRow,
    Part,
    exposure_score,
    product_tree,
)
from tracker.exposure.graph import World
from tracker.exposure.scores import VendorNews, Window
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
    asked = Asked(world, data, window, now, settings, limit)
    trees = {i: _tree(world, item) for i, item in enumerate(items) if item.product is not None}
    companies = {part.vendor for tree in trees.values() for part in tree}
    companies |= {item.vendor for item in items if item.product is None and item.vendor}
    news = asked.news(sorted(companies))
    rows = [_item_row(asked, item, trees.get(i, []), news) for i, item in enumerate(items)]
    return asked.report(question, name, 1, rows)


def _tree(world: World, item: WatchItem) -> list[Part]:
    """The companies a product or part item depends on: its vendor (the one the user gave,
    when the catalog names none) and the makers of its parts, two levels down."""
    assert item.product is not None
    tree = product_tree(world, item.product, 2)
    if item.vendor and not any(p.depth == 0 for p in tree):
        tree.insert(0, Part(item.vendor, "vendor", item.product, (item.label,), 0))
    return tree


def _row(item: WatchItem, path: tuple[str, ...], explanation: str, **more: Any) -> ExposureRow:
    """The row of ``item``; ``more`` overrides the defaults of a row with nothing to follow."""
    values: dict[str, Any] = {"tier": 0, "news": None, "dependency": 0.0, "score": 0.0}
    return ExposureRow(
        name=item.label,
        path=path,
        arrow=" <- ",
        explanation=explanation,
        kind=item.kind,
        **(values | more),
    )


def _item_row(
    asked: Asked, item: WatchItem, tree: list[Part], news: Mapping[str, VendorNews]
) -> ExposureRow:
    if item.product is None and not item.vendor:
        return _row(item, (item.label,), item.note or "no vendor to follow")
    if item.product is None:
        own = news[item.vendor]
        return _row(
            item,
            (item.vendor,),
            explain_news(own, asked.now),
            news=own,
            dependency=1.0,
            score=exposure_score(own.risk, 1.0),
            role="vendor" if item.kind == "vendor" else "",
            extra=(("vendor", item.vendor),),
        )
    if not tree:
        return _row(
            item,
            (item.label,),
            f"the catalog names no vendor or maker of {item.product.name}",
            extra=(("product", item.product.id),),
        )
    discount = asked.settings.tier_discount
    scored = sorted(
        (
            (exposure_score(news[part.vendor].risk, discount ** max(part.depth - 1, 0)), part)
            for part in tree
        ),
        key=lambda sp: (-sp[0], sp[1].depth, sp[1].vendor),
    )
    top_score, top = scored[0]
    via = [f"{p.vendor} ({s:.2f})" for s, p in scored if s > 0]
    made = f" ({top.product.name})" if top.product else ""
    place = "its vendor" if top.depth == 0 else f"{top.role}{made} of {top.of}"
    return _row(
        item,
        top.path,
        f"most exposed through {top.vendor} ({place}): "
        + explain_news(news[top.vendor], asked.now),
        tier=top.depth,
        news=news[top.vendor],
        dependency=discount ** max(top.depth - 1, 0),
        score=top_score,
        role=top.role,
        via=tuple(dict.fromkeys(p.vendor for _, p in scored)),
        extra=(
            ("vendor", item.vendor or item.product.vendor or None),
            ("product", item.product.id),
            ("exposed_via", list(dict.fromkeys(via))),
        ),
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
