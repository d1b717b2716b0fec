"""`tracker vendors ...`: the gazetteer, unknown company names, and adding vendors."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tracker.catalog.gazetteer import KINDS
from tracker.cli.exposure import show_vendor
from tracker.cli.output import Format, FormatOption, emit, stderr
from tracker.cli.state import state
from tracker.errors import UsageError

app = typer.Typer(
    help="The vendor gazetteer: list, show, unknown candidates, add, edit, remove.",
    no_args_is_help=True,
)


@app.command("list")
def list_vendors(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="Only this kind (foundry, ems, oem...).")] = None,
    country: Annotated[str | None, typer.Option(help="Only this country (ISO code).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the vendors the extraction knows, with their kind, country and aliases."""
    st = state(ctx)
    if kind is not None and kind not in KINDS:
        raise UsageError(f"vendors list --kind: {kind!r} is not one of {', '.join(sorted(KINDS))}")
    rows: list[dict[str, Any]] = [
        {
            "name": v.name,
            "kind": v.kind,
            "country": v.country,
            "parent": v.parent,
            "aliases": list(v.aliases),
            "tickers": list(v.tickers),
        }
        for v in sorted(st.extractor.gazetteer.vendors.values(), key=lambda v: v.name.lower())
        if (kind is None or v.kind == kind) and (country is None or v.country == country.upper())
    ]
    emit(rows, fmt, ["name", "kind", "country", "parent", "tickers"], title=f"{len(rows)} vendors")


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A vendor's name or alias (any case).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this time.")] = None,
    fmt: FormatOption = Format.table,
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
    fmt: FormatOption = Format.table,
) -> None:
    """Company-like names in stored articles that the gazetteer does not know, most seen first.

    Promote one with `tracker vendors add NAME --kind KIND`.
    """
    from tracker.store import user_data

    st = state(ctx)
    store = st.stored
    vendors = st.extractor.gazetteer.vendors.values()
    known = {form.casefold() for v in vendors for form in v.surface_forms()}
    with store.session() as session:
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
    kind: Annotated[
        str | None,
        typer.Option(help=f"One of: {', '.join(sorted(KINDS))} (a new vendor needs one)."),
    ] = None,
    country: Annotated[str, typer.Option(help="ISO 3166 country code of the headquarters.")] = "",
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help="Another name (repeatable).")
    ] = None,
    parent: Annotated[str, typer.Option(help="Canonical name of its parent vendor.")] = "",
) -> None:
    """Add a company to the gazetteer (kept in the database), or more names to one it knows.

    A known vendor keeps its kind, country and parent and gains the new aliases; a name
    that already belongs to another vendor is refused. The stored articles that contain one
    of its names are extracted again, so that searches find the vendor in them at once.
    """
    from dataclasses import replace

    from tracker.catalog.gazetteer import plan_addition
    from tracker.store import user_data
    from tracker.store.retag import retag

    st = state(ctx)
    recipe = st.recipe()
    gazetteer = st.extractor.gazetteer
    with st.store.session() as session:
        existing = gazetteer.get(name.strip())
        stored = user_data.user_vendor(session, existing.name) if existing else None
        addition = plan_addition(
            gazetteer,
            name,
            kind=kind,
            country=country,
            aliases=alias or [],
            parent=parent,
            stored=stored,
        )
        row = addition.row
        if not addition.changes:
            stderr.print(f"vendor {row['name']!r} already has these names; nothing changed")
            return
        user_data.save_user_vendor(session, row)
        names = [row["name"], *addition.new_aliases]
        promoted = user_data.forget_candidates(session, names)
        extractor = replace(recipe, extra_vendors=tuple(user_data.user_vendors(session))).build()
        vendor = extractor.gazetteer.vendors[row["name"]]
        done = retag(
            session, extractor, vendor.surface_forms() if addition.is_new else addition.new_aliases
        )
    if addition.is_new:
        facts = ", ".join(filter(None, [vendor.kind, vendor.country]))
        what = f"added vendor {vendor.name!r} ({facts})"
    else:
        changes = [f"alias {a!r} added" for a in addition.new_aliases]
        changes += [f"{field} set to {row[field]!r}" for field in addition.filled]
        what = f"vendor {vendor.name!r}: {', '.join(changes)}"
    if promoted:
        what += f"; {promoted} candidate mentions promoted"
    if done.examined:
        what += f"; re-tagged {done.changed} stored articles (of {done.examined} with its names)"
    else:
        what += "; no stored article contains its names"
    stderr.print(what, soft_wrap=True, highlight=False)


