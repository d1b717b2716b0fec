"""The user's parts list: its rows, how a new row merges into a stored one, and what an
import changes in the catalog (pure: the CLI reads the file and the store keeps the rows)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from tracker.catalog.products import Catalog, Product, user_product


@dataclass(frozen=True, slots=True)
class PartRow:
    """One part of the user's list; a blank field says nothing (it keeps what is known)."""

    part_number: str
    name: str = ""
    vendor: str = ""
    category: str = ""
    used_in: tuple[str, ...] = ()

    def product(self) -> Product:
        """The catalog entry this row states."""
        return user_product(
            self.part_number, self.name, self.vendor, self.category, ";".join(self.used_in)
        )


def merge_rows(stored: PartRow | None, row: PartRow) -> PartRow:
    """``row`` over the row stored for its part number: blank fields keep the stored values,
    ``used_in`` lists are joined."""
    if stored is None:
        return row
    return PartRow(
        part_number=stored.part_number,
        name=row.name or stored.name,
        vendor=row.vendor or stored.vendor,
        category=row.category or stored.category,
        used_in=tuple(dict.fromkeys((*stored.used_in, *row.used_in))),
    )


@dataclass(frozen=True, slots=True)
class PartChange:
    """What one row of an import does."""

    line: int
    part_number: str
    action: str  # new | updated | unchanged | refused
    entry: str = ""  # the catalog id it makes or changes
    details: tuple[str, ...] = ()  # "name: 'A' -> 'B'", "used_in: + X"; why, when refused
    row: PartRow | None = None  # the row to store (merged with the stored one)


_SCALARS = ("name", "vendor", "category")
_LISTS = ("aliases", "part_numbers", "short_names", "used_in")


def _differences(before: Product, after: Product) -> tuple[str, ...]:
    found = [
        f"{field}: {getattr(before, field)!r} -> {getattr(after, field)!r}"
        for field in _SCALARS
        if getattr(before, field) != getattr(after, field)
    ]
    for field in _LISTS:
        added = [x for x in getattr(after, field) if x not in getattr(before, field)]
        if added:
            found.append(f"{field}: + {', '.join(added)}")
    return tuple(found)


def plan_import(
    catalog: Catalog, stored: Mapping[str, PartRow], rows: Iterable[tuple[int, PartRow]]
) -> list[PartChange]:
    """What importing ``rows`` (line, row) does to ``catalog`` (the user's stored parts
    already merged in), row by row, each seeing the ones before it.

    A row whose part number is the catalog's updates that entry (or leaves it unchanged); a
    row naming one entry by part number and another by name is refused, as is a new part
    without a category. Nothing is written: the caller stores the rows of the changes.
    """
    current = Catalog(dict(catalog.products))
    known = dict(stored)
    changes: list[PartChange] = []
    for line, row in rows:
        merged = merge_rows(known.get(row.part_number), row)
        product = merged.product()
        before = current.match(product)
        by_number = current.get(row.part_number)
        by_name = current.get(row.name) if row.name else None
        if by_number is not None and by_name is not None and by_number.id != by_name.id:
            reason = (
                f"{row.part_number} is a part number of {by_number.id} but {row.name!r} names "
                f"{by_name.id}"
            )
            changes.append(PartChange(line, row.part_number, "refused", by_number.id, (reason,)))
            continue
        if before is None and not merged.category:
            reason = "a new part needs a category"
            changes.append(PartChange(line, row.part_number, "refused", "", (reason,)))
            continue
        after = current.apply(product)
        current.products[after.id] = after
        known[row.part_number] = merged
        if before is None:
            facts = (f"{after.name} ({', '.join(filter(None, [after.vendor, after.category]))})",)
            changes.append(PartChange(line, row.part_number, "new", after.id, facts, merged))
            continue
        differences = _differences(before, after)
        unchanged = not differences and replace(after, origin=before.origin) == before
        action = "unchanged" if unchanged and merged == stored.get(row.part_number) else "updated"
        if action == "updated" and not differences:
            differences = ("same as the catalog entry; now in your parts list",)
        changes.append(PartChange(line, row.part_number, action, after.id, differences, merged))
    return changes
