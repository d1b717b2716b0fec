"""`tracker sources ...`: the feeds to follow."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.output import Format, FormatOption, emit, stderr
from tracker.cli.state import state
from tracker.config import FetchSettings, name_problem, url_problem
from tracker.errors import FetchError, StoreError, TrackerError, UsageError
from tracker.wording import name_from

if TYPE_CHECKING:
    from tracker.ingest.gather import Target
    from tracker.ingest.probe import Discovery, DryRun
    from tracker.models import FeedEntry
    from tracker.store.tables import Source

app = typer.Typer(
    help="List, add and remove sources; import and export OPML.", no_args_is_help=True
)


def _check_url(url: str, command: str) -> str:
    """``url`` trimmed; UsageError (exit 2) naming ``command`` when it cannot be fetched."""
    from tracker.wording import shorten

    if problem := url_problem(url.strip()):
        raise UsageError(f"{command}: URL {shorten(repr(url), 80)} {problem}")
    return url.strip()


def _check_name(name: str | None, command: str) -> None:
    from tracker.wording import shorten

    if name is not None and (problem := name_problem(name)):
        raise UsageError(f"{command}: --name {shorten(repr(name), 80)}: {problem}")


@app.command("list")
def list_sources(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
) -> None:
    """List sources with their state."""
    from tracker.store import sources as store_sources

    st = state(ctx)
    with st.stored.session() as session:
        counts = store_sources.article_counts(session)
        rows = [
            {
                "name": s.name,
                "url": s.url,
                "kind": s.kind,
                "enabled": s.is_enabled,
                "articles": counts.get(s.id or 0, 0),
                "last_success_at": s.last_success_at,
                "error_count": s.error_count,
                "last_error": s.last_error,
            }
            for s in store_sources.all_sources(session)
        ]
    emit(
        rows,
        fmt,
        ["name", "kind", "url", "articles", "last_success_at", "error_count", "last_error"],
        tz=st.settings.tzinfo(),
        title=f"{len(rows)} sources",
    )


def parse_interval(value: str | None) -> tuple[int | None, bool]:
    """``--interval``: minutes, or ``auto`` (follow the source's rhythm); (minutes, adaptive)."""
    if value is None:
        return None, False
    text = value.strip().lower()
    if text == "auto":
        return None, True
    if not text.isdigit() or int(text) < 1:
        raise typer.BadParameter(
            f"{value!r} is not a number of minutes or 'auto'", param_hint="--interval"
        )
    return int(text), False


INTERVAL_HELP = "Minutes between fetches, or 'auto' to follow how often the source publishes."


KIND_HELP = (
    "What the URL is: auto (look: a feed is followed, a sitemap read, a page searched for "
    "the feeds it offers), feed, page (follow the page's list of article links) or sitemap."
)


class Kind(StrEnum):
    """--kind values."""

    auto = "auto"
    feed = "feed"
    page = "page"
    sitemap = "sitemap"


def _check_selector(kind: str, selector: str | None, xpath: str | None) -> None:
    if selector and xpath:
        raise typer.BadParameter("give --selector or --xpath, not both", param_hint="--selector")
    if (selector or xpath) and kind not in ("page", "auto"):
        raise typer.BadParameter(
            "--selector and --xpath are for page sources", param_hint="--selector"
        )


def _offer_rows(found: Discovery) -> list[dict[str, Any]]:
    return [{"pick": i, **asdict(o)} for i, o in enumerate(found.offers, 1)]


def _choose(found: Discovery, pick: int | None, fmt: Format) -> tuple[str, str, str]:
    """The (url, kind, title) to add after discovery: the picked feed, or the page itself."""
    feeds = found.feeds
    if pick is not None:
        if not 1 <= pick <= len(found.offers) or not found.offers[pick - 1].is_feed:
            raise UsageError(
                f"sources add: --pick {pick}: no working feed with that number ({len(feeds)} found)"
            )
        offer = found.offers[pick - 1]
        return offer.url, "feed", offer.title
    if not feeds:
        links = (
            f"; the page itself lists {found.listing_links} article links: add it with --kind page"
            if found.listing_links
            else "; the page lists no article links either"
        )
        raise TrackerError(f"sources add: {found.url} offers no feed{links}")
    emit(
        _offer_rows(found),
        fmt,
        ["pick", "title", "url", "found_by", "entries", "error"],
        title=f"Feeds offered by {found.url}",
    )
    if sys.stdin.isatty() and fmt is Format.table:
        answer = typer.prompt(
            "Add which feed? (a number; 'page' follows the page itself; empty: none)",
            default="",
            show_default=False,
        ).strip()
        if answer == "page":
            return found.url, "page", found.title
        if answer.isdigit():
            return _choose(found, int(answer), fmt)
        raise typer.Exit(0)
    raise UsageError(
        f"sources add: {found.url} is a page that offers {len(feeds)} feed(s): add one with "
        "--pick N (or its URL), or follow the page itself with --kind page"
    )


@app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Argument(
            help="A feed (RSS, Atom, JSON Feed), a sitemap, or a site's home or section page."
        ),
    ],
    name: Annotated[str | None, typer.Option(help="A short name (default: from the URL).")] = None,
    kind: Annotated[Kind, typer.Option("--kind", help=KIND_HELP)] = Kind.auto,
    pick: Annotated[
        int | None, typer.Option(help="Add the Nth feed a page offers (see the list shown).")
    ] = None,
    selector: Annotated[
        str | None, typer.Option(help="Page sources: a CSS selector naming the article links.")
    ] = None,
    xpath: Annotated[
        str | None, typer.Option(help="Page sources: an XPath expression naming the links.")
    ] = None,
    interval: Annotated[
        str | None, typer.Option(help=INTERVAL_HELP + " [default: [schedule] interval_minutes]")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a source. Given a page rather than a feed, find the feeds it offers and add the
    one picked, or (--kind page) follow the page's own list of article links."""
    import asyncio

    from tracker.store import sources as store_sources

    st = state(ctx)
    url = _check_url(url, "sources add")
    _check_name(name, "sources add")
    minutes, adaptive = parse_interval(interval)
    _check_selector(kind.value, selector, xpath)
    chosen_kind, title = kind.value, ""
    if (selector or xpath) and kind is Kind.auto:
        chosen_kind = "page"
    if chosen_kind == "auto":
        with st.store.session() as session:
            existing = store_sources.source_by_url(session, url)
        if existing is not None:
            raise StoreError(f"store: {url} is already the source {existing.name!r}")
        try:
            found = asyncio.run(_discover(st.settings.fetch, url))
        except FetchError as exc:
            raise TrackerError(
                f"sources add: could not look at {url} ({exc}); to add it unchecked, give "
                "--kind feed (or page, or sitemap)"
            ) from exc
        if found.kind == "page":
            url, chosen_kind, title = _choose(found, pick, fmt)
        else:
            chosen_kind = found.kind
        stderr.print(f"{found.url}: {found.kind} ({found.requests} requests)")
    with st.store.session() as session:
        taken = {s.name for s in store_sources.all_sources(session)}
        source = store_sources.add_source(
            session,
            name or name_from(title or url, taken),
            url,
            chosen_kind,
            interval_minutes=minutes,
            is_adaptive=adaptive,
            selector=selector,
            xpath=xpath,
        )
    stderr.print(f"added {source.kind} source {source.name!r}: {source.url}")


async def _discover(settings: FetchSettings, url: str) -> Discovery:
    from tracker.fetch import Fetcher
    from tracker.ingest.probe import discover

    async with Fetcher(settings) as fetcher:
        return await discover(fetcher, url)


async def _dry_run(settings: FetchSettings, target: Target, *, detect_kind: bool) -> DryRun:
    from tracker.fetch import Fetcher
    from tracker.ingest.probe import dry_run

    async with Fetcher(settings) as fetcher:
        return await dry_run(fetcher, target, settings, detect_kind=detect_kind)


def _date_origin(entry: FeedEntry, kind: str) -> str:
    if entry.published_at is not None:
        return {"page": "listing", "sitemap": "sitemap"}.get(kind, "feed")
    if entry.date_fallback is not None:
        return "url" if kind == "page" else "lastmod"
    return "page" if kind != "feed" else ""


@app.command("test")
def try_source(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="A source's name, or a URL.")],
    kind: Annotated[Kind, typer.Option("--kind", help=KIND_HELP)] = Kind.auto,
    selector: Annotated[
        str | None, typer.Option(help="Page sources: try this CSS selector for the links.")
    ] = None,
    xpath: Annotated[
        str | None, typer.Option(help="Page sources: try this XPath expression.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many entries.", min=1)] = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """Dry run: show what a fetch of a source (or of a URL) would take (titles, links,
    dates) without storing anything.

    A date's origin says how sure it is: listing, sitemap or feed (stated for the entry),
    url or lastmod (a guess, used when the article page's metadata gives none), page (read
    from the article page when it is fetched).
    """
    import asyncio

    from tracker.ingest.gather import Target
    from tracker.parse.listing import layout_changed
    from tracker.store import sources as store_sources

    st = state(ctx)
    _check_selector(kind.value, selector, xpath)
    stored: Source | None = None
    if "://" not in target:
        name = st.source_names().resolve(target, "sources test")
        with st.stored.session() as session:
            stored = store_sources.source_by_name(session, name)
        assert stored is not None
        url, chosen = stored.url, stored.kind if kind is Kind.auto else kind.value
        selector, xpath = selector or stored.selector, xpath or stored.xpath
    else:
        url, chosen = _check_url(target, "sources test"), kind.value
        if (selector or xpath) and kind is Kind.auto:
            chosen = "page"
    detect = chosen == "auto"
    plan = Target(url, "feed" if detect else chosen, selector=selector, xpath=xpath)
    run = asyncio.run(_dry_run(st.settings.fetch, plan, detect_kind=detect))
    entries = run.entries
    rows = [
        {
            "title": e.title,
            "url": e.url,
            "published_at": e.published_at or e.date_fallback,
            "date_from": _date_origin(e, run.kind),
        }
        for e in entries[:limit]
    ]
    emit(
        rows,
        fmt,
        ["published_at", "date_from", "title", "url"],
        tz=st.settings.tzinfo(),
        title=f"{run.kind} {url}: {len(entries)} entries",
    )
    gathered = run.gathered
    stderr.print(
        f"{run.kind} source {url}: {len(entries)} entries from {len(gathered.pages)} "
        f"document(s), {gathered.requests} request(s); nothing stored"
    )
    if len(entries) > limit:
        stderr.print(f"showing the first {limit} (--limit)")
    for warning in run.feed.warnings:
        stderr.print(f"warning: {warning}")
    listing = gathered.listing
    if listing is not None:
        stderr.print(f"links found in: {listing.block}")
        if stored is not None and stored.kind == "page" and not (selector or xpath):
            if layout_changed(stored.layout_signature, listing):
                stderr.print(
                    "layout: CHANGED from the one accepted for this source "
                    f"(`tracker sources set {stored.name} --accept-layout` once the links "
                    "above are right)"
                )
            else:
                stderr.print("layout: same as the one accepted for this source")
    if not entries:
        raise TrackerError(f"sources test: {url}: nothing to take")


