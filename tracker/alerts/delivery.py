"""Finding the stories that set alerts off, recording them in the outbox, and posting them.

Each tick of `tracker run` looks at the articles fetched in the last LOOKBACK, records an
outbox row for every story and endpoint that has none (the unique key makes that at most
once, across restarts and workers), then posts the rows whose next attempt has come: a 2xx
answer marks a row sent, anything else (or no answer) schedules a retry with the backoff of
the digests, up to ``max_attempts``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx2

from tracker.alerts.payload import AlertStory, endpoint_key, payload
from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import Catalog
from tracker.catalog.watch import watch_items
from tracker.config import NEW_SUPPLIER, AlertSpec, Settings
from tracker.errors import ConfigError, UsageError
from tracker.ingest.cadence import backoff
from tracker.logs import log_event
from tracker.store import Store
from tracker.store import alerts as store_alerts

log = logging.getLogger("tracker.alerts")

LOOKBACK = timedelta(days=2)  # a tick looks at the articles fetched this recently
LEASE = timedelta(minutes=2)  # a worker's claim on a row while it posts it
MAX_ERROR_CHARS = 300


@dataclass(frozen=True, slots=True)
class Target:
    """An alert with what its watchlist follows, resolved."""

    spec: AlertSpec
    vendors: frozenset[str]
    products: frozenset[str]  # catalog ids


def spec_named(settings: Settings, name: str) -> AlertSpec:
    """The configured alert called ``name``; a UsageError naming the configured ones."""
    for spec in settings.alerts:
        if spec.name == name:
            return spec
    known = ", ".join(a.name for a in settings.alerts) or "none"
    raise UsageError(f"alerts: no [[alerts]] table named {name!r} (configured: {known})")


def targets(settings: Settings, gazetteer: Gazetteer, catalog: Catalog) -> list[Target]:
    """Every configured alert with its watchlist resolved (ConfigError on unknown names)."""
    watchlists = {w.name: w for w in settings.watchlists}
    found: list[Target] = []
    for spec in settings.alerts:
        watchlist = watchlists.get(spec.watchlist)
        if watchlist is None:
            raise ConfigError(f"config: [[alerts]] {spec.name!r}: no watchlist {spec.watchlist!r}")
        items = watch_items(watchlist, gazetteer, catalog)
        vendors = frozenset(i.vendor for i in items if i.kind == "vendor")
        products = frozenset(
            i.product.id for i in items if i.kind == "product" and i.product is not None
        )
        found.append(Target(spec, vendors, products))
    return found


def stories_for(store: Store, target: Target, since: datetime) -> list[AlertStory]:
    """The stories fetched after ``since`` that set the alert off."""
    events = [e for e in target.spec.events if e != NEW_SUPPLIER]
    with store.read_session() as session:
        found = store_alerts.event_stories(session, since, events, target.vendors, target.products)
        if NEW_SUPPLIER in target.spec.events:
            found += store_alerts.new_supplier_stories(session, since, target.vendors)
    return found


def queue_new(store: Store, found: list[Target], now: datetime) -> int:
    """Record an outbox row for each new story and endpoint; how many were recorded."""
    queued = 0
    for target in found:
        spec = target.spec
        url = spec.endpoint()
        if not url:
            continue
        endpoint = endpoint_key(url)
        for story in stories_for(store, target, now - LOOKBACK):
            body = json.dumps(payload(spec.format, spec.name, spec.watchlist, story))
            with store.session() as session:
                if store_alerts.queue_alert(
                    session, alert=spec.name, endpoint=endpoint, story=story, payload=body, now=now
                ):
                    queued += 1
    return queued


def post(client: httpx2.Client, url: str, body: str, timeout_s: float) -> str | None:
    """POST the JSON ``body``; None when the endpoint took it (2xx), else why not."""
    try:
        response = client.post(
            url,
            content=body.encode(),
            headers={"Content-Type": "application/json"},
            timeout=timeout_s,
        )
    except httpx2.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code} {response.text.strip()}"[:MAX_ERROR_CHARS]


def _retry_at(spec: AlertSpec, now: datetime) -> Callable[[int], datetime | None]:
    def at(attempts: int) -> datetime | None:
        if attempts >= spec.max_attempts:
            return None
        return now + timedelta(seconds=backoff(attempts, spec.retry_base_s, spec.retry_max_s))

    return at


def deliver(
    store: Store, settings: Settings, now: datetime, client: httpx2.Client | None = None
) -> tuple[int, int]:
    """Post every due row: (sent, failed attempts)."""
    specs = {spec.name: spec for spec in settings.alerts}
    endpoints = {endpoint_key(url) for spec in settings.alerts if (url := spec.endpoint())}
    if not endpoints:
        return 0, 0
    with store.session() as session:
        rows = [
            (r.id or 0, r.alert, r.endpoint, r.payload)
            for r in store_alerts.due(session, now, endpoints)
        ]
    sent = failed = 0
    own = client is None
    client = client or httpx2.Client(follow_redirects=False)
    try:
        for row_id, name, endpoint, body in rows:
            spec = specs.get(name)
            url = spec.endpoint() if spec is not None else ""
            if spec is None or endpoint_key(url) != endpoint:
                continue  # the alert was removed or points elsewhere now: left as it is
            with store.session() as session:
                if not store_alerts.claim(session, row_id, now, LEASE):
                    continue
            error = post(client, url, body, spec.timeout_s)
            with store.session() as session:
                if error is None:
                    store_alerts.mark_sent(session, row_id, datetime.now(UTC))
                    sent += 1
                else:
                    row = store_alerts.mark_failed(session, row_id, error, _retry_at(spec, now))
                    failed += 1
                    log_event(
                        log,
                        logging.WARNING,
                        "alert not delivered",
                        job="alerts",
                        alert=name,
                        error=error,
                        attempts=row.attempts,
                        state=row.state,
                    )
    finally:
        if own:
            client.close()
    return sent, failed


def alerts_tick(
    store: Store,
    settings: Settings,
    found: list[Target],
    now: datetime,
    client: httpx2.Client | None = None,
) -> tuple[int, int, int]:
    """Record the new stories, post what is due: (queued, sent, failed attempts)."""
    queued = queue_new(store, found, now)
    sent, failed = deliver(store, settings, now, client)
    if queued or sent or failed:
        log_event(
            log,
            logging.INFO,
            "alerts tick done",
            job="alerts",
            queued=queued,
            sent=sent,
            failed=failed,
        )
    return queued, sent, failed


def send_test(spec: AlertSpec, now: datetime) -> str | None:
    """POST a test alert to the endpoint now (not through the outbox): None when taken."""
    url = spec.endpoint()
    if not url:
        raise ConfigError(
            f"config: [[alerts]] {spec.name!r}: the variable {spec.url_env} is not set"
        )
    story = AlertStory(
        0,
        "tracker:test",
        f"Test alert from tracker for {spec.name}",
        "",
        now,
        "disruption",
        ("Example Vendor",),
        "This is a test: alerts of this endpoint arrive like this.",
    )
    body = json.dumps(payload(spec.format, spec.name, spec.watchlist, story))
    with httpx2.Client(follow_redirects=False) as client:
        return post(client, url, body, spec.timeout_s)
