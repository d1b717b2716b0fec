"""`tracker exposure` and `tracker vendors show`: suppliers behind a company, a product or your
own list, and the news that touches them, with the sentences that prove each link."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from tracker.cli.catalog import read_parts
from tracker.cli.output import (
    Format,
    FormatOption,
    dumps,
    emit,
    show_time,
    stderr,
    stdout,
    write_csv,
    write_jsonl,
)
from tracker.cli.search import parse_when
from tracker.cli.state import State, state
from tracker.errors import ParseError, UsageError

if TYPE_CHECKING:
    from tracker.exposure import Evidence, ExposureReport, World

QUESTIONS = ("customer", "supplier", "product", "watchlist", "parts")
_SPAN_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def load_world(st: State) -> World:
    """The gazetteer and catalog with the user's vendors and parts, without building the
    extraction's matchers when there are no user vendors to merge (it saves most of a second)."""
    from tracker.catalog.gazetteer import load_gazetteer
    from tracker.catalog.products import Catalog, load_catalog
    from tracker.exposure import World

    recipe = st.recipe()
    if recipe.extra_vendors:
        return World.build(st.extractor.gazetteer, st.extractor.catalog)
    catalog = load_catalog(recipe.catalog_dir) if recipe.catalog_dir else Catalog()
    return World.build(load_gazetteer(recipe.vendors_file), catalog.merged(recipe.extra_products))


