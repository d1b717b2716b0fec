"""I/O: a digest period from the store to the recipients' mailboxes, through the outbox.

1. ``plan``: select and render the period, then record it and one ``pending`` outbox row per
   recipient (the whole message, as it will be sent) in one transaction. A period already
   recorded is never planned again: its window and its messages are fixed.
2. ``deliver``: for each unsent row, take a lease on it, hand the message to SMTP, and mark
   it ``sent`` in its own transaction right after the server accepts it. A failure is
   recorded on the row (attempts, last error) with the next attempt after an exponential
   backoff; after ``max_attempts``, or at once for a permanent 5xx refusal, it is ``failed``.

The guarantee is at-least-once: if the process dies after the server accepted a message but
before its row was marked sent, that one message goes out again on the next run, with the
same Message-ID. Nothing queued is dropped without its row saying so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.names import Names
from tracker.catalog.products import Catalog
from tracker.catalog.watch import WatchItem, watch_items
from tracker.config import Settings
from tracker.digest.message import compose_message, message_bytes, unsubscribe_target
from tracker.digest.records import Digest, Period
from tracker.digest.render import RenderedDigest, render_digest
from tracker.digest.schedule import (
    due_for_date,
    latest_due,
    make_period,
    next_due,
    period_key,
)
from tracker.digest.select import select_digest
from tracker.digest.send import SmtpSender, smtp_password
from tracker.digest.settings import DigestSpec, SmtpSettings, address_of, parse_address
from tracker.errors import ConfigError, DeliveryFailed, DigestError, UsageError
from tracker.logs import log_event
from tracker.store import Store
from tracker.store import digests as store_digests

log = logging.getLogger("tracker.digest")

LEASE = timedelta(minutes=10)  # a sender that dies mid-send frees its rows after this


def spec_named(settings: Settings, name: str) -> DigestSpec:
    """The configured digest called ``name`` (in any case); a UsageError with the closest
    name, or the configured ones, otherwise."""
    specs = {spec.name: spec for spec in settings.digests}
    names = Names("digest", ((n, ()) for n in specs))
    found = names.find(name)
    if found is not None:
        return specs[found]
    where = settings.path or "the configuration"
    raise UsageError(f"digest: no digest named {name!r} in {where}{names.hint(name)}")


def resolve_items(spec: DigestSpec, gazetteer: Gazetteer, catalog: Catalog) -> list[WatchItem]:
    """The digest's watchlist resolved against the gazetteer and the catalog."""
    return watch_items(spec.watchlist, gazetteer, catalog)


def period_for(
    store: Store,
    spec: DigestSpec,
    now: datetime,
    *,
    day: date | None = None,
    upcoming: bool = False,
) -> Period:
    """The period ``day`` names (else the latest due one, or the next one when ``upcoming``):
    a recorded period keeps its window; a new one starts where the last one recorded ended."""
    cadence = spec.cadence
    if day is not None:
        due = due_for_date(cadence, day)
    elif upcoming:
        due = next_due(cadence, now)
    else:
        due = latest_due(cadence, now)
    key = period_key(cadence, due)
    with store.session() as session:
        run = store_digests.run_for(session, spec.name, key)
        if run is not None:
            return Period(
                key, due, run.window_start, run.window_end, cadence.timezone, cadence.every
            )
        last_end = store_digests.last_window_end(session, spec.name, min(due, now))
    return make_period(cadence, due, last_end=last_end, now=now)


def build_digest(store: Store, spec: DigestSpec, period: Period, items: list[WatchItem]) -> Digest:
    """Select the period's digest from the store."""
    with store.session() as session:
        data = store_digests.digest_input(session, period, with_text=bool(spec.watchlist.keywords))
    return select_digest(spec, period, items, data)


def unsubscribe_for(spec: DigestSpec, smtp: SmtpSettings | None) -> str:
    """The List-Unsubscribe target: configured, else a mailto: to the sender, else none."""
    if spec.unsubscribe or smtp is None:
        return spec.unsubscribe
    return unsubscribe_target("", spec.name, smtp.from_address)


def render(spec: DigestSpec, digest: Digest, smtp: SmtpSettings | None) -> RenderedDigest:
    """Subject, text and HTML of a selected digest."""
    return render_digest(digest, unsubscribe=unsubscribe_for(spec, smtp))


@dataclass(slots=True)
class Plan:
    """A recorded period: whether this call recorded it, and its messages."""

    spec: DigestSpec
    period: Period
    is_new: bool
    is_empty: bool
    stories: int
    subject: str
    queued: list[str] = field(default_factory=list)  # recipients queued by this call


