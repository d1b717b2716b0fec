"""The `tracker` command: global options, error translation, and the command groups."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tracker.cli import (
    alerts,
    catalog,
    db,
    digest,
    evaluate,
    export,
    fetching,
    inspect,
    run,
    search,
    show,
    sources,
    vendors,
    web,
)
from tracker.cli import exposure as exposure_cli
from tracker.cli import graph as graph_cli
from tracker.cli.output import stderr
from tracker.cli.state import State, state
from tracker.cli.stopping import (
    forget_caught_interrupt,
    interrupted,
    stop_on_sigterm_like_sigint,
)
from tracker.config import DEFAULT_CONFIG, DEFAULT_DB_URL
from tracker.errors import TrackerError, UsageError

HELP_OPTIONS = ["-h", "--help"]


def _plain_flags(command: Any, parent: Any | None = None) -> None:
    """Show flags in help as flags: typer's help prints a ``<bool>`` beside each one (``--all
    <bool>``), as if it took a value. An empty metavar prints nothing; the help option, made
    on demand, is made here so that it gets one too."""
    ctx = typer.Context(command, parent=parent, info_name=command.name)
    options = [*command.params]
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        options.append(help_option)
    for option in options:
        if getattr(option, "is_flag", False) and option.metavar is None:
            option.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _plain_flags(sub, ctx)


class _Group(TyperGroup):
    """Turns TrackerError into a one-line message and an exit code (2 for bad queries)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # Here, not in __init__: typer adds the completion options after making the group.
        if not getattr(self, "_flags_plain", False):
            _plain_flags(self)
            self._flags_plain = True
        return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except TrackerError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            message = _database_problem(ctx, exc)
            if message is None:
                raise
            typer.echo(f"error: {message}", err=True)
            raise typer.Exit(1) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, State):
                obj.close()


def _database_problem(ctx: Any, exc: Exception) -> str | None:
    """One line for a database error that escaped a command (a damaged file, a full disk,
    a lock held too long), or None for anything else."""
    obj = ctx.obj
    if not isinstance(obj, State) or "sqlalchemy" not in sys.modules:
        return None
    from tracker.store.engine import database_problem

    return database_problem(exc, obj.db_url)


app = typer.Typer(
    cls=_Group,
    help="Self-hosted supply-chain and vendor news tracker.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": HELP_OPTIONS},
)
app.add_typer(sources.app, name="sources")
app.add_typer(vendors.app, name="vendors")
app.add_typer(catalog.app, name="catalog")
app.add_typer(db.app, name="db")
app.add_typer(digest.app, name="digest")
app.add_typer(alerts.app, name="alerts")
app.command("eval")(evaluate.eval_command)
app.add_typer(export.app, name="export")
app.command()(fetching.fetch)
app.command()(fetching.demo)
app.command()(run.run)
app.command()(search.search)
app.command()(show.show)
app.command()(inspect.inspect)
app.command()(exposure_cli.exposure)
app.add_typer(graph_cli.app, name="graph")
app.command()(web.serve)
app.add_typer(web.app, name="web")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"tracker {version('tracker')}")
        raise typer.Exit()


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
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
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


def main() -> None:
    """Entry point of the `tracker` script."""
    # SIGTERM stops a command the way Ctrl-C does: the pool of workers is shut down, what
    # is stored stays, no traceback, exit code 130.
    stop_on_sigterm_like_sigint()
    try:
        app(prog_name="tracker")
    except SystemExit as exc:
        if interrupted() and exc.code in (0, None):  # after the last safe point
            stderr.print("interrupted")
            raise SystemExit(130) from None
        raise
    finally:
        forget_caught_interrupt()


__all__ = ["app", "main"]
