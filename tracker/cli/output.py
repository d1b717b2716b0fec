"""Output shared by the listing commands: table, JSON or CSV on stdout."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

stdout = Console(soft_wrap=False)
stderr = Console(stderr=True)


class Format(StrEnum):
    """Output formats of listing commands."""

    table = "table"
    json = "json"
    csv = "csv"


def to_local(value: datetime | None, tz: tzinfo | None) -> datetime | None:
    """``value`` in the display timezone (None: the system's local zone)."""
    if value is None:
        return None
    return value.astimezone(tz) if tz is not None else value.astimezone()


def show_time(value: datetime | None, tz: tzinfo | None) -> str:
    """A time for people: local, to the minute, with the zone's abbreviation."""
    local = to_local(value, tz)
    return local.strftime("%Y-%m-%d %H:%M %Z") if local else ""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text for machines: UTF-8, datetimes as ISO 8601 in UTC."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, indent=indent)


def _cell(value: Any, tz: tzinfo | None) -> str:
    if isinstance(value, datetime):
        return show_time(value, tz)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
    *,
    tz: tzinfo | None = None,
    title: str | None = None,
    rich_cells: dict[str, Any] | None = None,
) -> None:
    """Print ``rows`` in ``fmt``; a table shows ``columns``, JSON and CSV every key."""
    if fmt is Format.json:
        sys.stdout.write(dumps(list(rows), indent=2) + "\n")
    elif fmt is Format.csv:
        write_csv(rows, sys.stdout)
    else:
        table = Table(title=title, show_lines=False, expand=False)
        for column in columns:
            table.add_column(column.replace("_", " "), overflow="fold")
        for row in rows:
            cells: list[str | Text] = []
            for column in columns:
                render = (rich_cells or {}).get(column)
                cells.append(render(row) if render else _cell(row.get(column), tz))
            table.add_row(*cells)
        stdout.print(table)


def write_csv(rows: Iterable[dict[str, Any]], out: Any) -> None:
    """CSV with a header; lists joined by '; ', datetimes in ISO 8601 UTC."""
    writer: csv.DictWriter[str] | None = None
    for row in rows:
        flat = {
            k: "; ".join(map(str, v))
            if isinstance(v, list | tuple)
            else _json_default(v)
            if isinstance(v, datetime)
            else v
            for k, v in row.items()
        }
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(flat), lineterminator="\n")
            writer.writeheader()
        writer.writerow(flat)