def _queued(
    spec: DigestSpec,
    period: Period,
    rendered: RenderedDigest,
    smtp: SmtpSettings,
    recipients: list[str],
    created_at: datetime,
) -> list[store_digests.QueuedMessage]:
    messages = []
    for formatted in recipients:
        message = compose_message(
            rendered,
            digest=spec.name,
            period=period.key,
            from_address=smtp.from_address,
            to=formatted,
            date=created_at.astimezone(spec.cadence.tz),
            unsubscribe=unsubscribe_for(spec, smtp),
        )
        messages.append(
            store_digests.QueuedMessage(
                recipient=address_of(formatted),
                message_id=str(message["Message-ID"]),
                message=message_bytes(message).decode("ascii"),
            )
        )
    return messages


def plan(
    store: Store,
    spec: DigestSpec,
    smtp: SmtpSettings,
    period: Period,
    items: list[WatchItem],
    now: datetime,
    *,
    to: str | None = None,
) -> Plan:
    """Record ``period`` and queue a message for each recipient (or only ``to``) that has none
    yet. A recorded period keeps its window; an empty one (and ``send_empty`` off) queues
    nothing."""
    recipients = [parse_address(to, "--to")] if to is not None else list(spec.recipients)
    with store.session() as session:
        run = store_digests.run_for(session, spec.name, period.key)
        if run is not None:
            queued = store_digests.queued_recipients(session, spec.name, period.key)
            recipients = [r for r in recipients if address_of(r) not in queued]
            if run.is_empty or not recipients:
                return Plan(spec, period, False, run.is_empty, run.stories, run.subject)
    digest = build_digest(store, spec, period, items)
    rendered = render(spec, digest, smtp)
    is_empty = digest.is_empty and not spec.send_empty
    with store.session() as session:
        run = store_digests.run_for(session, spec.name, period.key)
    is_new = run is None
    created_at = now if run is None else run.created_at
    messages = [] if is_empty else _queued(spec, period, rendered, smtp, recipients, created_at)
    saved = store_digests.save_plan(
        store,
        digest=spec.name,
        period=period,
        now=now,
        stories=digest.story_count,
        subject=rendered.subject,
        is_empty=is_empty,
        messages=messages,
    )
    if not saved:  # another process recorded this period or queued these a moment ago
        with store.session() as session:
            run = store_digests.run_for(session, spec.name, period.key)
            assert run is not None
            return Plan(spec, period, False, run.is_empty, run.stories, run.subject)
    log_event(
        log,
        logging.INFO,
        "digest planned" if is_new else "digest recipients added",
        job="digest",
        digest=spec.name,
        period=period.key,
        stories=digest.story_count,
        empty=is_empty,
        queued=len(messages),
    )
    return Plan(
        spec,
        period,
        is_new,
        is_empty,
        digest.story_count,
        rendered.subject,
        [m.recipient for m in messages],
    )


@dataclass(frozen=True, slots=True)
class Failure:
    """A message that could not be sent this time."""

    digest: str
    period: str
    recipient: str
    error: str
    attempts: int
    retry_at: datetime | None  # None: given up (state failed)


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery run did."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)  # digest, period, recipient
    failed: list[Failure] = field(default_factory=list)
    skipped: int = 0  # held by another sender

    def extend(self, other: DeliveryReport) -> None:
        """Add another run's results."""
        self.sent += other.sent
        self.failed += other.failed
        self.skipped += other.skipped


