"""`tracker fetch` and `tracker demo`: run the pipeline with a progress bar and a summary."""

from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.output import Format, FormatOption, dumps, emit, show_time, stderr, stdout
from tracker.cli.state import State, state
from tracker.config import SourceSpec
from tracker.errors import ConfigError
from tracker.query import parse_query

if TYPE_CHECKING:
    from tracker.ingest.pipeline import RunSummary, SourceOutcome
    from tracker.ingest.work import CpuPool
    from tracker.store.tables import Source

EXIT_SOURCES_FAILED = 3
DEMO_PLACEHOLDER = "{fixtures}"


def sync_declared_sources(st: State, specs: tuple[SourceSpec, ...], base_url: str = "") -> None:
    """Add the sources the configuration declares (``{fixtures}`` becomes ``base_url``)."""
    from tracker.store import sources as store_sources

    with st.store.session() as session:
        for spec in specs:
            if DEMO_PLACEHOLDER in spec.url and not base_url:
                continue  # only `tracker demo` knows where the sample site is served
            url = spec.url.replace(DEMO_PLACEHOLDER, base_url)
            store_sources.upsert_source(
                session, spec.name, url, spec.kind, selector=spec.selector, xpath=spec.xpath
            )


@dataclass(slots=True)
class Selection:
    """The sources a fetch takes, and the enabled ones it leaves for later."""

    chosen: list[Source]
    not_due: list[Source] = field(default_factory=list)


def select_sources(st: State, names: list[str] | None, *, everything: bool) -> Selection:
    """The named sources, or every enabled one (``everything``), or the enabled ones due."""
    from tracker.store import fetchstate
    from tracker.store import sources as store_sources

    with st.store.session() as session:
        every = store_sources.all_sources(session)
        due_ids = {s.id for s in fetchstate.due_sources(session, datetime.now(UTC))}
    if names:
        by_name = {s.name: s for s in every}
        return Selection([by_name[n] for n in st.source_names().resolve_all(names, "fetch")])
    enabled = [s for s in every if s.is_enabled]
    if everything:
        return Selection(enabled)
    return Selection(
        [s for s in enabled if s.id in due_ids], [s for s in enabled if s.id not in due_ids]
    )


def run_fetch(st: State, names: list[str] | None, *, everything: bool = True) -> RunSummary:
    """Fetch the named sources (or the enabled ones) with a progress bar on stderr."""
    from tracker.ingest.work import CpuPool

    selection = select_sources(st, names, everything=everything)
    chosen = selection.chosen
    # The workers import their libraries while this process builds the extractor: they
    # are ready before the first page arrives (issue 18).
    cpu = CpuPool(None, st.settings.fetch.workers)
    if chosen:
        cpu.start()
    try:
        return _run_fetch(st, selection, cpu)
    finally:
        cpu.shutdown()  # a no-op once the run stopped it; else the workers of a failed start


def _run_fetch(st: State, selection: Selection, cpu: CpuPool) -> RunSummary:
    import asyncio

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from tracker.cli.stopping import raise_if_interrupted
    from tracker.ingest.pipeline import fetch_sources

    chosen = selection.chosen
    if selection.not_due:
        upcoming = min(s.next_attempt_at for s in selection.not_due if s.next_attempt_at)
        stderr.print(
            f"{len(selection.not_due)} sources not due yet (next at "
            f"{show_time(upcoming, st.settings.tzinfo())}); `tracker fetch --all` fetches them now"
        )
    if not chosen and not selection.not_due:
        stderr.print("no sources to fetch: add one with `tracker sources add URL`")
    extractor = st.extractor
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task("fetching sources", total=len(chosen))

        def hook(event: str, outcome: SourceOutcome | None) -> None:
            if event == "source_done":
                progress.advance(task)

        raise_if_interrupted()  # one dropped while the extractor was built
        summary = asyncio.run(fetch_sources(st.store, st.settings, extractor, chosen, hook, cpu))
    raise_if_interrupted()
    prune_after_fetch(st)
    return summary


