"""The `tracker` command: global options, error translation, and the command groups."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tracker.cli import (
    catalog,
    db,
    digest,
    evaluate,
    fetching,
    inspect,
    run,
    search,
    sources,
    vendors,
)
from tracker.cli import exposure as exposure_cli
from tracker.cli import graph as graph_cli
from tracker.cli.output import dumps, stderr, write_csv
from tracker.cli.state import State, state
from tracker.config import DEFAULT_CONFIG, DEFAULT_DB_URL
from tracker.errors import TrackerError, UsageError


class _Group(TyperGroup):
    """Turns TrackerError into a one-line message and an exit code (2 for bad queries)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except TrackerError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, State):
                obj.close()


app = typer.Typer(
    cls=_Group,
    help="Self-hosted supply-chain and vendor news tracker.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)
app.add_typer(sources.app, name="sources")
app.add_typer(vendors.app, name="vendors")
app.add_typer(catalog.app, name="catalog")
app.add_typer(db.app, name="db")
app.add_typer(digest.app, name="digest")
app.command("eval")(evaluate.eval_command)
app.add_typer(export_app, name="export")
app.command()(fetching.fetch)
app.command()(fetching.demo)
app.command()(run.run)
app.command()(search.search)
app.command()(inspect.inspect)
app.command()(exposure_cli.exposure)
app.add_typer(graph_cli.app, name="graph")


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="TRACKER_CONFIG",
            help=f"Configuration file [default: {DEFAULT_CONFIG}]",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str,
        typer.Option("--db", envvar="TRACKER_DATABASE_URL", help="Database URL."),
    ] = DEFAULT_DB_URL,
) -> None:
    """Self-hosted supply-chain and vendor news tracker."""
    ctx.obj = State(
        config_path=config or DEFAULT_CONFIG,
        db_url=db,
        is_config_explicit=config is not None,
    )


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database schema, or upgrade it to this version's."""
    from tracker.store.engine import make_engine, upgrade

    st = state(ctx)
    engine = make_engine(st.db_url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        stderr.print(f"schema is up to date (revision {after})")
    elif before is None:
        stderr.print(f"created schema (revision {after})")
    else:
        stderr.print(f"upgraded schema from revision {before} to {after}")


class ExportFormat(StrEnum):
    """Formats of `tracker export articles`."""

    jsonl = "jsonl"
    csv = "csv"


@export_app.command("articles")
def export_articles_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Published on or after (date, time, 7d).")
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.jsonl,
) -> None:
    """One record per stored article: id, url, title, sources, times, vendors, products,
    relations, events."""
    from tracker.store.reports import export_articles

    st = state(ctx)
    start = search.parse_when(since, "--since")
    with st.store.session() as session:
        records = export_articles(session, start)
        if fmt is ExportFormat.csv:
            write_csv(records, sys.stdout)
        else:
            for record in records:
                sys.stdout.write(dumps(record) + "\n")


def main() -> None:
    """Entry point of the `tracker` script."""
    app(prog_name="tracker")


__all__ = ["app", "main"]