def retry_at(smtp: SmtpSettings, attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failures: base * 2^(attempts-1), capped; None
    once ``max_attempts`` is reached."""
    if attempts >= smtp.max_attempts:
        return None
    delay_s = min(smtp.retry_base_s * 2.0 ** min(attempts - 1, 40), smtp.retry_max_s)
    return now + timedelta(seconds=delay_s)


def _record_failure(
    store: Store, smtp: SmtpSettings, row_id: int, error: DeliveryFailed, now: datetime
) -> Failure:
    with store.session() as session:
        attempts = store_digests.attempts_of(session, row_id)
        when = None if error.is_permanent else retry_at(smtp, attempts + 1, now)
        row = store_digests.mark_failed(session, row_id, str(error), retry_at=when)
        log_event(
            log,
            logging.WARNING if when else logging.ERROR,
            "digest delivery failed",
            job="digest",
            digest=row.digest,
            period=row.period,
            recipient=row.recipient,
            attempts=row.attempts,
            next_attempt_at=when.isoformat() if when else None,
            error=str(error),
        )
        return Failure(row.digest, row.period, row.recipient, str(error), row.attempts, when)


@dataclass(frozen=True, slots=True)
class _Outgoing:
    row_id: int
    digest: str
    period: str
    recipient: str
    message: str


def deliver(
    store: Store,
    smtp: SmtpSettings,
    now: datetime,
    *,
    digest: str | None = None,
    period: str | None = None,
    retry_failed: bool = False,
) -> DeliveryReport:
    """Send the unsent outbox rows (of one digest or period) whose next attempt has come;
    ``retry_failed`` (a manual send) tries every unsent row now, failed ones included."""
    report = DeliveryReport()
    with store.session() as session:
        rows = store_digests.unsent(
            session,
            digest=digest,
            period=period,
            due_by=None if retry_failed else now,
            include_failed=retry_failed,
        )
        pending = [_Outgoing(r.id or 0, r.digest, r.period, r.recipient, r.message) for r in rows]
    if not pending:
        return report
    claimed: list[_Outgoing] = []
    for item in pending:
        with store.session() as session:
            if store_digests.claim(session, item.row_id, now, LEASE):
                if retry_failed:
                    store_digests.reopen(session, item.row_id, now)
                claimed.append(item)
            else:
                report.skipped += 1
    sender: SmtpSender | None = None
    try:
        for row_id, name, key, recipient, message in (
            (c.row_id, c.digest, c.period, c.recipient, c.message) for c in claimed
        ):
            try:
                if sender is None or not sender.is_open:
                    sender = SmtpSender(smtp, smtp_password(smtp))
                    sender.open()
                sender.send(message.encode("ascii"), recipient)
            except DeliveryFailed as exc:
                report.failed.append(_record_failure(store, smtp, row_id, exc, now))
                continue
            with store.session() as session:
                store_digests.mark_sent(session, row_id, datetime.now(now.tzinfo))
            report.sent.append((name, key, recipient))
            log_event(
                log,
                logging.INFO,
                "digest sent",
                job="digest",
                digest=name,
                period=key,
                recipient=recipient,
            )
    finally:
        if sender is not None:
            sender.close()
    return report


def require_smtp(settings: Settings) -> SmtpSettings:
    """The [smtp] settings, or a DigestError saying how to add them."""
    if settings.smtp is None:
        where = settings.path or "config/tracker.toml"
        raise DigestError(
            f"digest: smtp: no [smtp] section in {where} (add host and from_address to send)"
        )
    return settings.smtp


def send_period(
    store: Store,
    settings: Settings,
    spec: DigestSpec,
    items: list[WatchItem],
    now: datetime,
    *,
    day: date | None = None,
    upcoming: bool = False,
    to: str | None = None,
) -> tuple[Plan, DeliveryReport]:
    """`tracker digest send`: plan the period (``period_for``) if needed, then deliver what is
    unsent."""
    smtp = require_smtp(settings)
    period = period_for(store, spec, now, day=day, upcoming=upcoming)
    planned = plan(store, spec, smtp, period, items, now, to=to)
    report = deliver(store, smtp, now, digest=spec.name, period=period.key, retry_failed=True)
    return planned, report


def run_due(
    store: Store,
    settings: Settings,
    items: dict[str, list[WatchItem]],
    now: datetime,
    *,
    started_at: datetime,
) -> DeliveryReport:
    """The digest job of `tracker run`: plan each digest's latest due period if it has not
    been (a digest with no history only for a due time after ``started_at``), then deliver
    every row whose next attempt has come. However many periods were missed while the
    machine was off, only the latest is planned, and its window starts where the last
    recorded one ended: one digest covers the gap."""
    report = DeliveryReport()
    if settings.smtp is None:
        return report
    for spec in settings.digests:
        due = latest_due(spec.cadence, now)
        key = period_key(spec.cadence, due)
        with store.session() as session:
            exists = store_digests.run_for(session, spec.name, key) is not None
            has_history = exists or store_digests.has_runs(session, spec.name)
        if not (has_history or due >= started_at):
            continue  # a new digest starts at its first due time, not at start-up
        try:
            period = period_for(store, spec, now)
            plan(store, spec, settings.smtp, period, items[spec.name], now)
        except (DigestError, ConfigError) as exc:
            log_event(
                log, logging.ERROR, "digest failed", job="digest", digest=spec.name, error=str(exc)
            )
    report.extend(deliver(store, settings.smtp, now))
    return report