# A run of `tracker fetch` prunes at most this many batches of the fetch log (by cron, runs
# come often enough to keep up: a batch is 5,000 rows); `tracker run` prunes hourly.
FETCH_PRUNE_BATCHES = 20


def prune_after_fetch(st: State) -> None:
    """Trim the fetch log to ``[schedule] fetch_log_days`` after a run, a bounded amount,
    fold the day tallies' change rows (PostgreSQL) and refresh the link summary."""
    from tracker.store.fetchstate import prune_fetch_log
    from tracker.store.tallies import compact_vendor_days, refresh_relation_links

    days = st.settings.schedule.fetch_log_days
    prune_fetch_log(
        st.store.engine,
        datetime.now(UTC) - timedelta(days=days),
        max_batches=FETCH_PRUNE_BATCHES,
    )
    compact_vendor_days(st.store.engine)
    refresh_relation_links(st.store.engine)


def _outcome_row(o: SourceOutcome) -> dict[str, Any]:
    return {
        "source": o.name,
        "status": o.status,
        "entries": o.entries,
        "new": o.new,
        "linked": o.linked,
        "already_seen": o.seen,
        "summary_only": o.summary_only,
        "skipped": o.skipped,
        "error_class": o.error_class,
        "error": o.error,
        "updated": o.updated,
        "http_status": o.http_status,
        "elapsed_s": round(o.elapsed_s, 3),
        "next_attempt_at": o.next_attempt_at,
        "warnings": o.warnings,
    }


def print_summary(summary: RunSummary, fmt: Format, st: State) -> None:
    """The run's result: one row per source, then the totals on stderr."""
    rows = [_outcome_row(o) for o in summary.outcomes]
    if fmt is Format.json:
        payload = {
            "ok": not summary.failed,
            "sources": rows,
            "new_articles": summary.new,
            "linked": summary.linked,
            "failed_sources": [o.name for o in summary.failed],
        }
        payload["updated"] = sum(o.updated for o in summary.outcomes)
        stdout.file.write(dumps(payload, indent=2) + "\n")
        return
    emit(
        rows,
        fmt,
        ["source", "status", "entries", "new", "linked", "already_seen", "error"],
        title="Fetch summary",
    )
    for o in summary.outcomes:
        for warning in o.warnings:
            stderr.print(f"{o.name}: {warning}", soft_wrap=True, highlight=False, markup=False)
    failed = len(summary.failed)
    stderr.print(
        f"{len(summary.outcomes) - failed} of {len(summary.outcomes)} sources fetched, "
        f"{summary.new} new articles, {summary.linked} linked to another source's copy"
        + (f", {failed} failed" if failed else "")
    )


def fetch(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Fetch only this source (repeatable)."),
    ] = None,
    fmt: FormatOption = Format.table,
    everything: Annotated[
        bool, typer.Option("--all", help="Fetch every enabled source, due or not.")
    ] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print where the time went (JSON, on stderr).")
    ] = False,
) -> None:
    """Fetch every due source (or the named ones), extract and store new articles.

    A source is due when its interval (or its backoff after failures) has passed; a new
    source is due at once. Exit code 3 when some sources failed; everything else is stored.
    """
    st = state(ctx)
    sync_declared_sources(st, st.settings.sources)
    summary = run_fetch(st, source, everything=everything)
    print_summary(summary, fmt, st)
    if timings:
        stderr.file.write("timings " + json.dumps(summary.timings.as_dict()) + "\n")
    if summary.failed:
        raise typer.Exit(EXIT_SOURCES_FAILED)


def _serve_site(stack: ExitStack, site: Path, port: int) -> str:
    """Serve the sample site on ``port`` (else on a free port, with a note); its base URL."""
    from tracker.devserver import serve_directory

    try:
        return stack.enter_context(serve_directory(site, port=port))
    except OSError as exc:
        if not port:
            raise
        base_url = stack.enter_context(serve_directory(site))
        stderr.print(
            f"note: port {port} is taken ({exc.strerror}); serving on a free port for this run, "
            "and the demo's sources point there until a run gets the port back",
            soft_wrap=True,
        )
        return base_url


