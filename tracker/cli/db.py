"""`tracker db copy`: move a database to another engine."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.output import Format, FormatOption, emit, stderr
from tracker.errors import StoreError

app = typer.Typer(
    help="Database maintenance: copy between SQLite and PostgreSQL.", no_args_is_help=True
)


@app.command("copy")
def copy(
    source: Annotated[str, typer.Option("--from", help="Database URL to read.")],
    target: Annotated[str, typer.Option("--to", help="Database URL to fill (must be empty).")],
    fmt: FormatOption = Format.table,
) -> None:
    """Copy every row from one database to another, then verify the counts.

    Example: tracker db copy --from sqlite:///tracker.db --to postgresql+psycopg://user@host/db
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from tracker.store.copy import copy_database, source_counts

    totals = source_counts(source)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=stderr
    ) as progress:
        tasks = {name: progress.add_task(name, total=count) for name, count in totals.items()}

        def advance(table: str, copied: int) -> None:
            progress.update(tasks[table], completed=copied)

        counts = copy_database(source, target, advance)
    rows = [
        {"table": c.table, "source_rows": c.source_rows, "target_rows": c.target_rows,
         "complete": c.is_complete}
        for c in counts
    ]  # fmt: skip
    emit(rows, fmt, ["table", "source_rows", "target_rows", "complete"], title="Copied")
    missing = [c.table for c in counts if not c.is_complete]
    if missing:
        raise StoreError(f"store: copy: row counts differ in {', '.join(missing)}")
    stderr.print(f"copied {sum(c.target_rows for c in counts):,} rows in {len(counts)} tables")