@app.command("set")
def set_source(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
    url: Annotated[
        str | None,
        typer.Option(help="Fetch it from this http(s) URL from now on (its articles stay)."),
    ] = None,
    interval: Annotated[str | None, typer.Option(help=INTERVAL_HELP)] = None,
    enable: Annotated[
        bool | None,
        typer.Option(
            "--enable/--disable",
            help="Turn fetching on (clears failures) or off.",
            show_default=False,
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option(help="Page sources: name the article links by CSS selector.")
    ] = None,
    xpath: Annotated[
        str | None, typer.Option(help="Page sources: name the article links by XPath.")
    ] = None,
    detect: Annotated[
        bool, typer.Option("--detect", help="Page sources: drop the selector, detect the links.")
    ] = False,
    accept_layout: Annotated[
        bool,
        typer.Option(
            "--accept-layout",
            help="Page sources: take the page's new layout as right (clears 'layout changed').",
        ),
    ] = False,
) -> None:
    """Change a source's URL or interval, turn it on or off (a source gone with 410 is turned
    off), or tell a page source where its article links are.

    A new URL keeps the source's articles and forgets what was learnt at the old one: its
    validators (ETag, Last-Modified), its failures and backoff, a page source's layout.
    """
    from tracker.store import sources as store_sources

    st = state(ctx)
    minutes, adaptive = parse_interval(interval)
    if sum(map(bool, (selector, xpath, detect))) > 1:
        raise typer.BadParameter("give one of --selector, --xpath and --detect")
    name = st.source_names().resolve(name, "sources set")
    new_url = _check_url(url, "sources set") if url is not None else None
    with st.stored.session() as session:
        if new_url is not None:
            moved = store_sources.source_by_name(session, name)
            if moved is None:
                raise StoreError(f"store: no source named {name!r}")
            old_url = moved.url
            if store_sources.point_at(session, moved, new_url):
                stderr.print(
                    f"source {name!r}: now fetched from {new_url} (was {old_url}); its "
                    "articles stay",
                    soft_wrap=True,
                )
            declared = next((s.url for s in st.settings.sources if s.name == name), None)
            # (a demo source's "{fixtures}" URL is the demo's to set)
            if declared and declared != new_url and "{fixtures}" not in declared:
                stderr.print(
                    f"note: {name!r} is declared in {st.settings.path} with {declared}; "
                    "the next fetch points it back there (change it in the file)",
                    soft_wrap=True,
                )
        if selector or xpath or detect:
            page = store_sources.source_by_name(session, name)
            assert page is not None
            if page.kind != "page":
                raise UsageError(f"sources set: {name!r} is a {page.kind} source, not a page")
            store_sources.set_selector(session, page, selector=selector, xpath=xpath)
            stderr.print(
                f"source {name!r}: links "
                + (f"named by {selector or xpath!r}" if selector or xpath else "detected")
            )
        if accept_layout:
            store_sources.accept_layout(session, name)
            stderr.print(f"source {name!r}: its current layout is accepted")
        source = store_sources.set_schedule(
            session,
            name,
            interval_minutes=minutes,
            is_adaptive=True if adaptive else None,
            is_enabled=enable,
        )
        every = (
            "auto"
            if source.is_adaptive
            else f"{source.interval_minutes or st.settings.schedule.interval_minutes} min"
        )
        stderr.print(
            f"source {source.name!r}: {'enabled' if source.is_enabled else 'disabled'}, "
            f"every {every}"
        )


@app.command("health")
def health(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
) -> None:
    """How each source is doing: last success, last error, streak, next attempt, rates, silence.

    States: ok, new (never fetched), backoff (failed lately, retried later), failing (404s or
    DNS failures in a row), layout changed (a page source's article links moved or vanished:
    check with `tracker sources test NAME`, then `tracker sources set NAME --accept-layout`
    or `--selector`), silent (nothing for several times its usual gap), disabled.
    """
    from tracker.ingest.health import health_rows

    st = state(ctx)
    rows = health_rows(st.stored, st.settings.schedule, datetime.now(UTC))
    emit(
        rows,
        fmt,
        [
            "name",
            "state",
            "last_success_at",
            "last_error_class",
            "error_streak",
            "next_attempt_at",
            "per_day_7d",
            "per_day_30d",
            "usual_gap_h",
        ],
        tz=st.settings.tzinfo(),
        title=f"Health of {len(rows)} sources",
    )
    if fmt is Format.table:
        for row in rows:
            if row["layout_note"]:
                stderr.print(f"{row['name']}: layout changed: {row['layout_note']}")


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
) -> None:
    """Stop following a source (its articles stay stored)."""
    from tracker.store import sources as store_sources

    st = state(ctx)
    name = st.source_names().resolve(name, "sources remove")
    with st.stored.session() as session:
        links = store_sources.remove_source(session, name)
    declared = {s.name for s in st.settings.sources}
    stderr.print(f"removed source {name!r} ({links} article links)")
    if name in declared:
        stderr.print(
            f"note: {name!r} is declared in {st.settings.path}; the next fetch adds it back"
        )


