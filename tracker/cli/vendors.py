"""`tracker vendors ...`: the gazetteer, unknown company names, and adding vendors."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tracker.catalog.gazetteer import KINDS
from tracker.cli.exposure import show_vendor
from tracker.cli.output import Format, emit, stderr
from tracker.cli.state import state
from tracker.errors import UsageError

app = typer.Typer(
    help="The vendor gazetteer: list, show, unknown candidates, add.", no_args_is_help=True
)


@app.command("list")
def list_vendors(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="Only this kind (foundry, ems, oem...).")] = None,
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """List the vendors the extraction knows, with their kind, country and aliases."""
    st = state(ctx)
    rows: list[dict[str, Any]] = [
        {
            "name": v.name,
            "kind": v.kind,
            "country": v.country,
            "parent": v.parent,
            "aliases": list(v.aliases),
            "tickers": list(v.tickers),
        }
        for v in sorted(st.matcher.gazetteer.vendors.values(), key=lambda v: v.name.lower())
        if (kind is None or v.kind == kind) and (country is None or v.country == country.upper())
    ]
    emit(rows, fmt, ["name", "kind", "country", "parent", "tickers"], title=f"{len(rows)} vendors")


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A vendor's name or alias (any case).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this time.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """A vendor's profile: names, family, products, customers, suppliers, events, mentions.

    Aliases, kind, country, parent and subsidiaries; its catalog products; its customers and
    suppliers with their evidence counts (declared and reported apart); its latest events; the
    articles that mention it per week over the last 8 weeks.
    """
    show_vendor(state(ctx), name, fmt, as_of)


@app.command("candidates")
def candidates(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="At most this many names.")] = 50,
    min_count: Annotated[int, typer.Option(min=1, help="Seen at least this often.")] = 1,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Company-like names in stored articles that the gazetteer does not know, most seen first.

    Promote one with `tracker vendors add NAME --kind KIND`.
    """
    from tracker.store import user_data

    st = state(ctx)
    known = {
        form.casefold() for v in st.matcher.gazetteer.vendors.values() for form in v.surface_forms()
    }
    with st.store.session() as session:
        found = user_data.vendor_candidates(session, limit=limit * 2, min_count=min_count)
    rows = [
        {"name": name, "mentions": mentions, "articles": articles, "examples": examples}
        for name, mentions, articles, examples in found
        if name.casefold() not in known
    ][:limit]
    emit(
        rows,
        fmt,
        ["name", "mentions", "articles", "examples"],
        title=f"{len(rows)} unknown companies",
        rich_cells={"examples": lambda row: "\n".join(row["examples"][:2])},
    )


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The canonical short name people write.")],
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(sorted(KINDS))}.")],
    country: Annotated[str, typer.Option(help="ISO 3166 country code of the headquarters.")] = "",
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help="Another name (repeatable).")
    ] = None,
    parent: Annotated[str, typer.Option(help="Canonical name of its parent vendor.")] = "",
) -> None:
    """Add a company to the gazetteer (kept in the database); new articles will find it."""
    from tracker.store import user_data

    st = state(ctx)
    if kind not in KINDS:
        raise UsageError(f"vendors add: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    gazetteer = st.matcher.gazetteer
    existing = gazetteer.get(name)
    if existing is not None and existing.name != name:
        raise UsageError(f"vendors add: {name!r} already names {existing.name!r}")
    if parent and gazetteer.get(parent) is None:
        raise UsageError(f"vendors add: parent {parent!r} is not a known vendor")
    aliases = alias or []
    with st.store.session() as session:
        user_data.add_user_vendor(session, name, kind, country.upper(), aliases, parent)
        forgotten = user_data.forget_candidates(session, [name, *aliases])
    stderr.print(
        f"added vendor {name!r} ({kind}{', ' + country.upper() if country else ''})"
        + (f"; {forgotten} candidate mentions promoted" if forgotten else "")
    )
