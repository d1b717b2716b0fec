"""The digest job of `tracker run` (wired by tracker.ingest.daemon): every tick, plan each
digest's latest due period if it has not been planned, and deliver the outbox rows whose
next attempt has come; record the stories that set a webhook alert off and post the alert
rows whose next attempt has come.

Ticking (rather than one cron trigger per digest) is what makes a missed digest go out once
at start-up: the first tick finds the latest due period unrecorded and sends it, covering
everything since the last period recorded, however many days the machine was off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from tracker.catalog.watch import WatchItem
from tracker.config import Settings
from tracker.digest.delivery import resolve_items, run_due
from tracker.extract import Extractor
from tracker.logs import log_event
from tracker.store import Store

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


def digest_job(store: Store, settings: Settings, extractor: Extractor) -> Callable[[], None] | None:
    """The outbox tick of `tracker run` (blocking: SMTP, webhooks and the database): the
    digests, and the webhook alerts (``tracker.alerts``); None when there is neither (a
    digest without [smtp] is left out, with a warning).

    A watchlist naming an unknown vendor or product stops the start with a ConfigError.
    """
    from tracker.alerts.delivery import alerts_tick, targets

    gazetteer, catalog = extractor.gazetteer, extractor.catalog
    has_digests = bool(settings.digests)
    if has_digests and settings.smtp is None:
        log_event(
            log,
            logging.WARNING,
            "digests configured without [smtp]: none will be sent",
            job="digest",
            digests=[s.name for s in settings.digests],
        )
        has_digests = False
    alerting = targets(settings, gazetteer, catalog)
    if not has_digests and not alerting:
        return None
    items = (
        {spec.name: resolve_items(spec, gazetteer, catalog) for spec in settings.digests}
        if has_digests
        else {}
    )
    started_at = datetime.now(UTC)

    def tick() -> None:
        if has_digests:
            try:
                digest_tick(store, settings, items, started_at)
            except Exception:
                log.exception("digest tick crashed", extra={"fields": {"job": "digest"}})
        if alerting:
            try:
                alerts_tick(store, settings, alerting, datetime.now(UTC))
            except Exception:
                log.exception("alerts tick crashed", extra={"fields": {"job": "alerts"}})

    return tick
