"""`tracker catalog ...`: the hardware catalog and the user's own parts list."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.output import (
    Format,
    FormatOption,
    RecordFormat,
    RecordFormatOption,
    dumps,
    emit,
    stderr,
    stdout,
)
from tracker.cli.state import state
from tracker.errors import ParseError, UsageError

if TYPE_CHECKING:
    from tracker.catalog.parts import PartRow
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
    fmt: FormatOption = Format.table,
) -> None:
    """List catalog entries (the user's parts included, marked `user`)."""
    from tracker.catalog.products import CATEGORIES

    st = state(ctx)
    if category is not None and category not in CATEGORIES:
        raise UsageError(
            f"catalog list --category: {category!r} is not one of {', '.join(sorted(CATEGORIES))}"
        )
    if vendor is not None:
        vendor = st.vendor_names().resolve(vendor, "catalog list --vendor")
    products = sorted(st.extractor.catalog.products.values(), key=lambda p: (p.category, p.id))
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
    fmt: RecordFormatOption = RecordFormat.table,
) -> None:
    """One catalog entry: aliases, part numbers, who makes its parts, what uses it."""
    from tracker.catalog.names import product_names

    st = state(ctx)
    catalog = st.extractor.catalog
    product = catalog.products[product_names(catalog).resolve(key, "catalog show")]
    row = _row(product)
    row["children"] = [c.id for c in catalog.children(product.id)]
    row["parts"] = [p.id for p in catalog.products.values() if product.id in p.used_in]
    if fmt is RecordFormat.json:
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
    """Rows of a parts list CSV; ParseError with the line of the first bad row. A blank
    category is allowed (an import keeps the catalog entry's)."""
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
        category = row.get("category", "")
        if category and category not in CATEGORIES:
            raise ParseError(
                f"catalog import: {origin}:{line}: category {category!r} is not one of "
                f"{', '.join(sorted(CATEGORIES))}"
            )
        rows.append({**row, "line": str(line)})
    return rows


def _part_row(row: dict[str, str]) -> PartRow:
    from tracker.catalog.parts import PartRow

    return PartRow(
        row["part_number"],
        row.get("name", ""),
        row.get("vendor", ""),
        row.get("category", ""),
        tuple(u.strip() for u in row.get("used_in", "").split(";") if u.strip()),
    )


@app.command("import")
def import_parts(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV parts list.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the import would change; write nothing.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Import your parts list: CSV with part_number, name, vendor, category, used_in.

    A part whose number (or name) is in the catalog updates that entry, which keeps its id:
    a blank field keeps what the entry has, `used_in` lists (products separated by ";") are
    joined, and a name you change stays an alias. Importing again updates your parts the same
    way. A row naming one entry by part number and another by name, or a new part without a
    category, is refused (exit code 1; the other rows are imported).
    """
    from tracker.catalog.parts import plan_import
    from tracker.store import user_data

    st = state(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"catalog import: {file}: not UTF-8 text ({exc.reason})") from exc
    rows = [(int(raw["line"]), _part_row(raw)) for raw in read_parts(text, str(file))]
    gazetteer = st.extractor.gazetteer
    resolved = [
        (line, replace(row, vendor=vendor.name))
        if row.vendor and (vendor := gazetteer.get(row.vendor)) is not None
        else (line, row)
        for line, row in rows
    ]
    unknown = sorted({r.vendor for _, r in rows if r.vendor and gazetteer.get(r.vendor) is None})
    with st.store.session() as session:
        changes = plan_import(st.extractor.catalog, user_data.stored_parts(session), resolved)
        if not dry_run:
            for change in changes:
                if change.action in ("new", "updated") and change.row is not None:
                    user_data.save_user_part(session, change.row)
    counts = Counter(c.action for c in changes)
    tally = ", ".join(f"{counts[a]} {a}" for a in ("new", "updated", "unchanged", "refused"))
    if dry_run:
        emit(
            [
                {
                    "line": c.line,
                    "part_number": c.part_number,
                    "action": c.action,
                    "entry": c.entry,
                    "changes": list(c.details),
                }
                for c in changes
            ],
            fmt,
            ["line", "part_number", "action", "entry", "changes"],
            title=f"catalog import {file} (dry run)",
            rich_cells={"changes": lambda row: "\n".join(row["changes"])},
        )
        stderr.print(
            f"dry run: would import {tally} parts from {file}; nothing written", soft_wrap=True
        )
    else:
        for change in changes:
            if change.action == "refused":
                stderr.print(
                    f"refused {file}:{change.line}: {change.part_number}: {change.details[0]}",
                    soft_wrap=True,
                )
        stderr.print(f"imported {tally} parts from {file}", soft_wrap=True)
    if unknown:
        stderr.print(
            f"note: vendors not in the gazetteer: {', '.join(unknown)} (`tracker vendors add`)"
        )
    if counts["refused"] and not dry_run:
        raise typer.Exit(1)
