"""`tracker export articles`: every stored article as JSON Lines, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import IO, Annotated, Any

import typer

from tracker.cli.output import dumps
from tracker.cli.search import parse_when
from tracker.cli.state import state

app = typer.Typer(help="Export stored data.", no_args_is_help=True)


class ExportFormat(StrEnum):
    """Formats of `tracker export articles`."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def csv_cell(value: Any) -> Any:
    """A CSV cell: lists and records as compact JSON (one parse gives them back), times in
    ISO 8601 UTC as in JSON, other values as they are."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_iso)
    if isinstance(value, datetime):
        return _iso(value)
    return value


def write_records(
    records: Iterable[dict[str, Any]], fmt: ExportFormat, fields: Iterable[str], out: IO[str]
) -> int:
    """Write ``records`` to ``out`` as they come (none is held back); the number written.
    CSV starts with the header even when there are no records; JSON is one array."""
    count = 0
    if fmt is ExportFormat.csv:
        writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: csv_cell(v) for k, v in record.items()})
            count += 1
    elif fmt is ExportFormat.json:
        out.write("[")
        for record in records:
            out.write(("," if count else "") + "\n" + dumps(record))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        for record in records:
            out.write(dumps(record) + "\n")
            count += 1
    return count


@app.command("articles")
def articles(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Published on or after (date, time, 7d).")
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="jsonl (one JSON object a line), json (one array) or csv (lists and records "
            "in cells as JSON).",
        ),
    ] = ExportFormat.jsonl,
) -> None:
    """One record per stored article, oldest first: id, url, title, sources, times, vendors,
    products, relations, events."""
    from tracker.store.reports import EXPORT_FIELDS, export_articles

    st = state(ctx)
    start = parse_when(since, "--since")
    with st.stored.session() as session:
        write_records(export_articles(session, start), fmt, EXPORT_FIELDS, sys.stdout)


@app.command("labels")
def labels(ctx: typer.Context) -> None:
    """The reviewed articles as labelled records of `tracker eval` (JSON Lines): each article
    an analyst judged anything in, with what the extraction found less what was rejected
    (confirmed relations as confirmed), and the verdicts under ``reviews``."""
    from tracker.store.review import reviewed_articles

    st = state(ctx)
    with st.stored.session() as session:
        count = write_records(reviewed_articles(session), ExportFormat.jsonl, (), sys.stdout)
    typer.echo(f"{count} reviewed articles", err=True)


__all__ = ["ExportFormat", "app", "write_records"]