@contextmanager
def started() -> Iterator[None]:
    """Start-up is over: what it built (modules, settings, the names and the catalog) stays
    out of the collector's walks while the question runs (``gc.freeze``), and is handed back
    after. A tier-2 question makes tens of thousands of objects, and the full collections they
    set off walked the whole start-up heap: most of a question's p95 (tier 2: 135-164 against
    94-125 ms, bench/exposure_bench.py)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def resolve_times(since: str | None, as_of: str | None) -> tuple[datetime | None, datetime]:
    """``--since`` and ``--as-of``; a span such as ``30d`` counts back from ``--as-of``."""
    now = parse_when(as_of, "--as-of") if as_of else datetime.now(UTC)
    assert now is not None
    if since is None:
        return None, now
    text = since.strip()
    if len(text) > 1 and text[-1] in _SPAN_UNITS and text[:-1].isdigit():
        return now - timedelta(**{_SPAN_UNITS[text[-1]]: int(text[:-1])}), now
    return parse_when(since, "--since"), now


def _events_cell(events: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in events.items())


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    """A row record for CSV: nested values as short text."""
    evidence = record.get("evidence") or []
    return {
        "rank": record["rank"],
        "name": record["name"],
        "kind": record["kind"],
        "tier": record["tier"],
        "path": record["path_text"],
        "link": record["link"],
        "via": record["via"],
        "dependency": record["dependency"],
        "mentions": record.get("mentions"),
        "mentions_per_week": record.get("mentions_per_week"),
        "usual_per_week": record.get("usual_per_week"),
        "trend": record.get("trend"),
        "events": "; ".join(f"{k}={v}" for k, v in (record.get("events") or {}).items()),
        "score": record["score"],
        "explanation": record["explanation"],
        "evidence_urls": list(dict.fromkeys(e["url"] for e in evidence)),
    }


def _evidence_lines(label: str, items: Sequence[Evidence], tz: tzinfo | None) -> None:
    from tracker.wording import shorten

    if not items:
        return
    stdout.print(Text(label, style="bold"))
    for item in items:
        line = Text(f"  {show_time(item.at, tz)}  ", style="dim")
        line.append(f"{item.type or item.kind}: ", style="yellow")
        line.append(shorten(item.sentence, 160))
        stdout.print(line)
        stdout.print(Text(f"    {item.url}", style="dim"))


def render_report(report: ExposureReport, fmt: Format, tz: tzinfo | None) -> None:
    """Print an answer: the whole record as JSON, its rows as CSV, or a table with the
    latest evidence of the top rows under it."""
    record = report.record()
    if fmt is Format.json:
        sys.stdout.write(dumps(record, indent=2) + "\n")
        return
    if fmt is Format.csv:
        write_csv([_flat(r) for r in record["rows"]], sys.stdout)
        return
    if fmt is Format.jsonl:
        write_jsonl(record["rows"], sys.stdout)
        return
    heading = {
        "customer": "suppliers",
        "supplier": "customers",
        "product": "companies",
        "watchlist": "items",
        "parts": "parts",
    }[report.question]
    shown = len(report.rows)
    more = f" (top {shown} of {report.total})" if report.total > shown else ""
    if report.subject_explanation:
        stdout.print(Text(f"{report.subject}: {report.subject_explanation}"))
    title = (
        f"{report.subject}: {report.total} {heading}{more}"
        + (f", tiers 1-{report.tier}" if report.tier > 1 else "")
        + f"; news {report.window.label}, as of {show_time(report.as_of, tz)}"
    )
    name_column = {"customer": "supplier", "supplier": "customer"}.get(report.question, "name")
    table = Table(title=title, expand=False, show_lines=True)
    table.add_column("#", justify="right")
    table.add_column(name_column, overflow="fold", max_width=32)
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold", ratio=1, min_width=30)
    for i, row in enumerate(report.rows, 1):
        who = Text(row.name, style="bold")
        if len(row.path) > 2 or report.question not in ("customer", "supplier"):
            who.append(f"\n{row.path_text}", style="dim")
        who.append(f"\n{row.link}", style="cyan")
        table.add_row(str(i), who, f"{row.score:.2f}", Text(row.explanation))
    stdout.print(table)
    top = [row for row in report.rows if row.evidence][:5]
    if report.subject_evidence or top:
        stdout.print(Text("Latest evidence", style="bold underline"))
        _evidence_lines(report.subject, report.subject_evidence[:2], tz)
        for row in top:
            _evidence_lines(row.name, row.evidence[:2], tz)
    for edge in report.not_current:
        r = edge.reported
        when = show_time(r.last_at, tz) if r is not None else ""
        stdout.print(
            Text(
                f"not current: {edge.supplier} -> {edge.customer} "
                f"(the latest report, {when}, says it ended or was denied)",
                style="dim",
            )
        )


def _watchlist(st: State, world: World, name: str) -> tuple[str, list[Any]]:
    from tracker.catalog.names import Names
    from tracker.catalog.watch import watch_items

    lists = {w.name: w for w in st.settings.watchlists}
    if not lists:
        raise UsageError(
            f"exposure --watchlist: no watchlist named {name!r}: the config has none "
            "(add a [[watchlists]] table with name, vendors and products)"
        )
    names = Names("watchlist", ((n, ()) for n in lists), see="the config's [[watchlists]]")
    found = lists[names.resolve(name, "exposure --watchlist")]
    items = watch_items(found, world.gazetteer, world.catalog)
    return found.name, [item for item in items if item.kind in ("vendor", "product")]


def exposure(
    ctx: typer.Context,
    customer: Annotated[
        str | None, typer.Option(help="Who supplies this company (name or alias)?")
    ] = None,
    supplier: Annotated[
        str | None, typer.Option(help="Who depends on this company, through which products?")
    ] = None,
    product: Annotated[
        str | None,
        typer.Option(help="A catalog product (name, alias, part number or id): who makes it."),
    ] = None,
    watchlist: Annotated[
        str | None, typer.Option(help="A watchlist of the config (watchlists), ranked.")
    ] = None,
    parts: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="A parts list CSV (part_number,name,vendor,category,used_in), ranked.",
        ),
    ] = None,
    tier: Annotated[
        int | None,
        typer.Option(min=1, max=3, help="Tiers to follow (default 1; 2 for --product)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="News since (date, time, 30d); default: window_days ago."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Answer as of this time (default now).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """Suppliers behind a company, a product or your own list, ranked by their news.

    Each score comes with its explanation in words and the sentences (with links) that prove
    each supplier link. Links are declared (the catalog, your parts list) or reported
    (articles); a reported link fades with time (half_life_days in the exposure section of the
    config) and gains weight with independent sources; a link whose latest report denies or
    ends it is not current.
    """
    from tracker.exposure import (
        Asked,
        answer_customer,
        answer_product,
        answer_supplier,
        answer_watchlist,
        make_window,
        part_items,
    )
    from tracker.store.exposure_queries import StoreExposureData

    st = state(ctx)
    given = {
        q: v
        for q, v in zip(QUESTIONS, (customer, supplier, product, watchlist, parts), strict=True)
        if v is not None
    }
    if len(given) != 1:
        raise UsageError(
            "exposure: ask one question: --customer, --supplier, --product, --watchlist or --parts"
        )
    ((question, value),) = given.items()
    if tier is not None and question in ("watchlist", "parts"):
        raise UsageError("exposure: --tier applies to --customer, --supplier and --product")
    start, now = resolve_times(since, as_of)
    settings = st.settings.exposure
    window = make_window(now, start, settings)
    store = st.stored
    world = load_world(st)
    rows_text: list[dict[str, str]] = []
    if question == "parts":
        assert isinstance(value, Path)
        try:
            text = value.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"exposure --parts: {value}: not UTF-8 text ({exc.reason})") from exc
        rows_text = read_parts(text, str(value))
    with started():
        with store.session() as session:
            data = StoreExposureData(session)
            asked = Asked(world, data, window, now, settings, limit)
            if question == "customer":
                report = answer_customer(asked, str(value), tier=tier or 1)
            elif question == "supplier":
                report = answer_supplier(asked, str(value), tier=tier or 1)
            elif question == "product":
                report = answer_product(asked, str(value), tier=tier or 2)
            elif question == "watchlist":
                name, items = _watchlist(st, world, str(value))
                report = answer_watchlist(asked, name, items, question="watchlist")
            else:
                items = part_items(world, rows_text)
                for item in items:
                    if item.note:
                        stderr.print(f"note: {item.label}: {item.note}")
                report = answer_watchlist(asked, Path(str(value)).name, items, question="parts")
        render_report(report, fmt, st.settings.tzinfo())


def show_vendor(st: State, name: str, fmt: Format, as_of: str | None = None) -> None:
    """`tracker vendors show`: a vendor's profile."""
    from tracker.exposure import vendor_profile
    from tracker.store.exposure_queries import StoreExposureData
    from tracker.wording import shorten

    _, now = resolve_times(None, as_of)
    store = st.stored
    world = load_world(st)
    with store.session() as session:
        profile = vendor_profile(
            world, StoreExposureData(session), name, now=now, settings=st.settings.exposure
        )
    tz = st.settings.tzinfo()
    counterparties = [
        {"direction": direction[:-1], **row}
        for direction in ("customers", "suppliers")
        for row in profile[direction]
    ]
    if fmt is Format.json:
        sys.stdout.write(dumps(profile, indent=2) + "\n")
        return
    if fmt is Format.csv:
        write_csv(counterparties, sys.stdout)
        return
    if fmt is Format.jsonl:
        write_jsonl(counterparties, sys.stdout)
        return
    head = f"{profile['name']}  ({profile['kind']}, {profile['country'] or '?'})"
    stdout.print(Text(head, style="bold"))
    products = [p["name"] for p in profile["products"]]
    for label, value in (
        ("legal name", profile["legal_name"] or ""),
        ("aliases", ", ".join(profile["aliases"])),
        ("tickers", ", ".join(profile["tickers"])),
        ("parent", profile["parent"] or ""),
        ("subsidiaries", ", ".join(profile["subsidiaries"])),
        (
            f"catalog products ({len(products)})",
            ", ".join(products[:12]) + (f" and {len(products) - 12} more" if products[12:] else ""),
        ),
    ):
        if value:
            stdout.print(Text(f"  {label}: {value}"))
    columns = ["name", "declared", "reported_articles", "sources", "status", "last_seen_at"]
    for direction in ("customers", "suppliers"):
        rows = [
            {
                **row,
                "declared": f"{row['declared']} ({', '.join(row['declared_products'][:3])})"
                if row["declared"]
                else "",
                "sources": row["reported_sources"],
            }
            for row in profile[direction]
        ]
        emit(rows, fmt, columns, tz=tz, title=f"{direction} ({len(rows)})")
    events = [
        {
            "when": e["at"],
            "type": e["type"],
            "evidence": shorten(e["sentence"], 140),
            "url": e["url"],
        }
        for e in profile["recent_events"]
    ]
    emit(events, fmt, ["when", "type", "evidence", "url"], tz=tz, title="recent events")
    weeks = [
        {"week from": show_time(w["week_start"], tz)[:10], "articles": w["articles"]}
        for w in profile["mentions_per_week"]
    ]
    emit(weeks, fmt, ["week from", "articles"], tz=tz, title="mentions per week")


__all__ = ["exposure", "load_world", "render_report", "resolve_times", "show_vendor"]
