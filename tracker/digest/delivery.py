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
import os
import socket
import threading
import time
import uuid
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
from tracker.ingest.cadence import backoff
from tracker.logs import log_event
from tracker.store import Store
from tracker.store import digests as store_digests

log = logging.getLogger("tracker.digest")


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
    recorded, added = saved if saved is not None else (False, [])
    if not recorded and not added:  # another process planned this period a moment ago
        with store.session() as session:
            run = store_digests.run_for(session, spec.name, period.key)
            assert run is not None
        log_event(
            log,
            logging.INFO,
            "digest already planned by another process",
            job="digest",
            digest=spec.name,
            period=period.key,
            queued=0,
        )
        return Plan(spec, period, False, run.is_empty, run.stories, run.subject)
    log_event(
        log,
        logging.INFO,
        "digest planned" if recorded else "digest recipients added",
        job="digest",
        digest=spec.name,
        period=period.key,
        stories=digest.story_count,
        empty=is_empty,
        queued=len(added),
    )
    return Plan(
        spec,
        period,
        recorded,
        is_empty,
        digest.story_count,
        rendered.subject,
        added,
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
    held_until: datetime | None = None  # when the last of those claims ends, if not renewed

    def extend(self, other: DeliveryReport) -> None:
        """Add another run's results."""
        self.sent += other.sent
        self.failed += other.failed
        self.skipped += other.skipped
        if other.held_until is not None:
            self.held_until = max(other.held_until, self.held_until or other.held_until)


def retry_at(smtp: SmtpSettings, attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failures: base * 2^(attempts-1), capped; None
    once ``max_attempts`` is reached."""
    if attempts >= smtp.max_attempts:
        return None
    return now + timedelta(seconds=backoff(attempts, smtp.retry_base_s, smtp.retry_max_s))


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


def holder_id() -> str:
    """This sender, as an outbox row names its holder: host, process id, and a token (a
    process id is reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _is_dead_here(holder: str) -> bool:
    """True when ``holder`` names a process of this machine that no longer runs."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, as another user
        return False
    return False


class _Claim:
    """A claim on one outbox row, renewed from a thread while the server takes the message
    (a slow server cannot make the claim lapse under a live sender)."""

    def __init__(self, store: Store, row_id: int, holder: str, lease: timedelta, at: _Clock):
        self.store, self.row_id, self.holder, self.lease, self.at = store, row_id, holder, lease, at
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="outbox-claim", daemon=True)

    def _renew(self) -> None:
        every = max(self.lease.total_seconds() / 3, 0.05)
        while not self._stop.wait(every):
            held = store_digests.renew_claim(
                self.store, self.row_id, self.holder, self.at() + self.lease
            )
            if held is False:
                self.lost = True
                return

    def __enter__(self) -> _Claim:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class _Clock:
    """``now`` as the caller gave it, moved on by the time spent since."""

    def __init__(self, now: datetime) -> None:
        self.now, self.started = now, time.monotonic()

    def __call__(self) -> datetime:
        return self.now + timedelta(seconds=time.monotonic() - self.started)


def _take(
    store: Store, item: _Outgoing, holder: str, at: _Clock, lease: timedelta, reopen: bool
) -> tuple[bool, datetime | None]:
    """Claim a row just before sending it; a claim held by a dead process of this machine is
    taken over at once. Returns whether it is ours, else until when another sender holds it."""
    with store.session() as session:
        if store_digests.claim(session, item.row_id, holder, at(), lease):
            if reopen:
                store_digests.reopen(session, item.row_id, at())
            return True, None
        other, until = store_digests.claim_of(session, item.row_id)
    if other is None or not _is_dead_here(other):
        return False, until
    with store.session() as session:
        if store_digests.claim(session, item.row_id, holder, at(), lease, replacing=other):
            log_event(
                log,
                logging.INFO,
                "digest message taken over from a dead sender",
                job="digest",
                digest=item.digest,
                period=item.period,
                recipient=item.recipient,
                holder=other,
            )
            if reopen:
                store_digests.reopen(session, item.row_id, at())
            return True, None
        return False, store_digests.claim_of(session, item.row_id)[1]


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
    ``retry_failed`` (a manual send) tries every unsent row now, failed ones included.

    Each row is claimed just before its message is sent, the claim renewed while the server
    takes it, and the row marked sent only while the claim is still this sender's: another
    worker never sends a message this one is sending."""
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
    holder, at, lease = holder_id(), _Clock(now), timedelta(seconds=smtp.lease_s)
    sender: SmtpSender | None = None
    try:
        for item in pending:
            ours, until = _take(store, item, holder, at, lease, retry_failed)
            if not ours:
                report.skipped += 1
                if until is not None:
                    report.held_until = max(until, report.held_until or until)
                continue
            try:
                with _Claim(store, item.row_id, holder, lease, at) as held:
                    if sender is None or not sender.is_open:
                        sender = SmtpSender(smtp, smtp_password(smtp))
                        sender.open()
                    sender.send(item.message.encode("ascii"), item.recipient)
            except DeliveryFailed as exc:
                report.failed.append(_record_failure(store, smtp, item.row_id, exc, now))
                continue
            with store.session() as session:
                recorded = store_digests.mark_sent(session, item.row_id, holder, at())
            report.sent.append((item.digest, item.period, item.recipient))
            log_event(
                log,
                logging.INFO if recorded else logging.WARNING,
                "digest sent" if recorded else "digest sent after its claim lapsed",
                job="digest",
                digest=item.digest,
                period=item.period,
                recipient=item.recipient,
                claim_lost=held.lost or not recorded,
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
