"""`tracker run`: the long-running scheduler."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Annotated

import typer

from tracker.cli.fetching import sync_declared_sources
from tracker.cli.state import state
from tracker.logs import configure_logging


class LogFormat(StrEnum):
    """Formats of the daemon's log lines."""

    text = "text"
    json = "json"


def run(
    ctx: typer.Context,
    log_format: Annotated[
        LogFormat, typer.Option("--log-format", help="Log lines on stderr: text or json.")
    ] = LogFormat.text,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logs too.")] = False,
) -> None:
    """Fetch each source on its own schedule until stopped (SIGINT or SIGTERM).

    Each source is fetched every `[schedule] interval_minutes` (or its own `--interval`, or
    its publishing rhythm when adaptive), with jitter, later when the server asks (Retry-After,
    Cache-Control max-age, RSS ttl), and with exponential backoff after failures. On SIGTERM,
    fetches in flight get `[schedule] shutdown_grace_s` to finish; a second signal cancels
    them between two writes. Only one `tracker run` may use a SQLite database at a time.
    """
    import asyncio

    from tracker.ingest.daemon import Daemon, RunLock, lock_path_for

    st = state(ctx)
    configure_logging(log_format.value, logging.DEBUG if verbose else logging.INFO)
    with RunLock(lock_path_for(st.db_url)):
        store = st.store
        sync_declared_sources(st, st.settings.sources)
        daemon = Daemon(store, st.settings, st.extractor)
        asyncio.run(daemon.run())
