"""`tracker catalog ...`: the hardware catalog and the user's own parts list."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.output import Format, dumps, emit, stderr, stdout
from tracker.cli.state import state
from tracker.errors import ParseError, UsageError

if TYPE_CHECKING:
    from tracker.catalog.products import Product

app = typer.Typer(
    help="The hardware catalog: list, show, import your parts list.", no_args_is_help=True
)

PARTS_COLUMNS = ("part_number", "name", "vendor", "category", "used_in")


def _row(p: Product) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "vendor": p.vendor,
        "category": p.category,
        "family": p.family,
        "parent": p.parent,
        "aliases": list(p.aliases),
        "part_numbers": list(p.part_numbers),
        "short_names": list(p.short_names),
        "makers": [{"role": m.role, "vendor": m.vendor, "product": m.product} for m in p.makers],
        "used_in": list(p.used_in),
        "origin": p.origin,
    }


@app.command("list")
def list_products(
    ctx: typer.Context,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    vendor: Annotated[str | None, typer.Option(help="Only this vendor's products.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """List catalog entries (the user's parts included, marked `user`)."""
    st = state(ctx)
    products = sorted(st.matcher.catalog.products.values(), key=lambda p: (p.category, p.id))
    rows = [
        _row(p)
        for p in products
        if (category is None or p.category == category)
        and (vendor is None or p.vendor.lower() == vendor.lower())
    ]
    for row in rows:
        row["makers"] = [f"{m['role']}: {m['vendor']}" for m in row["makers"]]
    emit(
        rows,
        fmt,
        ["id", "name", "vendor", "category", "part_numbers", "makers", "origin"],
        title=f"{len(rows)} catalog entries",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="A catalog id, name, alias or part number.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """One catalog entry: aliases, part numbers, who makes its parts, what uses it."""
    st = state(ctx)
    catalog = st.matcher.catalog
    product = catalog.get(key)
    if product is None:
        raise UsageError(f"catalog: no entry named {key!r} (try `tracker catalog list`)")
    row = _row(product)
    row["children"] = [c.id for c in catalog.children(product.id)]
    row["parts"] = [p.id for p in catalog.products.values() if product.id in p.used_in]
    if fmt == "json":
        stdout.file.write(dumps(row, indent=2) + "\n")
        return
    stdout.print(
        f"[bold]{product.name}[/bold]  ({product.id}, {product.category}, {product.vendor})"
    )
    for label, value in (
        ("family", product.family),
        ("parent", product.parent),
        ("aliases", ", ".join(product.aliases)),
        ("part numbers", ", ".join(product.part_numbers)),
        ("short names", ", ".join(product.short_names)),
        ("children", ", ".join(row["children"])),
        ("used in", ", ".join(product.used_in)),
        ("parts", ", ".join(row["parts"])),
    ):
        if value:
            stdout.print(f"  {label}: {value}")
    for maker in product.makers:
        stdout.print(
            f"  {maker.role}: {maker.vendor}" + (f" ({maker.product})" if maker.product else "")
        )


def read_parts(text: str, origin: str) -> list[dict[str, str]]:
    """Rows of a parts list CSV; ParseError with the line of the first bad row."""
    from tracker.catalog.products import CATEGORIES

    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("part_number", "category") if c not in header]
    if missing:
        raise ParseError(
            f"catalog import: {origin}: missing columns {missing}; "
            f"expected {', '.join(PARTS_COLUMNS)}"
        )
    rows: list[dict[str, str]] = []
    for line, raw in enumerate(reader, 2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not row.get("part_number"):
            raise ParseError(f"catalog import: {origin}:{line}: empty part_number")
        if row.get("category") not in CATEGORIES:
            raise ParseError(
                f"catalog import: {origin}:{line}: category {row.get('category')!r} is not one of "
                f"{', '.join(sorted(CATEGORIES))}"
            )
        rows.append(row)
    return rows


@app.command("import")
def import_parts(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV parts list.")],
) -> None:
    """Import your parts list: CSV with part_number, name, vendor, category, used_in.

    Your entries win over the bundled catalog: a part whose number or name is already in the
    catalog replaces that entry. `used_in` lists products separated by ";".
    """
    from tracker.store import user_data

    st = state(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"catalog import: {file}: not UTF-8 text ({exc.reason})") from exc
    rows = read_parts(text, str(file))
    gazetteer = st.matcher.gazetteer
    unknown = sorted(
        {r["vendor"] for r in rows if r.get("vendor") and gazetteer.get(r["vendor"]) is None}
    )
    added = updated = 0
    with st.store.session() as session:
        for row in rows:
            vendor = gazetteer.get(row.get("vendor", ""))
            is_new = user_data.upsert_user_part(
                session,
                row["part_number"],
                row.get("name") or row["part_number"],
                vendor.name if vendor else row.get("vendor", ""),
                row["category"],
                row.get("used_in", ""),
            )
            added += is_new
            updated += not is_new
    stderr.print(f"imported {added} new and {updated} updated parts from {file}")
    if unknown:
        stderr.print(
            f"note: vendors not in the gazetteer: {', '.join(unknown)} (`tracker vendors add`)"
        )
