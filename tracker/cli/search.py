"""`tracker search`: full-text search over stored articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.text import Text

from tracker.cli.output import Format, FormatOption, emit
from tracker.cli.state import state
from tracker.errors import UsageError
from tracker.query import parse_query


def parse_when(value: str | None, option: str) -> datetime | None:
    """A date option: YYYY-MM-DD, an ISO 8601 time, or a span back from now (7d, 12h)."""
    if value is None:
        return None
    text = value.strip()
    units = {"d": "days", "h": "hours", "w": "weeks"}
    if len(text) > 1 and text[-1] in units and text[:-1].isdigit():
        return datetime.now(UTC) - timedelta(**{units[text[-1]]: int(text[:-1])})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option}: {value!r} is not a date (use YYYY-MM-DD, an ISO time, or 7d / 12h)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # a bare date is the user's local midnight
    return parsed.astimezone(UTC)


def render_snippet(snippet: str) -> Text:
    """A snippet with its matched words in bold."""
    from tracker.store.search import HIGHLIGHT_END, HIGHLIGHT_START

    text = Text()
    highlighted = False
    for part in snippet.replace(HIGHLIGHT_END, HIGHLIGHT_START).split(HIGHLIGHT_START):
        text.append(part, style="bold yellow" if highlighted else None)
        highlighted = not highlighted
    return text


def plain_snippet(snippet: str) -> str:
    """A snippet with matched words between ** marks, for JSON and CSV."""
    from tracker.store.search import HIGHLIGHT_END, HIGHLIGHT_START

    return snippet.replace(HIGHLIGHT_START, "**").replace(HIGHLIGHT_END, "**")


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words, "phrases", prefix*, OR, NOT/-word, ( ).')],
    vendor: Annotated[
        list[str] | None,
        typer.Option(
            help="Only articles that name this company (or one of its subsidiaries); a name or "
            "alias in any case. Repeat it for articles that name all of them.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Published on or after (date, time, 7d).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Published before (date, time, 7d).")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(help="Only articles from this source. Repeat it for any of several."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many results.")] = 20,
    fmt: FormatOption = Format.table,
) -> None:
    """Full-text search over stored articles, best match first, with highlighted snippets.

    Each result carries the article's id and URL: `tracker show ID` prints it whole. An
    unknown --vendor or --source name is a usage error (exit code 2) with the closest name.
    """
    from tracker.store.search import search_articles

    st = state(ctx)
    node = parse_query(query)
    start, end = parse_when(since, "--since"), parse_when(until, "--until")
    store = st.stored
    vendors = st.vendor_names().resolve_all(vendor, "search --vendor") if vendor else []
    sources = st.source_names().resolve_all(source, "search --source") if source else []
    with store.session() as session:
        hits = search_articles(
            session, node, vendors=vendors, sources=sources, since=start, until=end, limit=limit
        )
    rows: list[dict[str, Any]] = [
        {
            "id": h.article_id,
            "title": h.title,
            "url": h.url,
            "published_at": h.published_at,
            "fetched_at": h.fetched_at,
            "sources": h.sources,
            "vendors": h.vendors,
            "score": round(h.score, 4),
            "snippet": plain_snippet(h.snippet) if fmt is not Format.table else h.snippet,
        }
        for h in hits
    ]
    emit(
        rows,
        fmt,
        ["id", "published_at", "title", "sources", "vendors", "snippet"],
        tz=st.settings.tzinfo(),
        title=f"{len(rows)} results for {query!r}",
        rich_cells={
            "title": lambda row: Text(row["title"], style="bold").append(
                f"\n{row['url']}", style="dim"
            ),
            "snippet": lambda row: render_snippet(row["snippet"]),
        },
    )