def _retag_after(session: Any, recipe: Any, forms: list[str]) -> str:
    """Extract again the stored articles naming one of ``forms``, with the user's vendors as
    they now are; what it did, said for a message."""
    from dataclasses import replace

    from tracker.store import user_data
    from tracker.store.retag import retag

    extractor = replace(recipe, extra_vendors=tuple(user_data.user_vendors(session))).build()
    done = retag(session, extractor, forms)
    if done.examined:
        return f"re-tagged {done.changed} stored articles (of {done.examined} with its names)"
    return "no stored article contains its names"


def _gazetteers(st: Any) -> tuple[Any, Any]:
    """The gazetteer with the user's vendors, and the file's alone."""
    from tracker.catalog.gazetteer import load_gazetteer

    return st.extractor.gazetteer, load_gazetteer(st.recipe().vendors_file)


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A vendor added with `vendors add` (or alias).")],
    kind: Annotated[str | None, typer.Option(help="Its new kind.")] = None,
    country: Annotated[str | None, typer.Option(help="Its new country ('' for none).")] = None,
    parent: Annotated[str | None, typer.Option(help="Its new parent ('' for none).")] = None,
    drop_alias: Annotated[
        list[str] | None,
        typer.Option("--drop-alias", help="Forget an alias you added (repeatable)."),
    ] = None,
) -> None:
    """Change a vendor you added: its kind, country or parent, or drop aliases you gave it.

    A vendor of the gazetteer file keeps what the file says; only the aliases you gave it
    can be dropped (and a country or parent it lacks filled in). The stored articles that
    contain its names are extracted again.
    """
    from tracker.catalog.gazetteer import plan_edit
    from tracker.store import user_data

    st = state(ctx)
    gazetteer, bundled = _gazetteers(st)
    with st.store.session() as session:
        found = gazetteer.get(name.strip())
        stored = user_data.user_vendor(session, found.name) if found else None
        row = plan_edit(
            gazetteer,
            bundled,
            stored,
            name,
            kind=kind,
            country=country,
            parent=parent,
            drop_aliases=drop_alias or [],
        )
        assert found is not None
        assert stored is not None
        if row == stored:
            stderr.print(f"vendor {found.name!r}: nothing changed")
            return
        user_data.save_user_vendor(session, row)
        changes = [f"{key} set to {row[key]!r}" for key in ("kind", "country", "parent")
                   if row.get(key) != stored.get(key)]  # fmt: skip
        changes += [f"alias {a!r} dropped" for a in stored["aliases"] if a not in row["aliases"]]
        done = _retag_after(session, st.recipe(), list(found.surface_forms()))
    stderr.print(
        f"vendor {found.name!r}: {', '.join(changes)}; {done}", soft_wrap=True, highlight=False
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A vendor added with `vendors add` (or alias).")],
) -> None:
    """Remove a vendor you added, or the aliases you gave one of the gazetteer file.

    The stored articles that contain its names are extracted again, so it leaves search,
    reports and digests at once.
    """
    from tracker.catalog.gazetteer import plan_removal
    from tracker.store import user_data

    st = state(ctx)
    gazetteer, bundled = _gazetteers(st)
    with st.store.session() as session:
        found = gazetteer.get(name.strip())
        stored = user_data.user_vendor(session, found.name) if found else None
        vendor, forms = plan_removal(gazetteer, bundled, stored, name)
        user_data.delete_user_vendor(session, vendor.name)
        done = _retag_after(session, st.recipe(), forms)
    if vendor.name in bundled.vendors:
        what = f"vendor {vendor.name!r}: the aliases you gave it removed ({', '.join(forms)})"
    else:
        what = f"removed vendor {vendor.name!r}"
    stderr.print(f"{what}; {done}", soft_wrap=True, highlight=False)
