"""Several senders on one outbox: a message is sent by the one sender that holds it.

A slow SMTP server takes longer per message than a claim lasts: the claim is renewed while
the server takes the message, so another sender never takes it over and sends it again. A
claim held by a process of this machine that has died is taken over at once.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.digest.smtp import Keeper, SmtpServer
from tests.digest.test_delivery import ITEMS, NOW, add_tsmc_story, settings_for
from tracker.catalog.gazetteer import Gazetteer
from tracker.digest import delivery
from tracker.store import Store
from tracker.store import digests as store_digests

RECIPIENTS = ("a@example.com", "b@example.com", "c@example.com")


class SlowKeeper(Keeper):
    """Takes ``delay_s`` to accept each message."""

    delay_s = 4.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay_s)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_server() -> Iterator[SmtpServer]:
    smtp = SmtpServer()
    smtp.keeper = SlowKeeper()
    smtp.start()
    yield smtp
    smtp.stop()


def test_a_claim_shorter_than_a_send_is_renewed_and_each_message_goes_once(
    store: Store, gazetteer: Gazetteer, slow_server: SmtpServer
) -> None:
    settings = settings_for(slow_server, recipients=RECIPIENTS)
    assert settings.smtp is not None
    # Shorter than the time a message takes; renewed every third of itself, so a renewal may
    # be late by over a second and a half (a busy machine, the other writer's lock) before it
    # lapses (at a lease of 1 s, late by 0.67 s, it once lapsed on a loaded CI machine).
    smtp = replace(settings.smtp, lease_s=2.5)
    spec = settings.digests[0]
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    delivery.plan(store, spec, smtp, delivery.period_for(store, spec, NOW), ITEMS["daily"], NOW)
    stores = [store, Store(store.url, migrate=False)]
    failures: list[BaseException] = []

    def worker(own: Store) -> None:  # a `tracker run` worker's digest job, each tick
        try:
            for tick in range(240):  # ample: the messages take about 12 s in all
                delivery.deliver(own, smtp, NOW + timedelta(seconds=tick * 0.25))
                with own.session() as session:
                    if not store_digests.unsent(session):
                        return
                time.sleep(0.25)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    try:
        threads = [threading.Thread(target=worker, args=(own,)) for own in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        stores[1].close()
    assert failures == []
    assert sorted(r for received in slow_server.received for r in received.rcpt_tos) == sorted(
        RECIPIENTS
    )
    with store.session() as session:
        rows = store_digests.outbox_rows(session)
    assert {(r["state"], r["attempts"]) for r in rows} == {("sent", 1)}


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_claim_of_a_dead_process_of_this_machine_is_taken_over_at_once(
    store: Store, gazetteer: Gazetteer, caplog: pytest.LogCaptureFixture
) -> None:
    """`digest send` killed while sending, then run again: the rerun sends now, not once
    the dead sender's claim has run out."""
    smtp_server = SmtpServer()
    smtp_server.start()
    try:
        settings = settings_for(smtp_server, recipients=("ops@example.com",))
        assert settings.smtp is not None
        spec = settings.digests[0]
        add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
        period = delivery.period_for(store, spec, NOW)
        delivery.plan(store, spec, settings.smtp, period, ITEMS["daily"], NOW)
        live = delivery.holder_id()
        dead = live.split(":")[0] + f":{_dead_pid()}:0000"
        with store.session() as session:
            (row,) = store_digests.unsent(session)
            assert store_digests.claim(session, row.id or 0, dead, NOW, timedelta(minutes=10))
        with caplog.at_level(logging.INFO, logger="tracker.digest"):
            report = delivery.deliver(store, settings.smtp, NOW + timedelta(seconds=5))
        assert [r for _, _, r in report.sent] == ["ops@example.com"]
        assert "taken over from a dead sender" in caplog.text
        assert len(smtp_server.received) == 1
    finally:
        smtp_server.stop()


def test_the_second_of_two_workers_planning_one_period_says_it_queued_nothing(
    store: Store,
    gazetteer: Gazetteer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Both looked before either had recorded the period; the second logs that another
    process planned it, not "planned … queued: 2"."""
    smtp_server = SmtpServer()
    settings = settings_for(smtp_server)
    assert settings.smtp is not None
    spec = settings.digests[0]
    add_tsmc_story(store, gazetteer, "Quake halts TSMC fabs", NOW - timedelta(hours=3))
    period = delivery.period_for(store, spec, NOW)
    with caplog.at_level(logging.INFO, logger="tracker.digest"):
        first = delivery.plan(store, spec, settings.smtp, period, ITEMS["daily"], NOW)
        real = store_digests.run_for
        calls = iter(range(2))  # the second worker's two looks happened before the commit
        monkeypatch.setattr(
            store_digests,
            "run_for",
            lambda *a, **k: None if next(calls, None) is not None else real(*a, **k),
        )
        second = delivery.plan(store, spec, settings.smtp, period, ITEMS["daily"], NOW)
    planned = [r for r in caplog.records if r.getMessage().startswith("digest planned")]
    assert len(planned) == 1
    assert "already planned by another process" in caplog.text
    assert (first.is_new, len(first.queued)) == (True, 2)
    assert (second.is_new, second.queued) == (False, [])
