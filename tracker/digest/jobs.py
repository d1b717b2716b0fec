"""The digest job of `tracker run`: every tick, plan each digest's latest due period if it has
not been planned, and deliver the outbox rows whose next attempt has come.

Ticking (rather than one cron trigger per digest) is what makes a missed digest go out once
at start-up: the first tick finds the latest due period unrecorded and sends it, covering
everything since the last period recorded, however many days the machine was off.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.interval import IntervalTrigger

from tracker.catalog.gazetteer import Gazetteer, load_gazetteer
from tracker.catalog.products import Catalog, load_catalog
from tracker.catalog.watch import WatchItem
from tracker.config import Settings
from tracker.digest.delivery import resolve_items, run_due
from tracker.logs import log_event
from tracker.store import Store

if TYPE_CHECKING:
    from tracker.ingest.daemon import Daemon

log = logging.getLogger("tracker.digest")


def digest_tick(
    store: Store,
    settings: Settings,
    items: dict[str, list[WatchItem]],
    started_at: datetime,
) -> None:
    """One tick (blocking: SMTP and the database); logs what it sent and what failed."""
    report = run_due(store, settings, items, datetime.now(UTC), started_at=started_at)
    if report.sent or report.failed:
        log_event(
            log,
            logging.INFO,
            "digest tick done",
            job="digest",
            sent=len(report.sent),
            failed=len(report.failed),
        )


def register_digest_jobs(daemon: Daemon) -> None:
    """Add the digest job to `tracker run` when digests and [smtp] are configured.

    A watchlist naming an unknown vendor or product stops the start with a ConfigError.
    """
    settings = daemon.settings
    if not settings.digests:
        return
    if settings.smtp is None:
        log_event(
            log,
            logging.WARNING,
            "digests configured without [smtp]: none will be sent",
            job="digest",
            digests=[s.name for s in settings.digests],
        )
        return
    gazetteer = getattr(daemon.extractor, "gazetteer", None)
    catalog = getattr(daemon.extractor, "catalog", None)
    if not isinstance(gazetteer, Gazetteer):
        gazetteer = load_gazetteer(settings.vendors_file)
    if not isinstance(catalog, Catalog):
        catalog = load_catalog(settings.catalog_dir)
    items = {spec.name: resolve_items(spec, gazetteer, catalog) for spec in settings.digests}
    started_at = datetime.now(UTC)

    async def tick() -> None:
        """Plan and deliver in a thread: SMTP and SQLite block."""
        if daemon.stopping.is_set():
            return
        try:
            await asyncio.to_thread(digest_tick, daemon.store, settings, items, started_at)
        except Exception:
            log.exception("digest tick crashed", extra={"fields": {"job": "digest"}})

    daemon.add_job(
        tick,
        IntervalTrigger(seconds=settings.schedule.tick_s),
        job_id="digest",
        next_run_time=started_at,
    )
