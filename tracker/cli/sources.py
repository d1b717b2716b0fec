"""`tracker sources ...`: the feeds to follow."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from tracker.cli.output import Format, emit, stderr
from tracker.cli.state import state
from tracker.errors import StoreError
from tracker.parse.opml import Outline, parse_opml, render_opml
from tracker.store import sources as store_sources
from tracker.store.health import health_rows

app = typer.Typer(
    help="List, add and remove sources; import and export OPML.", no_args_is_help=True
)


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise typer.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    return url.strip()


def name_from(text: str, taken: set[str]) -> str:
    """A short unique source name from a title or URL."""
    parts = urlsplit(text)
    base = f"{parts.netloc}{parts.path}" if parts.netloc else text
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:48] or "source"
    slug = re.sub(r"^www-", "", slug)
    name, n = slug, 2
    while name in taken:
        name, n = f"{slug}-{n}", n + 1
    return name


@app.command("list")
def list_sources(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """List sources with their state."""
    st = state(ctx)
    with st.store.session() as session:
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
        ["name", "url", "articles", "last_success_at", "error_count", "last_error"],
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


@app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The feed's URL (RSS, Atom or JSON Feed).")],
    name: Annotated[str | None, typer.Option(help="A short name (default: from the URL).")] = None,
    interval: Annotated[
        str | None, typer.Option(help=INTERVAL_HELP + " [default: [schedule] interval_minutes]")
    ] = None,
) -> None:
    """Add a feed to follow."""
    st = state(ctx)
    url = _check_url(url)
    minutes, adaptive = parse_interval(interval)
    with st.store.session() as session:
        taken = {s.name for s in store_sources.all_sources(session)}
        source = store_sources.add_source(
            session,
            name or name_from(url, taken),
            url,
            interval_minutes=minutes,
            is_adaptive=adaptive,
        )
    stderr.print(f"added source {source.name!r}: {source.url}")


@app.command("set")
def set_source(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
    interval: Annotated[str | None, typer.Option(help=INTERVAL_HELP)] = None,
    enable: Annotated[
        bool | None,
        typer.Option(
            "--enable/--disable",
            help="Turn fetching on (clears failures) or off.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Change a source's interval, or turn it on or off (a source gone with 410 is turned off)."""
    st = state(ctx)
    minutes, adaptive = parse_interval(interval)
    with st.store.session() as session:
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
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """How each source is doing: last success, last error, streak, next attempt, rates, silence.

    States: ok, new (never fetched), backoff (failed lately, retried later), failing (404s or
    DNS failures in a row), silent (nothing for several times its usual gap), disabled.
    """
    st = state(ctx)
    with st.store.session() as session:
        rows = health_rows(session, st.settings.schedule, datetime.now(UTC))
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


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
) -> None:
    """Stop following a source (its articles stay stored)."""
    st = state(ctx)
    with st.store.session() as session:
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
    st = state(ctx)
    outlines = parse_opml(file.read_bytes(), str(file))
    added = skipped = 0
    with st.store.session() as session:
        taken = {s.name for s in store_sources.all_sources(session)}
        for outline in outlines:
            try:
                url = _check_url(outline.xml_url)
            except typer.BadParameter:
                stderr.print(f"skipped {outline.xml_url!r}: not an http(s) URL")
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
    """Write every source as OPML 2.0."""
    st = state(ctx)
    with st.store.session() as session:
        outlines = [Outline(s.title or s.name, s.url) for s in store_sources.all_sources(session)]
    text = render_opml(outlines)
    if output:
        output.write_text(text, encoding="utf-8")
        stderr.print(f"wrote {len(outlines)} sources to {output}")
    else:
        sys.stdout.write(text)