def demo(
    ctx: typer.Context,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Keep serving the sample site after the run, until Ctrl-C, so that "
            "`tracker fetch` works on the demo's database from another shell.",
        ),
    ] = False,
) -> None:
    """Run the main job once on the bundled offline sample site.

    Serves the sample site from the config's [demo] site_dir on 127.0.0.1 ([demo] port,
    28413 unless set; a free one when it is taken), fetches the sources the config names,
    then prints a summary and an example search. The site is served while the demo runs
    (with --serve, until Ctrl-C); the sources stay stored with its address, so a fetch of
    the demo's database works whenever a demo serves it again.
    """
    st = state(ctx)
    site = st.settings.demo_site_dir
    if site is None or not site.is_dir():
        raise ConfigError(
            "config: [demo] site_dir is not set or not a folder (use config/demo.toml)"
        )
    started = time.monotonic()
    fetch_again = f"tracker --config {st.config_path} --db {st.db_url} fetch --all"
    with ExitStack() as stack:
        base_url = _serve_site(stack, site, st.settings.demo_port)
        stderr.print(f"serving {site} at {base_url}")
        sync_declared_sources(st, st.settings.sources, base_url)
        summary = run_fetch(st, [s.name for s in st.settings.sources])
        _demo_report(st, summary, time.monotonic() - started)
        if serve:
            stderr.print(
                f"\nserving the sample site at {base_url} until Ctrl-C; from another shell, "
                f"`{fetch_again}` fetches it again",
                soft_wrap=True,
            )
            try:
                # Woken twice a second: a signal the kernel handed to another thread (the
                # server's) is only acted on when the main thread runs Python code again,
                # and a wait without a timeout would never return to do so.
                idle = threading.Event()
                while not idle.wait(0.5):
                    pass
            except KeyboardInterrupt:
                stderr.print("stopped serving the sample site")
        else:
            stderr.print(
                f"\nThe sample site is served only while the demo runs: `tracker --config "
                f"{st.config_path} --db {st.db_url} demo --serve` keeps it up, for "
                f"`{fetch_again}` in another shell.",
                soft_wrap=True,
            )
    if summary.failed:
        raise typer.Exit(EXIT_SOURCES_FAILED)


def _demo_report(st: State, summary: RunSummary, elapsed: float) -> None:
    """The demo's summary, its top vendors and an example search."""
    from tracker.store import reports
    from tracker.store.search import search_articles

    print_summary(summary, Format.table, st)
    with st.store.session() as session:
        if summary.new:
            stdout.print(f"\n{summary.new} new articles stored in {elapsed:.1f} s.")
            top = reports.top_vendors(session, 10, summary.new_article_ids)
            title = "Top vendors in the new articles"
        else:
            unchanged = sum(o.status == "not_modified" for o in summary.outcomes)
            seen = sum(o.seen for o in summary.outcomes)
            stdout.print(
                f"\nNothing new ({elapsed:.1f} s): {unchanged} sources unchanged since the last "
                f"fetch (HTTP 304), {seen} entries of the others already stored."
            )
            top = reports.top_vendors(session, 10)
            title = "Top vendors in the store"
        emit(
            [{"vendor": v, "mentions": m, "articles": a} for v, m, a in top],
            Format.table,
            ["vendor", "mentions", "articles"],
            title=title,
        )
        query = "Luxshare"
        hits = search_articles(session, parse_query(query), limit=3)
    from tracker.cli.search import render_snippet

    db = st.db_option()
    stdout.print(
        f'\nExample search: tracker {db}search "{query}" --limit 3', highlight=False, soft_wrap=True
    )
    for hit in hits:
        stdout.print(f"  [bold]{hit.title}[/bold]  ({', '.join(hit.sources)})")
        stdout.print("    ", render_snippet(hit.snippet))
    if hits:
        stdout.print(
            f"\nOne article whole: tracker {db}show {hits[0].article_id}",
            highlight=False,
            soft_wrap=True,
        )