@app.command("import-opml")
def import_opml(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="An OPML file.")],
) -> None:
    """Add every feed of an OPML file; feeds already followed are skipped."""
    from tracker.parse.opml import parse_opml
    from tracker.store import sources as store_sources

    st = state(ctx)
    outlines = parse_opml(file.read_bytes(), str(file))
    added = skipped = 0
    with st.store.session() as session:
        taken = {s.name for s in store_sources.all_sources(session)}
        for outline in outlines:
            try:
                url = _check_url(outline.xml_url, "sources import")
            except UsageError as exc:
                stderr.print(f"skipped: {exc}", soft_wrap=True, markup=False, highlight=False)
                skipped += 1
                continue
            if store_sources.source_by_url(session, url):
                skipped += 1
                continue
            name = name_from(outline.title, taken)
            taken.add(name)
            try:
                store_sources.add_source(session, name, url)
            except StoreError as exc:
                stderr.print(f"skipped {url}: {exc}")
                skipped += 1
                continue
            added += 1
    stderr.print(f"imported {added} sources from {file} ({skipped} skipped)")


@app.command("export-opml")
def export_opml(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Write every feed source as OPML 2.0 (page and sitemap sources are not feeds: other
    readers could not follow them; they are named on stderr)."""
    from tracker.parse.opml import Outline, render_opml
    from tracker.store import sources as store_sources

    st = state(ctx)
    with st.stored.session() as session:
        every = store_sources.all_sources(session)
    outlines = [Outline(s.title or s.name, s.url) for s in every if s.kind == "feed"]
    others = [s.name for s in every if s.kind != "feed"]
    if others:
        stderr.print(f"not exported (page and sitemap sources): {', '.join(others)}")
    text = render_opml(outlines)
    if output:
        output.write_text(text, encoding="utf-8")
        stderr.print(f"wrote {len(outlines)} sources to {output}")
    else:
        sys.stdout.write(text)
