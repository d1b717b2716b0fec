"""Output shared by the listing commands: table, JSON, JSON Lines or CSV on stdout."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.table import Table
from rich.text import Text


class _Console(Console):
    """A rich Console that measures the terminal (and ``COLUMNS``) each time it prints. rich
    reads ``COLUMNS`` once, when a console is made; ours are made when this module is first
    imported, which need not be in the environment a command prints in (tests run commands
    in environments of their own, one after another in one process)."""

    @property
    def size(self) -> ConsoleDimensions:
        """The console's width and height, measured now."""
        self._width = self._height = None
        return super().size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size


stdout = _Console(soft_wrap=False)
stderr = _Console(stderr=True)


class Format(StrEnum):
    """Output formats of listing commands."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class RecordFormat(StrEnum):
    """Output formats of commands that show one record."""

    table = "table"
    json = "json"


# The one declaration of --format, shared by every listing (and every one-record) command.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", help="table (for people), json (one array), jsonl (one object a line) or csv."
    ),
]
RecordFormatOption = Annotated[
    RecordFormat, typer.Option("--format", help="table (for people) or json (everything).")
]


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


# Columns cost 3 characters each beside their text (a border and a space either side), plus
# the table's last border.
_COLUMN_OVERHEAD = 3
# A token this long or longer (a URL, a path) may be folded: a column is not widened for it.
_FOLDABLE = 16


def _text_of(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def fit_widths(
    mins: Sequence[int], maxs: Sequence[int], room: int, floors: Sequence[int] | None = None
) -> list[int]:
    """Column widths that fill at most ``room`` characters: each column's ``maxs`` when they
    fit; else its ``mins`` (its longest word) plus a fair share of the rest (what it lacks,
    when that is less than the share); else, when even the words do not fit, the columns
    that may fold (a URL) go down to their ``floors`` first, then the widest are cut."""
    if sum(maxs) <= room:
        return list(maxs)
    widths = list(mins)
    if sum(mins) <= room:
        # Max-min fair: the columns that lack least are made whole first, then the others
        # share what is left evenly (a long text column takes the rest).
        spare = room - sum(mins)
        lacking = sorted(range(len(widths)), key=lambda i: maxs[i] - mins[i])
        for n, i in enumerate(lacking):
            give = min(maxs[i] - mins[i], spare // (len(lacking) - n))
            widths[i] += give
            spare -= give
        return widths
    lows = list(floors or mins)
    for low in (lows, [4] * len(widths)):
        while sum(widths) > room:
            cuttable = [i for i in range(len(widths)) if widths[i] > low[i]]
            if not cuttable:
                break
            widths[max(cuttable, key=lambda i: widths[i])] -= 1
    return widths


def make_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    width: int,
    tz: tzinfo | None = None,
    title: str | None = None,
    rich_cells: dict[str, Any] | None = None,
) -> Table:
    """The table of ``rows`` for a console ``width`` characters wide.

    Columns wrap between words, never inside one: each gets at least its longest word (a
    header's too), and the room left goes to the columns with the longest text. Only a
    token as long as a URL, or a table too narrow for its words, is folded.
    """
    cells = [
        [
            render(row)
            if (render := (rich_cells or {}).get(column))
            else _cell(row.get(column), tz)
            for column in columns
        ]
        for row in rows
    ]
    headers = [column.replace("_", " ") for column in columns]
    mins, maxs, floors, longest = [], [], [], []
    for i, header in enumerate(headers):
        texts = [_text_of(row[i]) for row in cells]
        words = [len(w) for t in texts for w in t.split()] or [0]
        longest.append(max(words))
        head = max(len(w) for w in header.split())
        floor = max([head, *(w for w in words if w < _FOLDABLE)])
        if longest[-1] >= _FOLDABLE:
            floor = max(floor, _FOLDABLE // 2)
        floors.append(floor)
        mins.append(max(floor, min(longest[-1], _FOLDABLE)))
        lines = [len(line) for t in texts for line in t.splitlines()] or [0]
        maxs.append(max(len(header), max(lines), mins[-1]))
    room = width - _COLUMN_OVERHEAD * len(columns) - 1
    widths = fit_widths(mins, maxs, max(room, len(columns)), floors)
    table = Table(title=title, show_lines=False, expand=False)
    for header, w, word in zip(headers, widths, longest, strict=True):
        table.add_column(header, width=w, overflow="fold" if word > w else "ellipsis")
    for row in cells:
        table.add_row(*row)
    return table


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    columns: Sequence[str],
    *,
    tz: tzinfo | None = None,
    title: str | None = None,
    rich_cells: dict[str, Any] | None = None,
) -> None:
    """Print ``rows`` in ``fmt``; a table shows ``columns``, JSON and CSV every key (an empty
    CSV is the header of ``columns``)."""
    if fmt is Format.json:
        sys.stdout.write(dumps(list(rows), indent=2) + "\n")
    elif fmt is Format.jsonl:
        write_jsonl(rows, sys.stdout)
    elif fmt is Format.csv:
        write_csv(rows, sys.stdout, columns)
    else:
        stdout.print(
            make_table(rows, columns, width=stdout.width, tz=tz, title=title, rich_cells=rich_cells)
        )


def write_jsonl(rows: Iterable[dict[str, Any]], out: Any) -> None:
    """One JSON object a line (JSON Lines), datetimes in ISO 8601 UTC."""
    for row in rows:
        out.write(dumps(row) + "\n")


def write_csv(
    rows: Iterable[dict[str, Any]], out: Any, columns: Sequence[str] | None = None
) -> None:
    """CSV with a header; lists joined by '; ', datetimes in ISO 8601 UTC. No rows: the
    header of ``columns`` alone (nothing without them)."""
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
    if writer is None and columns:
        csv.writer(out, lineterminator="\n").writerow(columns)
