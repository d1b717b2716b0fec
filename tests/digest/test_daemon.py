"""`tracker run` sends the digest: the job beside the fetch job catches up once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from tests.digest.smtp import SmtpServer
from tests.digest.stories import store_story
from tracker.catalog.gazetteer import Gazetteer
from tracker.catalog.products import load_catalog
from tracker.config import BUNDLED_CONFIG_DIR, ScheduleSettings, Settings, Watchlist
from tracker.digest import delivery
from tracker.digest.schedule import latest_due, period_key
from tracker.digest.settings import Cadence, DigestSpec, SmtpSettings
from tracker.extract import Extractor
from tracker.ingest.daemon import Daemon
from tracker.store import Store
from tracker.store import digests as store_digests

STORIES = {
    2.5: "TSMC expands Arizona fab",
    1.5: "Quake pauses TSMC tools",
    0.5: "TSMC raises wafer prices",
}


async def test_run_sends_the_missed_digest_once(
    db_url: str, gazetteer: Gazetteer, gazetteer_extractor: Extractor
) -> None:
    server = SmtpServer()
    server.start()
    store = Store(db_url)
    cadence = Cadence("daily", time(0, 0), 0, "UTC")
    spec = DigestSpec("daily", ("ops@example.com",), cadence, Watchlist(vendors=("TSMC",)))
    smtp = SmtpSettings(
        host="127.0.0.1", port=server.port, security="none", from_address="t@example.com"
    )
    settings = Settings(
        path=None, schedule=ScheduleSettings(tick_s=0.1), digests=(spec,), smtp=smtp
    )
    due = latest_due(cadence, datetime.now(UTC))
    three_days_ago = due - timedelta(days=3)
    try:
        # History: the digest of three days ago was recorded (nothing new that day).
        items = delivery.resolve_items(
            spec, gazetteer, load_catalog(BUNDLED_CONFIG_DIR / "catalog")
        )
        delivery.send_period(
            store, settings, spec, items, three_days_ago, day=three_days_ago.date()
        )
        for days, title in STORIES.items():
            store_story(
                store,
                gazetteer,
                title=title,
                fetched_at=due - timedelta(days=days),
                vendors=["TSMC"],
            )
        daemon = Daemon(store, settings, gazetteer_extractor)
        run = asyncio.create_task(daemon.run())
        assert await asyncio.to_thread(server.keeper.arrived.wait, 20)
        await asyncio.sleep(0.5)  # a few more ticks: still one message
        daemon.stop()
        await asyncio.wait_for(run, timeout=20)
        assert len(server.received) == 1
        text = server.received[0].message.get_body(("plain",)).get_content()
        for title in STORIES.values():
            assert title in text
        with store.session() as session:
            rows = store_digests.outbox_rows(session)
        assert [(r["period"], r["state"]) for r in rows] == [
            (period_key(cadence, due), "sent"),
            (period_key(cadence, three_days_ago), "empty"),
        ]
    finally:
        store.close()
        server.stop()
