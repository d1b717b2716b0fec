"""Delivery through the outbox to a real SMTP server (aiosmtpd on 127.0.0.1): one message per
recipient, never a second one for a period, failures retried with backoff, catch-up once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.digest.smtp import SmtpServer
from tests.digest.stories import store_story
from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.watch import WatchItem
from tracker.config import Settings, Watchlist
from tracker.digest import delivery
from tracker.digest.settings import Cadence, DigestSpec, SmtpSettings
from tracker.store import Store
from tracker.store import digests as store_digests

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # the 07:00 Berlin digest is due at 06:00 UTC
DAY = date(2026, 11, 26)
ANA = "Ana Müller <ana@example.com>"
OPS = "ops@example.com"
ITEMS = {"daily": [WatchItem("vendor", "TSMC", frozenset({"tsmc"}))]}


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    smtp = SmtpServer()
    smtp.start()
    yield smtp
    smtp.stop()


def settings_for(server: SmtpServer, **digest: object) -> Settings:
    spec = DigestSpec(
        name="daily",
        recipients=(ANA, OPS),
        cadence=Cadence("daily", time(7, 0), 0, "Europe/Berlin"),
        watchlist=Watchlist(vendors=("TSMC",)),
    )
    smtp = SmtpSettings(
        host="127.0.0.1",
        port=server.port,
        security="none",
        from_address="Tracker <digest@tracker.example.com>",
        timeout_s=5.0,
        retry_base_s=60.0,
        max_attempts=4,
    )
    return Settings(path=None, digests=(replace(spec, **digest),), smtp=smtp)  # type: ignore[arg-type]


def add_tsmc_story(store: Store, gazetteer: Gazetteer, title: str, fetched_at: datetime) -> int:
    return store_story(
        store,
        gazetteer,
        title=title,
        fetched_at=fetched_at,
        sentence="TSMC said output would resume.",
        vendors=["TSMC"],
        events=[("disruption", ["TSMC"], "TSMC said output would resume.")],
    )


def send(
    store: Store,
    settings: Settings,
    now: datetime = NOW,
    *,
    day: date = DAY,
    to: str | None = None,
) -> tuple[delivery.Plan, delivery.DeliveryReport]:
    spec = settings.digests[0]
    return delivery.send_period(store, settings, spec, ITEMS["daily"], now, day=day, to=to)


def states(store: Store) -> dict[str, tuple[str, int]]:
    with store.session() as session:
        rows = store_digests.outbox_rows(session)
    return {str(r["recipient"]): (r["state"], r["attempts"]) for r in rows}


def test_one_message_per_recipient_and_none_on_a_rerun(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server)
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs in Taiwan", NOW - timedelta(hours=5))
    add_tsmc_story(store, gazetteer, "TSMC story from before the period", NOW - timedelta(days=2))
    planned, report = send(store, settings)
    assert planned.is_new
    assert planned.stories == 1
    assert sorted(r for _, _, r in report.sent) == ["ana@example.com", "ops@example.com"]
    assert len(server.received) == 2
    assert [r.rcpt_tos for r in server.received] == [["ana@example.com"], ["ops@example.com"]]
    to_ana = server.messages_to("ana@example.com")[0]
    assert to_ana["To"] == ANA
    assert to_ana["Subject"] == "Supply-chain digest, 26 Nov: 1 story, 1 disruption"
    assert "Quake halts TSMC fabs in Taiwan" in to_ana.get_body(("plain",)).get_content()
    assert "before the period" not in to_ana.get_body(("html",)).get_content()
    assert states(store) == {"ana@example.com": ("sent", 1), "ops@example.com": ("sent", 1)}
    # A rerun for the same period, even with new articles fetched since: nothing more.
    add_tsmc_story(store, gazetteer, "TSMC later news", NOW - timedelta(minutes=5))
    again, report = send(store, settings, NOW + timedelta(hours=1))
    assert not again.is_new
    assert report.sent == []
    assert len(server.received) == 2


def test_a_failing_server_is_retried_with_backoff_without_duplicates(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server)
    assert settings.smtp is not None
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    server.stop()
    _, report = send(store, settings)
    assert len(report.failed) == 2
    assert "connection refused" in report.failed[0].error
    assert report.failed[0].retry_at == NOW + timedelta(seconds=60)
    with store.session() as session:
        rows = store_digests.unsent(session)
    assert [(r.state, r.attempts) for r in rows] == [("retrying", 1), ("retrying", 1)]
    assert {r.next_attempt_at for r in rows} == {NOW + timedelta(seconds=60)}
    # Not due yet: nothing is tried.
    report = delivery.deliver(store, settings.smtp, NOW + timedelta(seconds=30))
    assert report.sent == report.failed == []
    # Still down at the first retry: the next waits twice as long.
    report = delivery.deliver(store, settings.smtp, NOW + timedelta(seconds=61))
    assert len(report.failed) == 2
    with store.session() as session:
        rows = store_digests.unsent(session)
    assert {r.next_attempt_at for r in rows} == {NOW + timedelta(seconds=61 + 120)}
    assert {r.attempts for r in rows} == {2}
    server.start()
    report = delivery.deliver(store, settings.smtp, NOW + timedelta(seconds=200))
    assert len(report.sent) == 2
    assert delivery.deliver(store, settings.smtp, NOW + timedelta(hours=5)).sent == []
    assert len(server.received) == 2
    assert states(store) == {"ana@example.com": ("sent", 3), "ops@example.com": ("sent", 3)}


def test_a_permanent_refusal_is_failed_at_once_and_shown(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server)
    assert settings.smtp is not None
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    server.keeper.refuse.add("ops@example.com")
    _, report = send(store, settings)
    assert [r for _, _, r in report.sent] == ["ana@example.com"]
    assert report.failed[0].recipient == "ops@example.com"
    assert "550" in report.failed[0].error
    assert report.failed[0].retry_at is None
    with store.session() as session:
        rows = store_digests.outbox_rows(session)
    failed = next(r for r in rows if r["recipient"] == "ops@example.com")
    assert failed["state"] == "failed"
    assert failed["next_retry"] is None
    assert "550 5.1.1 mailbox unavailable" in failed["last_error"]
    assert delivery.deliver(store, settings.smtp, NOW + timedelta(days=1)).failed == []
    # A manual send tries it again; the one already sent is not resent.
    server.keeper.refuse.clear()
    _, report = send(store, settings, NOW + timedelta(hours=1))
    assert [r for _, _, r in report.sent] == ["ops@example.com"]
    assert len(server.messages_to("ana@example.com")) == 1


def test_backoff_doubles_up_to_a_cap_then_gives_up() -> None:
    smtp = SmtpSettings(from_address="a@example.com", retry_base_s=60, retry_max_s=300)
    smtp = replace(smtp, max_attempts=6)
    delays = [delivery.retry_at(smtp, n, NOW) for n in range(1, 7)]
    assert [(d - NOW).total_seconds() if d else None for d in delays] == [
        60,
        120,
        240,
        300,
        300,
        None,
    ]


def test_after_a_crash_only_unsent_messages_go_out_and_a_resend_keeps_its_message_id(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server)
    assert settings.smtp is not None
    spec = settings.digests[0]
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    period = delivery.period_for(store, spec, NOW, day=DAY)
    delivery.plan(store, spec, settings.smtp, period, ITEMS["daily"], NOW)  # then the crash
    assert states(store) == {"ana@example.com": ("pending", 0), "ops@example.com": ("pending", 0)}
    with store.session() as session:
        ana = next(r for r in store_digests.unsent(session) if r.recipient == "ana@example.com")
        # it went out before the crash
        assert store_digests.claim(session, ana.id or 0, "gone:1:x", NOW, timedelta(minutes=2))
        assert store_digests.mark_sent(session, ana.id or 0, "gone:1:x", NOW)
    report = delivery.deliver(store, settings.smtp, NOW)
    assert [r for _, _, r in report.sent] == ["ops@example.com"]
    assert len(server.received) == 1
    # The at-least-once window: accepted by the server, then the process died before the row
    # was marked sent. The next run sends that one message again, with the same Message-ID.
    with store.session() as session:
        row = session.get(store_digests.DigestOutbox, ana.id)
        assert row is not None
        row.state = "pending"
        session.add(row)
    delivery.deliver(store, settings.smtp, NOW)
    delivery.deliver(store, settings.smtp, NOW)
    assert len(server.messages_to("ana@example.com")) == 1
    with store.session() as session:
        row = session.get(store_digests.DigestOutbox, ana.id)
        assert row is not None
        row.state = "pending"
        session.add(row)
    delivery.deliver(store, settings.smtp, NOW)
    copies = server.messages_to("ana@example.com")
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"] == ana.message_id


def test_a_row_held_by_another_sender_is_left_alone(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server, recipients=(OPS,))
    assert settings.smtp is not None
    spec = settings.digests[0]
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    delivery.plan(
        store, spec, settings.smtp, delivery.period_for(store, spec, NOW), ITEMS["daily"], NOW
    )
    with store.session() as session:
        (row,) = store_digests.unsent(session)
        # held by a live process (this one) under another token: it may be sending it now
        holder = delivery.holder_id()
        assert store_digests.claim(session, row.id or 0, holder, NOW, timedelta(minutes=2))
    report = delivery.deliver(store, settings.smtp, NOW)
    assert (report.sent, report.skipped) == ([], 1)
    assert report.held_until == NOW + timedelta(minutes=2)
    later = delivery.deliver(store, settings.smtp, NOW + timedelta(minutes=2, seconds=1))
    assert len(later.sent) == 1
    assert len(server.received) == 1


def test_days_missed_while_off_are_sent_once_at_start_up(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server, recipients=(OPS,))
    # The last digest went out on 22 Nov; the machine was off from then until now.
    send(store, settings, datetime(2026, 11, 22, 6, 0, tzinfo=UTC), day=date(2026, 11, 22))
    assert len(server.received) == 0  # nothing to say that day (empty, send_empty off)
    for day in (22, 23, 24, 25):
        add_tsmc_story(
            store, gazetteer, f"TSMC story of {day} Nov", datetime(2026, 11, day, 12, tzinfo=UTC)
        )
    started = NOW
    report = delivery.run_due(store, settings, ITEMS, NOW, started_at=started)
    assert len(report.sent) == 1
    (message,) = server.messages_to(OPS)
    text = message.get_body(("plain",)).get_content()
    for day in (22, 23, 24, 25):
        assert f"TSMC story of {day} Nov" in text  # one digest covers the gap
    assert "4 stories" in message["Subject"]
    # The next ticks find nothing to do.
    for minutes in (1, 2, 30):
        tick = delivery.run_due(
            store, settings, ITEMS, NOW + timedelta(minutes=minutes), started_at=started
        )
        assert tick.sent == []
    assert len(server.received) == 1
    with store.session() as session:
        assert [(r["period"], r["state"]) for r in store_digests.outbox_rows(session)] == [
            ("2026-11-26", "sent"),
            ("2026-11-22", "empty"),
        ]


def test_a_new_digest_starts_at_its_first_due_time_not_at_start_up(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server, recipients=(OPS,))
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=1))
    started = NOW  # today's 07:00 Berlin (06:00 UTC) passed before start-up
    assert delivery.run_due(store, settings, ITEMS, NOW, started_at=started).sent == []
    tomorrow = datetime(2026, 11, 27, 6, 0, 20, tzinfo=UTC)
    report = delivery.run_due(store, settings, ITEMS, tomorrow, started_at=started)
    assert len(report.sent) == 1
    assert "Quake halts TSMC fabs" in server.received[0].message.get_body(("plain",)).get_content()


def test_an_empty_period_sends_nothing_unless_send_empty(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    planned, report = send(store, settings_for(server))
    assert planned.is_empty
    assert report.sent == []
    assert server.received == []
    with store.session() as session:
        assert store_digests.outbox_rows(session)[0]["state"] == "empty"
    other = DAY + timedelta(days=1)
    settings = settings_for(server, send_empty=True, recipients=(OPS,))
    planned, report = delivery.send_period(
        store, settings, settings.digests[0], ITEMS["daily"], NOW + timedelta(days=1), day=other
    )
    assert len(report.sent) == 1
    assert server.received[0].message["Subject"] == "Supply-chain digest, 27 Nov: nothing new"


def test_to_sends_to_one_address_and_the_period_stays_open_for_the_recipients(
    store: Store, gazetteer: Gazetteer, server: SmtpServer
) -> None:
    settings = settings_for(server)
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    _, report = send(store, settings, to="Test <me@example.org>")
    assert [r for _, _, r in report.sent] == ["me@example.org"]
    _, report = send(store, settings, to="me@example.org")
    assert report.sent == []  # already sent to that address
    _, report = send(store, settings)
    assert sorted(r for _, _, r in report.sent) == ["ana@example.com", "ops@example.com"]
    assert len(server.received) == 3
